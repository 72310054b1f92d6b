package dev.weft.channel;

/**
 * A channel can no longer do what was asked: it was {@linkplain Channel#close() closed} (done) or
 * {@linkplain Channel#fail(Throwable) failed}. Thrown by {@code send} once the channel is closed,
 * and by {@code receive} once it is closed and drained. For a failed channel the {@linkplain
 * #getCause() cause} is the error it was failed with.
 */
public final class ChannelClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception for a channel-like queue that has ended; public so that queues outside this
   * package (the cross-process {@code dev.weft.shm.SharedQueue}) report their end the same way.
   *
   * @param message what ended
   * @param cause the error the channel was failed with, or null if it was closed normally
   */
  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the channel ended normally ({@code close()}) rather than with an error.
   *
   * @return true for a channel that is done
   */
  public boolean isDone() {
    return getCause() == null;
  }
}
