package dev.weft.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
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
 * Claim 1: a job's callback runs exactly once, and its task at most once, whatever the interleaving
 * of {@link Job#runOn} and {@link Job#cancel}.
 *
 * <p>Result: {@code runOn} returned (1 true, 0 false), callbacks, task runs, final state ({@link
 * Job#DONE} 2, {@link Job#CANCELLED} 3, {@link Job#INTERRUPTED} 5).
 */
@JCStressTest
@Description("Job: the callback runs exactly once, whichever of runOn and cancel wins")
@Outcome(
    id = "1, 1, 0, 2",
    expect = ACCEPTABLE_INTERESTING,
    desc =
        "The worker claimed the job and saw the stop request before its first task, and finished"
            + " before cancel looked for it; it reported.")
@Outcome(
    id = "1, 1, 1, 2",
    expect = ACCEPTABLE,
    desc = "The worker claimed the job and finished it before cancel looked; it reported.")
@Outcome(
    id = "1, 1, [01], 5",
    expect = ACCEPTABLE_INTERESTING,
    desc = "Cancel caught the job claimed or running and stopped it; the worker reported.")
@Outcome(
    id = "0, 1, 0, 3",
    expect = ACCEPTABLE,
    desc = "Cancel won before the worker claimed the job; the canceller reported.")
@Outcome(
    id = "[01], 0, [0-9]+, [0-9]+",
    expect = FORBIDDEN,
    desc = "The callback never ran: the batch is stranded.")
@Outcome(
    id = "[01], [2-9], [0-9]+, [0-9]+",
    expect = FORBIDDEN,
    desc = "The callback ran more than once: both parties reported.")
@Outcome(id = "[01], 1, [2-9], [0-9]+", expect = FORBIDDEN, desc = "The task ran more than once.")
@Outcome(
    id = "[01], 1, [01], [0146]",
    expect = FORBIDDEN,
    desc = "The job ended in a state that is not terminal (NEW, RUNNING, INTERRUPTING).")
@Outcome(
    id = "1, 1, [01], 3",
    expect = FORBIDDEN,
    desc = "runOn ran a job that had been cancelled before it was claimed.")
@Outcome(
    id = "0, 1, [01], [25]",
    expect = FORBIDDEN,
    desc = "runOn refused a job that was then run to completion or interrupted.")
@Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Job.")
@State
public class JobCallbackOnceStress {
  private final AtomicInteger callbacks = new AtomicInteger();
  private final AtomicInteger runs = new AtomicInteger();
  private final Job job =
      new Job(
          StressJobs.batch(
              x -> {
                runs.incrementAndGet();
                return StressJobs.spinUntilInterrupted();
              },
              1),
          r -> callbacks.incrementAndGet(),
          this);

  /** The worker. */
  @Actor
  public void worker(IIII_Result r) {
    r.r1 = job.runOn(WorkerRecorder.NONE) ? 1 : 0;
    // JobInterruptLeakStress checks this is a no-op; keep the actor thread clean regardless.
    Thread.interrupted();
  }

  /** The canceller. */
  @Actor
  public void canceller() {
    job.cancel();
  }

  /** After both. */
  @Arbiter
  public void check(IIII_Result r) {
    r.r2 = callbacks.get();
    r.r3 = runs.get();
    r.r4 = job.state();
  }
}
