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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Claim 3: when cancel wins before the worker claims the job, {@link Job#runOn} returns false and
 * the task never ran; when the worker claims first, {@code runOn} returns true and the reported
 * result says exactly how many inputs ran. A batch of two inputs, each counting that it ran.
 *
 * <p>Result: {@code runOn} returned (1 true), inputs the task function ran, {@code attempted()} in
 * the result the callback got (0 reported cancelled, -1 no callback).
 *
 * <p>A claimed job is not guaranteed to run its first input: {@code cancel} requests the stop
 * before it tries to take the job from NEW, so a worker that claims the job in between finds the
 * stop requested and reports the batch cancelled ({@code 1, 0, 0}). {@link
 * dev.weft.spi.BatchControl#cancel} allows that: inputs a cancelled batch has not reached are
 * skipped.
 */
@JCStressTest
@Description("Job: cancel before the claim means the task never runs; the report matches the runs")
@Outcome(
    id = "0, 0, 0",
    expect = ACCEPTABLE,
    desc = "Cancel won before the claim: runOn returned false, nothing ran, reported cancelled.")
@Outcome(
    id = "1, 2, 2",
    expect = ACCEPTABLE,
    desc = "The worker claimed first and ran both inputs; reported as ran.")
@Outcome(
    id = "1, 1, 1",
    expect = ACCEPTABLE_INTERESTING,
    desc = "The worker claimed first; cancel stopped it between the two inputs.")
@Outcome(
    id = "1, 0, 0",
    expect = ACCEPTABLE_INTERESTING,
    desc =
        "The worker claimed first but saw the stop request before the first input: reported"
            + " cancelled, nothing ran.")
@Outcome(
    id = "0, [0-9]+, -?[0-9]+",
    expect = FORBIDDEN,
    desc = "runOn returned false although the task ran or the report says it ran.")
@Outcome(id = "[01], [0-9]+, -1", expect = FORBIDDEN, desc = "No callback: the batch is stranded.")
@Outcome(
    id = "1, 0, [12]",
    expect = FORBIDDEN,
    desc = "Reported as ran although the task never ran.")
@Outcome(id = "1, [12], 0", expect = FORBIDDEN, desc = "Reported cancelled although the task ran.")
@Outcome(id = "1, 1, 2|1, 2, 1", expect = FORBIDDEN, desc = "The report and the runs disagree.")
@Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Job.")
@State
public class JobCancelBeforeClaimStress {
  private final AtomicInteger ran = new AtomicInteger();
  private volatile int attempted = -1;
  private final Job job =
      new Job(
          StressJobs.batch(x -> ran.incrementAndGet(), 2), r -> attempted = r.attempted(), this);

  /** The worker. */
  @Actor
  public void worker(III_Result r) {
    r.r1 = job.runOn(WorkerRecorder.NONE) ? 1 : 0;
    Thread.interrupted();
  }

  /** The canceller. */
  @Actor
  public void canceller() {
    job.cancel();
  }

  /** After both. */
  @Arbiter
  public void check(III_Result r) {
    r.r2 = ran.get();
    r.r3 = attempted;
  }
}
