package dev.weft;

/**
 * A task did not finish because the worker running it died: its process was killed (by a signal,
 * the kernel's out-of-memory killer, a {@code halt} inside a task) or its connection broke. The
 * task's own code did not throw; it may not even be at fault. Engines that run work in other
 * processes retry such a task on another worker up to a limit; this is the error once the limit is
 * reached, so {@link #attempts()} says how often it was tried and every worker it was tried on
 * died.
 *
 * <p>In a fail-fast call it is the cause of the {@link TaskFailedException} (which adds the task's
 * index and input); in the {@code Outcomes} forms it is the {@link Outcome.Failure#error()} and
 * {@link Outcome.Failure#workerLost()} is true.
 */
public final class WorkerLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String worker;
  private final long pid;
  private final int exitCode;
  private final String signal;
  private final int attempts;

  /**
   * Creates the error.
   *
   * @param worker the name of the (last) worker that died, such as {@code weft-proc-1-w2}
   * @param pid its process id, or -1 if unknown
   * @param exitCode its exit code, or -1 if unknown (a process killed by signal N exits 128 + N)
   * @param signal the signal that killed it, such as {@code "SIGKILL"}, or null if none is known
   * @param attempts how many workers the task was tried on, each of which died
   * @param detail what else is known (the worker's last words on standard error, say), or null
   */
  public WorkerLostException(
      String worker, long pid, int exitCode, String signal, int attempts, String detail) {
    super(message(worker, pid, exitCode, signal, attempts, detail));
    this.worker = worker;
    this.pid = pid;
    this.exitCode = exitCode;
    this.signal = signal;
    this.attempts = attempts;
  }

  private static String message(
      String worker, long pid, int exitCode, String signal, int attempts, String detail) {
    StringBuilder b = new StringBuilder("worker ").append(worker);
    if (pid >= 0) {
      b.append(" (pid ").append(pid).append(')');
    }
    b.append(" died");
    if (signal != null) {
      b.append(", killed by ").append(signal);
    } else if (exitCode >= 0) {
      b.append(" with exit code ").append(exitCode);
    }
    b.append(", before the task finished; tried ")
        .append(attempts)
        .append(attempts == 1 ? " time" : " times");
    if (attempts > 1) {
      b.append(", and every worker it ran on died");
    }
    if (detail != null && !detail.isBlank()) {
      b.append(": ").append(detail);
    }
    return b.toString();
  }

  /**
   * The worker that died (the last one, after retries).
   *
   * @return its name
   */
  public String worker() {
    return worker;
  }

  /**
   * The dead worker's process id.
   *
   * @return the pid, or -1 if unknown
   */
  public long pid() {
    return pid;
  }

  /**
   * The dead worker's exit code.
   *
   * @return the code, or -1 if unknown
   */
  public int exitCode() {
    return exitCode;
  }

  /**
   * The signal that killed the worker.
   *
   * @return a name such as {@code "SIGKILL"}, or null if none is known
   */
  public String signal() {
    return signal;
  }

  /**
   * How many workers the task was tried on.
   *
   * @return at least 1
   */
  public int attempts() {
    return attempts;
  }
}
