package dev.weft.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.spi.WorkerRecorder;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Claim 3: when two threads try to run the same job (the engine's worker that dequeued it and a
 * waiting worker that helps by running it inline), exactly one runs it, its task runs once and its
 * callback once.
 *
 * <p>Result: the first claimer ran it (1), the second ran it (1), callbacks, task runs.
 */
@JCStressTest
@Description("Job: of two claimers exactly one runs the job")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "The first claimer won.")
@Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE, desc = "The second claimer won.")
@Outcome(id = "1, 1, [0-9]+, [0-9]+", expect = FORBIDDEN, desc = "Both ran the job.")
@Outcome(id = "0, 0, [0-9]+, [0-9]+", expect = FORBIDDEN, desc = "Nobody ran the job.")
@Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Job.")
@State
public class JobDoubleClaimStress {
  private final AtomicInteger callbacks = new AtomicInteger();
  private final AtomicInteger runs = new AtomicInteger();
  private final Job job =
      new Job(
          StressJobs.batch(x -> runs.incrementAndGet(), 1), r -> callbacks.incrementAndGet(), this);

  /** The engine's worker. */
  @Actor
  public void first(IIII_Result r) {
    r.r1 = job.runOn(WorkerRecorder.NONE) ? 1 : 0;
  }

  /** The helper. */
  @Actor
  public void second(IIII_Result r) {
    r.r2 = job.runOn(WorkerRecorder.NONE) ? 1 : 0;
  }

  /** After both. */
  @Arbiter
  public void check(IIII_Result r) {
    r.r3 = callbacks.get();
    r.r4 = runs.get();
  }
}
