package dev.weft.shm;

/**
 * Why a {@link SharedQueue} failed, as seen from any of its processes: another process {@linkplain
 * SharedQueue#fail(Throwable) failed} it, or a process died while it held an end. The cause of the
 * {@link dev.weft.channel.ChannelClosedException} its sends and receives then throw. Only the
 * message crosses processes, not the original exception.
 */
public final class RemoteFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The process that failed the queue or died. */
  private final long pid;

  /** Whether it died rather than failed the queue. */
  private final boolean died;

  RemoteFailureException(long pid, boolean died, String message) {
    super(message);
    this.pid = pid;
    this.died = died;
  }

  /**
   * The process that failed the queue or died.
   *
   * @return its process id
   */
  public long pid() {
    return pid;
  }

  /**
   * Whether the process died holding an end (a crash, a kill) rather than failing the queue.
   *
   * @return true for a death
   */
  public boolean died() {
    return died;
  }
}
