package dev.weft.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Virtual time for one thread at a time: {@link #sleep} records the duration and advances the clock
 * by exactly that much, so tests of delays are exact and instant. It honours interrupts like a real
 * sleep, and can be told to be interrupted on its next sleep.
 */
final class FakeTime implements TimeSource {
  private final long origin;
  private long now;
  private final List<Duration> sleeps = new ArrayList<>();
  private boolean interruptNextSleep;

  FakeTime() {
    this(42_000_000_000L);
  }

  /** A clock starting at {@code origin}, which may be near the ends of the long range. */
  FakeTime(long origin) {
    this.origin = origin;
    this.now = origin;
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    synchronized (this) {
      if (interruptNextSleep) {
        interruptNextSleep = false;
        Thread.currentThread().interrupt();
      }
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("fake sleep interrupted");
    }
    synchronized (this) {
      sleeps.add(duration);
      now += Math.max(0, duration.toNanos());
    }
  }

  synchronized void advance(Duration d) {
    now += d.toNanos();
  }

  /** The virtual time since the clock was made. */
  synchronized Duration elapsed() {
    return Duration.ofNanos(now - origin);
  }

  synchronized List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  synchronized void interruptNextSleep() {
    interruptNextSleep = true;
  }
}
