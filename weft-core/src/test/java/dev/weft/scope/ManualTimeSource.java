package dev.weft.scope;

import dev.weft.policy.TimeSource;
import java.time.Duration;

/**
 * Virtual time for scope tests: the clock moves only when the test {@linkplain #advance advances}
 * it, and {@code sleep} blocks until it has moved far enough, so a test decides exactly when a
 * deadline or a grace period ends.
 */
final class ManualTimeSource implements TimeSource {
  private long now;
  private long sleepsStarted;
  private int sleeping;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized void sleep(Duration duration) throws InterruptedException {
    long wakeAt = now + duration.toNanos();
    sleepsStarted++;
    sleeping++;
    notifyAll();
    try {
      while (now < wakeAt) {
        wait();
      }
    } finally {
      sleeping--;
      notifyAll();
    }
  }

  synchronized void advance(Duration by) {
    now += by.toNanos();
    notifyAll();
  }

  /** Waits until {@code sleep} has been called {@code n} times in all. */
  synchronized void awaitSleepsStarted(long n) throws InterruptedException {
    while (sleepsStarted < n) {
      wait();
    }
  }

  synchronized int sleeping() {
    return sleeping;
  }
}
