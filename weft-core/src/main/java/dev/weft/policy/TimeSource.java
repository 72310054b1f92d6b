package dev.weft.policy;

import java.time.Duration;

/**
 * The clock and the sleep that {@link Retry} and {@link RateLimiter} use, so that tests can run
 * them on virtual time: a fake time source whose {@code sleep} advances its clock makes their
 * delays exact and their tests instant.
 *
 * <p>Implementations must be thread-safe: one time source is shared by every thread that uses the
 * policy. {@link #nanoTime()} must never go backwards.
 */
public interface TimeSource {
  /**
   * The current time, in nanoseconds from an arbitrary origin, as {@link System#nanoTime()}.
   *
   * @return the time
   */
  long nanoTime();

  /**
   * Blocks the calling thread for {@code duration} (at least; it may overshoot, never undershoot by
   * more than the clock's precision). A zero or negative duration returns at once.
   *
   * @param duration how long to sleep
   * @throws InterruptedException if the thread is interrupted before or while sleeping; the
   *     interrupt status is cleared
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * The real time: {@link System#nanoTime()} and {@link Thread#sleep(Duration)}.
   *
   * @return the system time source
   */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}

/** The default time source: the JVM's monotonic clock and real sleeping. */
enum SystemTimeSource implements TimeSource {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (duration.isPositive()) {
      Thread.sleep(duration);
    } else if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }
}
