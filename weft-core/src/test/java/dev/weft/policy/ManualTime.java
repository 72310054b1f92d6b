package dev.weft.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Virtual time for many threads: {@link #sleep} blocks until the test moves the clock past the
 * sleeper's wake-up time with {@link #advanceTo}. {@link #blockedSleepers()} tells the test when
 * every thread has settled, so that what happened by a virtual time can be asserted exactly.
 */
final class ManualTime implements TimeSource {
  private final long origin;
  private long now;
  private final List<Long> wakeUps = new ArrayList<>();

  ManualTime(long origin) {
    this.origin = origin;
    this.now = origin;
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized void sleep(Duration duration) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Long wakeUp = now + duration.toNanos();
    wakeUps.add(wakeUp);
    try {
      while (wakeUp - now > 0) {
        wait();
      }
    } finally {
      wakeUps.remove(wakeUp);
    }
  }

  /** Sets the clock to {@code elapsed} after the origin and wakes the sleepers that are due. */
  synchronized void advanceTo(Duration elapsed) {
    now = origin + elapsed.toNanos();
    notifyAll();
  }

  synchronized Duration elapsed() {
    return Duration.ofNanos(now - origin);
  }

  /** How many threads are asleep and not yet due. */
  synchronized int blockedSleepers() {
    int n = 0;
    for (long w : wakeUps) {
      if (w - now > 0) {
        n++;
      }
    }
    return n;
  }
}
