package dev.weft.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.spi.WorkLoop;
import dev.weft.spi.WorkerRecorder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * A map withdraws a queued work loop (its list is done) while a worker takes the same loop: either
 * the worker runs it and {@code ended(true)} follows, or the withdrawal wins and {@code
 * ended(false)} is the only call. Never both, never neither: the map's count of ended loops, which
 * its caller waits on, is exactly right.
 *
 * <p>Result: runOn returned true (1), withdraw returned true (1), calls of run, calls of ended.
 */
@JCStressTest
@Description("Job with a work loop: withdraw against the worker's claim; ended exactly once")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "The worker claimed it and ran it.")
@Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "Withdrawn before the worker claimed it.")
@Outcome(expect = FORBIDDEN, desc = "Ran and withdrawn, or ended not exactly once.")
@State
public class LoopWithdrawStress {
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private final Job job =
      new Job(
          new WorkLoop() {
            @Override
            public void run(BooleanSupplier stopRequested, WorkerRecorder recorder) {
              runs.incrementAndGet();
            }

            @Override
            public void ended(boolean ran) {
              ended.incrementAndGet();
            }
          },
          this);

  /** The worker. */
  @Actor
  public void worker(IIII_Result r) {
    r.r1 = job.runOn(WorkerRecorder.NONE) ? 1 : 0;
  }

  /** The map, whose list is done. */
  @Actor
  public void map(IIII_Result r) {
    r.r2 = job.withdraw() ? 1 : 0;
  }

  /** After both. */
  @Arbiter
  public void check(IIII_Result r) {
    r.r3 = runs.get();
    r.r4 = ended.get();
  }
}
