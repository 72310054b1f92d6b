package dev.weft.policy;

import dev.weft.TaskCallable;
import dev.weft.shm.LongView;
import dev.weft.shm.SharedMemory;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket shared by every thread that uses this instance: permits are issued at a steady
 * rate, and up to {@code burst} of them may be taken at once after a quiet spell. One limiter
 * wrapped around a pool's function limits the pool as a whole, not each worker.
 *
 * {@snippet :
 * RateLimiter api = RateLimiter.perSecond(50);                        // smooth: one every 20 ms
 * RateLimiter bursty = RateLimiter.of(100, Duration.ofMinutes(1)).withBurst(10);
 * List<String> pages = pool.map(api.wrap(id -> fetch(id)), ids);      // 50 per second in all
 * }
 *
 * <p>As a {@link Policy}, it takes one permit before the task starts (waiting as long as it takes,
 * or at most {@link #withMaxWait}); it limits how often tasks start, not how many run at once (that
 * is {@link Limiter}). Use {@link #acquire()}, {@link #tryAcquire()} and {@link
 * #tryAcquire(Duration)} directly for other work.
 *
 * <p><b>Fairness.</b> Each acquire reserves the next free slot and then sleeps until it, so waiting
 * threads are served in the order they arrived, and a thread that gives up (an interrupt, a
 * timeout) never lets the rate be exceeded. A new limiter starts with a full bucket.
 *
 * <p>Thread-safety: thread-safe and lock-free; {@link #acquire()} blocks only by sleeping until its
 * slot. The configuration is immutable; each {@code with...} method returns a new limiter with a
 * new, full bucket, so configure first and then share the one instance. Interrupts: a thread
 * interrupted while waiting throws {@link InterruptedException} and takes no permit.
 * Happens-before: none beyond what the caller's own code establishes; a permit carries no data.
 *
 * <p>Implementation note: this is the generic cell rate algorithm in its "virtual scheduling" form.
 * The whole state is one number, the theoretical arrival time {@code tat} of the next permit at the
 * steady rate; a permit is granted at {@code max(now, tat - (burst - 1) * interval)}, and taking it
 * moves {@code tat} to {@code max(tat, now) + interval}. The linearization point of a reservation
 * is the successful compare-and-set of {@code tat}. A thread that abandons its reservation moves
 * {@code tat} back only if nobody has reserved after it; otherwise its slot is lost, which slows
 * the rate a little but never speeds it.
 */
public final class RateLimiter extends Policy {
  private static final long serialVersionUID = 1L;
  private static final long NONE = Long.MIN_VALUE;
  private static final long MOVED = Long.MIN_VALUE + 1; // tat's value once it lives elsewhere
  private static final long MAX_SPAN_NANOS = Long.MAX_VALUE / 4;

  private final long intervalNanos;
  private final int burst;
  private final Duration maxWait; // null: wait as long as it takes
  private final TimeSource time;
  private final transient AtomicLong tat;
  // Once shipped to another process, the state lives in one shared long that every process's
  // copy of the limiter updates with the same compare-and-set (see publish()).
  private transient volatile LongView shared;
  private transient String sharedName;

  private RateLimiter(long intervalNanos, int burst, Duration maxWait, TimeSource time) {
    // The clock arithmetic compares differences of nanoTime values, so the bucket's span must stay
    // far below 2^63 ns (a bucket spanning over a century is a configuration error anyway).
    if (intervalNanos > MAX_SPAN_NANOS / burst) {
      throw new IllegalArgumentException(
          "rate too low for a burst of " + burst + ": one permit every " + intervalNanos + " ns");
    }
    this.intervalNanos = intervalNanos;
    this.burst = burst;
    this.maxWait = maxWait;
    this.time = time;
    this.tat = new AtomicLong(time.nanoTime());
  }

  /**
   * A smooth limiter (burst 1) issuing {@code permitsPerSecond} permits per second.
   *
   * @param permitsPerSecond the rate, positive; fractions are fine ({@code 0.5} is one every 2 s)
   * @return the limiter
   */
  public static RateLimiter perSecond(double permitsPerSecond) {
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException(
          "permitsPerSecond must be positive and finite, was " + permitsPerSecond);
    }
    long interval = (long) Math.ceil(1e9 / permitsPerSecond);
    return new RateLimiter(Math.max(1, interval), 1, null, TimeSource.system());
  }

  /**
   * A smooth limiter (burst 1) issuing {@code permits} permits per {@code period}, evenly spaced:
   * one every {@code period / permits}, rounded up to a nanosecond so that the rate is never
   * exceeded.
   *
   * @param permits the permits per period, at least 1
   * @param period the period, positive
   * @return the limiter
   */
  public static RateLimiter of(long permits, Duration period) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, was " + permits);
    }
    Durations.positive(period, "period");
    long interval = Math.ceilDiv(Durations.toNanos(period), permits);
    return new RateLimiter(interval, 1, null, TimeSource.system());
  }

  /**
   * A new limiter with the same rate and a bucket of {@code burst} permits: after a quiet spell,
   * {@code burst} permits may be taken at once, and then the steady rate applies.
   *
   * @param burst the bucket's capacity, at least 1 (1 is smooth)
   * @return the new limiter, with a full bucket
   */
  public RateLimiter withBurst(int burst) {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    return new RateLimiter(intervalNanos, burst, maxWait, time);
  }

  /**
   * A new limiter that, as a {@link Policy}, waits at most {@code maxWait} for a permit and
   * otherwise throws {@link RejectedExecutionException} without running the task. {@link
   * Duration#ZERO} never waits.
   *
   * @param maxWait the longest wait for a permit
   * @return the new limiter, with a full bucket
   */
  public RateLimiter withMaxWait(Duration maxWait) {
    Durations.nonNegative(maxWait, "maxWait");
    return new RateLimiter(intervalNanos, burst, maxWait, time);
  }

  /**
   * A new limiter on another clock and sleeper, for tests.
   *
   * @param time the time source
   * @return the new limiter, with a full bucket
   */
  public RateLimiter withTimeSource(TimeSource time) {
    return new RateLimiter(intervalNanos, burst, maxWait, Objects.requireNonNull(time, "time"));
  }

  /**
   * The time between two permits at the steady rate.
   *
   * @return the interval
   */
  public Duration interval() {
    return Duration.ofNanos(intervalNanos);
  }

  /**
   * The steady rate.
   *
   * @return permits per second
   */
  public double permitsPerSecond() {
    return 1e9 / intervalNanos;
  }

  /**
   * The bucket's capacity: how many permits may be taken at once after a quiet spell.
   *
   * @return the burst
   */
  public int burst() {
    return burst;
  }

  /**
   * Takes a permit, waiting until one is free.
   *
   * @throws InterruptedException if interrupted while waiting; no permit is taken
   */
  public void acquire() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long now = time.nanoTime();
    waitFor(reserve(now, Long.MAX_VALUE), now);
  }

  /**
   * Takes a permit if one is free now; never waits.
   *
   * @return true if a permit was taken
   */
  public boolean tryAcquire() {
    return reserve(time.nanoTime(), 0) != NONE;
  }

  /**
   * Takes a permit if one will be free within {@code timeout}, waiting for it; returns false at
   * once (and takes nothing) if none would be.
   *
   * @param timeout the longest wait
   * @return true if a permit was taken
   * @throws InterruptedException if interrupted while waiting; no permit is taken
   */
  public boolean tryAcquire(Duration timeout) throws InterruptedException {
    Durations.nonNegative(timeout, "timeout");
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long now = time.nanoTime();
    long grant = reserve(now, Durations.toNanos(timeout));
    if (grant == NONE) {
      return false;
    }
    waitFor(grant, now);
    return true;
  }

  /**
   * Reserves the next slot if it comes within {@code maxWaitNanos} of {@code now}.
   *
   * @return the time the permit is granted, or {@link #NONE}
   */
  private long reserve(long now, long maxWaitNanos) {
    long tolerance = tolerance();
    while (true) {
      long current = tatGet();
      long earliest = current - tolerance;
      long grant = earliest - now > 0 ? earliest : now;
      if (grant - now > maxWaitNanos) {
        return NONE;
      }
      long next = (current - now > 0 ? current : now) + intervalNanos;
      if (tatCas(current, next)) {
        return grant;
      }
    }
  }

  private long tolerance() {
    return (burst - 1L) * intervalNanos;
  }

  /** Sleeps until the reserved slot; gives the slot back if interrupted and nobody came after. */
  private void waitFor(long grant, long now) throws InterruptedException {
    try {
      while (grant - now > 0) {
        time.sleep(Duration.ofNanos(grant - now));
        now = time.nanoTime();
      }
    } catch (InterruptedException e) {
      release(grant);
      throw e;
    }
  }

  /**
   * Undoes a reservation granted at {@code grant}, if it is still the latest one. The reservation
   * moved {@code tat} to {@code max(tat, now) + interval}, which for a waiting reservation is
   * {@code grant + tolerance + interval}.
   */
  private void release(long grant) {
    long reservedTat = grant + tolerance() + intervalNanos;
    tatCas(reservedTat, reservedTat - intervalNanos);
  }

  /** The bucket's state, in this JVM or, once the limiter was shipped, in shared memory. */
  private long tatGet() {
    LongView s = shared;
    if (s != null) {
      return s.getVolatile(0);
    }
    long t = tat.get();
    return t != MOVED ? t : movedView().getVolatile(0);
  }

  private boolean tatCas(long expected, long value) {
    LongView s = shared;
    if (s != null) {
      return s.compareAndSet(0, expected, value);
    }
    // Fails once the state has moved (nobody expects MOVED): the caller reads it again, there.
    return tat.compareAndSet(expected, value);
  }

  private LongView movedView() {
    LongView s;
    while ((s = shared) == null) {
      Thread.onSpinWait(); // publish() sets it right after moving the state
    }
    return s;
  }

  @Override
  <R> R execute(Subject subject, TaskCallable<? extends R> task) throws Exception {
    if (maxWait == null) {
      acquire();
    } else if (!tryAcquire(maxWait)) {
      throw new RejectedExecutionException(
          "rate limit of "
              + describeRate()
              + " had no permit for "
              + subject
              + " within "
              + Durations.format(maxWait));
    }
    return task.call();
  }

  private String describeRate() {
    return "1 per " + Durations.format(interval()) + (burst > 1 ? " (burst " + burst + ")" : "");
  }

  @Override
  public String toString() {
    return "RateLimiter[" + describeRate() + "]";
  }

  /**
   * Shipped to worker processes (a wrapped task given to {@code Pool.processes}), a rate limiter
   * stays one bucket: its state moves into a shared-memory segment, and every process's copy takes
   * its permits with a compare-and-set on that one long, as the threads of one JVM do on theirs. So
   * n workers share one rate, not n. This needs {@link TimeSource#system()}, whose {@code nanoTime}
   * is the machine's monotonic clock, the same in every process; a limiter on another time source
   * refuses to be shipped. The segment lives while this JVM does (it is closed when the JVM exits)
   * and is reclaimed by the next pool's start if the JVM crashed.
   */
  private Object writeReplace() throws java.io.ObjectStreamException {
    if (time != TimeSource.system()) {
      throw new java.io.NotSerializableException(
          "a RateLimiter on a custom TimeSource ("
              + time
              + ") cannot be shared with other"
              + " processes, whose clocks it cannot reach");
    }
    try {
      return new Shipped(intervalNanos, burst, maxWait, publish());
    } catch (java.io.IOException e) {
      throw new java.io.InvalidObjectException(
          "cannot share the rate limiter with worker processes: " + e.getMessage());
    }
  }

  /** Moves the state into a shared segment, once; returns the segment's name. */
  private synchronized String publish() throws java.io.IOException {
    if (sharedName != null) {
      return sharedName;
    }
    String name = "rate-" + ProcessHandle.current().pid() + "-" + SHARED_IDS.incrementAndGet();
    SharedMemory segment = SharedMemory.create(name, Long.BYTES);
    LongView view = segment.longs();
    view.setVolatile(0, tat.getAndSet(MOVED)); // later CASes on tat fail and read the view
    shared = view;
    sharedName = name;
    Held.keep(name, segment);
    return name;
  }

  private static final java.util.concurrent.atomic.AtomicLong SHARED_IDS =
      new java.util.concurrent.atomic.AtomicLong();

  private RateLimiter(long intervalNanos, int burst, Duration maxWait, String sharedName)
      throws java.io.IOException {
    this.intervalNanos = intervalNanos;
    this.burst = burst;
    this.maxWait = maxWait;
    this.time = TimeSource.system();
    this.tat = new AtomicLong(MOVED);
    this.shared = Held.attach(sharedName).longs();
    this.sharedName = sharedName;
  }

  /** The serial form: the configuration and the name of the shared state. */
  private record Shipped(long intervalNanos, int burst, Duration maxWait, String sharedName)
      implements java.io.Serializable {
    private Object readResolve() throws java.io.ObjectStreamException {
      try {
        return new RateLimiter(intervalNanos, burst, maxWait, sharedName);
      } catch (java.io.IOException e) {
        throw new java.io.InvalidObjectException(
            "the shared rate limiter "
                + sharedName
                + " is gone (the process that created it has ended): "
                + e.getMessage());
      }
    }
  }

  /**
   * The shared segments of this process's rate limiters, one reference each however often a limiter
   * is shipped or received (a worker receives it with every call's function), closed when the JVM
   * exits.
   */
  private static final class Held {
    private static final java.util.Map<String, SharedMemory> SEGMENTS =
        new java.util.concurrent.ConcurrentHashMap<>();

    static {
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform()
                  .unstarted(() -> {
                    for (SharedMemory m : SEGMENTS.values()) {
                      try {
                        m.close();
                      } catch (java.io.IOException | RuntimeException ignored) {
                        // Exiting: a segment left here is reclaimed by the next pool's start.
                      }
                    }
                  }));
    }

    static void keep(String name, SharedMemory segment) {
      SEGMENTS.put(name, segment);
    }

    static SharedMemory attach(String name) throws java.io.IOException {
      synchronized (SEGMENTS) {
        SharedMemory m = SEGMENTS.get(name);
        if (m == null) {
          m = SharedMemory.attach(name);
          SEGMENTS.put(name, m);
        }
        return m;
      }
    }
  }
}
