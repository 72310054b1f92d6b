package dev.weft.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The watchdog of an in-JVM engine's task deadlines: one daemon thread that looks at the jobs
 * running timed tasks a few times per timeout, interrupts a task whose time is up and, once its
 * grace period has passed too, gives up on it ({@link Job#abandon}). It runs only while some timed
 * job runs: it starts with the first and exits when none is left, so an engine without deadlines
 * has no such thread, and a closed engine leaves none behind.
 *
 * <p>Cost to a timed task: one uncontended lock to note its start and one to note its end, against
 * a task that is worth a time limit. Precision: a task is interrupted between its deadline and one
 * tick later (an eighth of the shortest timeout watched, between 1 ms and 50 ms).
 */
final class Deadlines {
  private static final long MIN_TICK = 1_000_000;
  private static final long MAX_TICK = 50_000_000;

  private final String threadName;
  private final Set<Job> watched = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private Thread thread; // under lock

  Deadlines(String threadName) {
    this.threadName = threadName;
  }

  /** Starts watching a job that runs timed tasks. */
  void watch(Job job) {
    watched.add(job);
    lock.lock();
    try {
      if (thread == null) {
        thread =
            Thread.ofPlatform()
                .name(threadName)
                .daemon(true)
                .start(
                    new Runnable() {
                      @Override
                      public void run() {
                        loop();
                      }
                    });
      }
    } finally {
      lock.unlock();
    }
    LockSupport.unpark(thread);
  }

  /** Stops watching it: its batch is over, or was given up on. */
  void unwatch(Job job) {
    watched.remove(job);
  }

  private void loop() {
    while (true) {
      long tick = MAX_TICK;
      for (Job job : watched) {
        tick = Math.min(tick, Math.max(MIN_TICK, job.deadline().timeoutNanos() / 8));
        job.checkDeadline(System.nanoTime());
      }
      if (watched.isEmpty()) {
        lock.lock();
        try {
          if (watched.isEmpty()) {
            thread = null;
            return;
          }
        } finally {
          lock.unlock();
        }
      }
      LockSupport.parkNanos(this, tick);
    }
  }
}
