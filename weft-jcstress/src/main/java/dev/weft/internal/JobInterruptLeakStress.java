package dev.weft.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.spi.WorkerRecorder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Claim 2: the interrupt that {@link Job#cancel} sends to a running worker never outlives {@link
 * Job#runOn}, so it cannot reach the next batch the worker thread runs.
 *
 * <p>Result: the worker's interrupt status right after {@code runOn} returned (1 set), {@code
 * runOn} returned (1 true), final state ({@link Job#DONE} 2, {@link Job#CANCELLED} 3, {@link
 * Job#INTERRUPTED} 5), whether the task saw the interrupt while it ran (1 yes).
 */
@JCStressTest
@Description("Job: a cancel interrupt never leaks out of runOn")
@Outcome(
    id = "0, 1, 2, 0",
    expect = ACCEPTABLE,
    desc = "The worker finished before cancel looked: no interrupt was sent.")
@Outcome(
    id = "0, 1, 5, 0",
    expect = ACCEPTABLE_INTERESTING,
    desc = "Cancel interrupted the running task after it stopped looking; runOn cleared it.")
@Outcome(
    id = "0, 1, 5, 1",
    expect = ACCEPTABLE_INTERESTING,
    desc = "Cancel interrupted the running task, which saw it; runOn cleared it.")
@Outcome(
    id = "0, 0, 3, 0",
    expect = ACCEPTABLE,
    desc = "Cancel won before the worker claimed the job: nothing ran, no interrupt was sent.")
@Outcome(
    id = "1, [01], [0-9]+, [01]",
    expect = FORBIDDEN,
    desc = "LEAK: the worker thread is still interrupted after runOn returned.")
@Outcome(
    id = "0, [01], [23], 1",
    expect = FORBIDDEN,
    desc = "The task saw an interrupt although cancel never sent one.")
@Outcome(
    id = "0, [01], [0146], [01]",
    expect = FORBIDDEN,
    desc = "The job ended in a state that is not terminal (NEW, RUNNING, INTERRUPTING).")
@Outcome(
    id = "0, 0, [25], [01]",
    expect = FORBIDDEN,
    desc = "runOn refused a job that was then run or interrupted.")
@Outcome(
    id = "0, 1, 3, [01]",
    expect = FORBIDDEN,
    desc = "runOn ran a job that had been cancelled before it was claimed.")
@Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Job.")
@State
public class JobInterruptLeakStress {
  private volatile boolean taskSawInterrupt;
  private final Job job =
      new Job(
          StressJobs.batch(
              x -> {
                if (StressJobs.spinUntilInterrupted()) {
                  taskSawInterrupt = true;
                }
                return x;
              },
              1),
          r -> {},
          this);

  /** The worker. */
  @Actor
  public void worker(IIII_Result r) {
    boolean ran = job.runOn(WorkerRecorder.NONE);
    // Records and clears the status, so that a leak cannot disturb the next test instance.
    r.r1 = Thread.interrupted() ? 1 : 0;
    r.r2 = ran ? 1 : 0;
  }

  /** The canceller. */
  @Actor
  public void canceller() {
    job.cancel();
  }

  /** After both. */
  @Arbiter
  public void check(IIII_Result r) {
    r.r3 = job.state();
    r.r4 = taskSawInterrupt ? 1 : 0;
  }
}
