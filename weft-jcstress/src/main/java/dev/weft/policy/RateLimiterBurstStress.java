package dev.weft.policy;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Claim: {@link RateLimiter} is lock-free and exact: at one instant, a full bucket of {@code burst}
 * permits gives out exactly {@code burst} permits to racing {@code tryAcquire()} calls, never more
 * (a lost compare-and-set update) and never fewer (a spurious refusal).
 *
 * <p>The limiter runs on a {@link FixedTime} clock that never moves, so the bucket never refills
 * during the test and every permit comes from the initial burst. Its rate is one permit per second.
 * After the actors, the arbiter tries once more: the bucket must then be empty.
 */
public final class RateLimiterBurstStress {
  private RateLimiterBurstStress() {}

  /** A clock stopped at one instant; sleeping is a bug, since {@code tryAcquire()} never waits. */
  static final class FixedTime implements TimeSource {
    /** The instant; any value works, since the limiter compares differences only. */
    static final long NOW = 1_000_000_000_000L;

    @Override
    public long nanoTime() {
      return NOW;
    }

    @Override
    public void sleep(Duration duration) {
      throw new AssertionError("tryAcquire() must never sleep; asked for " + duration);
    }
  }

  /**
   * A limiter of one permit per second with the given burst, on a stopped clock.
   *
   * @param burst the bucket's capacity
   * @return a new limiter with a full bucket
   */
  static RateLimiter limiter(int burst) {
    return RateLimiter.perSecond(1).withBurst(burst).withTimeSource(new FixedTime());
  }

  private static int permit(RateLimiter limiter) {
    return limiter.tryAcquire() ? 1 : 0;
  }

  /**
   * Burst 1: two actors call {@code tryAcquire()} at once.
   *
   * <p>Result: actor 1 got a permit (1) or not (0); actor 2; the arbiter's extra try.
   */
  @JCStressTest
  @Description("RateLimiter, burst 1: of two racing tryAcquire calls exactly one succeeds")
  @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Actor 1 took the only permit.")
  @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "Actor 2 took the only permit.")
  @Outcome(
      id = "1, 1, [01]",
      expect = FORBIDDEN,
      desc = "TOO MANY: both got a permit from a bucket of one.")
  @Outcome(
      id = "0, 0, [01]",
      expect = FORBIDDEN,
      desc = "TOO FEW: neither got the permit of the full bucket.")
  @Outcome(
      id = "[01], [01], 1",
      expect = FORBIDDEN,
      desc = "TOO MANY: the arbiter got a permit after the bucket was spent.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in RateLimiter.")
  @State
  public static class Burst1 {
    private final RateLimiter limiter = limiter(1);

    /** Tries once. */
    @Actor
    public void actor1(III_Result r) {
      r.r1 = permit(limiter);
    }

    /** Tries once. */
    @Actor
    public void actor2(III_Result r) {
      r.r2 = permit(limiter);
    }

    /** Tries once more, after both. */
    @Arbiter
    public void extra(III_Result r) {
      r.r3 = permit(limiter);
    }
  }

  /**
   * Burst 2: two actors call {@code tryAcquire()} at once; the compare-and-set of the first
   * reservation may fail and retry, but both fit in the bucket.
   *
   * <p>Result: actor 1 got a permit (1) or not (0); actor 2; the arbiter's extra try.
   */
  @JCStressTest
  @Description("RateLimiter, burst 2: two racing tryAcquire calls both succeed")
  @Outcome(
      id = "1, 1, 0",
      expect = ACCEPTABLE,
      desc = "Both got a permit; the bucket is then empty.")
  @Outcome(
      id = "0, [01], [01]|[01], 0, [01]",
      expect = FORBIDDEN,
      desc = "TOO FEW: a call was refused, though the bucket held two permits.")
  @Outcome(
      id = "1, 1, 1",
      expect = FORBIDDEN,
      desc = "TOO MANY: a third permit from a bucket of two (a lost update of the state).")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in RateLimiter.")
  @State
  public static class Burst2 {
    private final RateLimiter limiter = limiter(2);

    /** Tries once. */
    @Actor
    public void actor1(III_Result r) {
      r.r1 = permit(limiter);
    }

    /** Tries once. */
    @Actor
    public void actor2(III_Result r) {
      r.r2 = permit(limiter);
    }

    /** Tries once more, after both. */
    @Arbiter
    public void extra(III_Result r) {
      r.r3 = permit(limiter);
    }
  }

  /**
   * Burst 2, three calls: actor 1 calls {@code tryAcquire()} once and actor 2 twice in a row, all
   * at once. (The brief's three actors are folded into two: jcstress does not run a test with more
   * actors than CPUs, and the CI machines have 2.) At a stopped clock, a refused call cannot be
   * followed by a granted one.
   *
   * <p>Result: actor 1 got a permit (1) or not (0); actor 2's first call; actor 2's second call;
   * the arbiter's extra try.
   */
  @JCStressTest
  @Description("RateLimiter, burst 2: of three racing tryAcquire calls exactly two succeed")
  @Outcome(
      id = "1, 1, 0, 0",
      expect = ACCEPTABLE,
      desc = "Actor 1 and actor 2's first call got the two permits; actor 2's second was refused.")
  @Outcome(
      id = "0, 1, 1, 0",
      expect = ACCEPTABLE,
      desc = "Actor 2 took both permits before actor 1 came; actor 1 was refused.")
  @Outcome(
      id = "1, 1, 1, [01]|[01], [01], [01], 1",
      expect = FORBIDDEN,
      desc = "TOO MANY: a third permit from a bucket of two.")
  @Outcome(
      id = "0, 0, [01], 0|0, [01], 0, 0|[01], 0, 0, 0",
      expect = FORBIDDEN,
      desc = "TOO FEW: only one permit (or none) given out from a bucket of two.")
  @Outcome(
      id = "1, 0, 1, 0",
      expect = FORBIDDEN,
      desc = "At a stopped clock, actor 2 was refused and then granted a permit.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in RateLimiter.")
  @State
  public static class Burst2ThreeCalls {
    private final RateLimiter limiter = limiter(2);

    /** Tries once. */
    @Actor
    public void actor1(IIII_Result r) {
      r.r1 = permit(limiter);
    }

    /** Tries twice in a row. */
    @Actor
    public void actor2(IIII_Result r) {
      r.r2 = permit(limiter);
      r.r3 = permit(limiter);
    }

    /** Tries once more, after both. */
    @Arbiter
    public void extra(IIII_Result r) {
      r.r4 = permit(limiter);
    }
  }
}
