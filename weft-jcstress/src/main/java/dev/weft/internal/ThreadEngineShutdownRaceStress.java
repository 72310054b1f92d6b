package dev.weft.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.spi.Recorder;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Claim 4: {@link ThreadEngine} does not strand a batch when {@code execute} races with {@code
 * shutdown()}: either {@code execute} throws {@link RejectedExecutionException}, or the batch runs
 * (shutdown lets accepted batches finish) and its callback runs once.
 *
 * <p>Each test instance starts its own engine with one worker thread; the arbiter waits for it to
 * terminate, at most {@link #TERMINATION_TIMEOUT}, so an actor never blocks for ever. Starting a
 * thread per instance is costly: jcstress notices and shrinks its batches of instances for this
 * test by itself (a few hundred live engines at most, seen with the module's default settings), so
 * it gets far fewer samples than the Job tests.
 *
 * <p>Result: {@code execute} accepted the batch (1), was rejected (0) or was interrupted (2);
 * callbacks; {@code attempted()} in the result (-1 no callback); the engine terminated in time (1).
 */
@JCStressTest
@Description("ThreadEngine: execute racing shutdown either is rejected or runs the batch")
@Outcome(
    id = "1, 1, 1, 1",
    expect = ACCEPTABLE,
    desc = "execute won: the batch was accepted, ran, and the engine then terminated.")
@Outcome(
    id = "0, 0, -1, 1",
    expect = ACCEPTABLE,
    desc = "shutdown won: execute threw RejectedExecutionException, no callback.")
@Outcome(
    id = "1, 0, -1, [01]",
    expect = FORBIDDEN,
    desc = "STRANDED: the batch was accepted but its callback never ran.")
@Outcome(
    id = "1, 1, 0, 1",
    expect = FORBIDDEN,
    desc = "The accepted batch was reported cancelled, but shutdown() must let it run.")
@Outcome(
    id = "0, [1-9], -?[0-9]+, [01]",
    expect = FORBIDDEN,
    desc = "execute was rejected, yet a callback ran.")
@Outcome(
    id = "[01], [2-9], -?[0-9]+, [01]",
    expect = FORBIDDEN,
    desc = "The callback ran more than once.")
@Outcome(
    id = "[01], [0-9]+, -?[0-9]+, 0",
    expect = FORBIDDEN,
    desc = "The engine did not terminate in time after shutdown.")
@Outcome(
    id = "2, [0-9]+, -?[0-9]+, [01]",
    expect = FORBIDDEN,
    desc = "execute blocked and was interrupted, though the engine had room.")
@Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in ThreadEngine.")
@State
public class ThreadEngineShutdownRaceStress {
  /** How long the arbiter waits for the engine; only a bug makes it wait that long. */
  static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(10);

  private final ThreadEngine engine = new ThreadEngine("jcstress-engine", 1, 1);
  private final AtomicInteger callbacks = new AtomicInteger();
  private volatile int attempted = -1;

  /** Starts this instance's engine. */
  public ThreadEngineShutdownRaceStress() {
    engine.start(Recorder.NONE);
  }

  /** Submits a batch of one input. */
  @Actor
  public void submitter(IIII_Result r) {
    try {
      engine.execute(
          StressJobs.batch(x -> x, 1),
          result -> {
            attempted = result.attempted();
            callbacks.incrementAndGet();
          });
      r.r1 = 1;
    } catch (RejectedExecutionException e) {
      r.r1 = 0;
    } catch (InterruptedException e) {
      r.r1 = 2;
    }
  }

  /** Shuts the engine down. */
  @Actor
  public void shutter() {
    engine.shutdown();
  }

  /** Waits for the engine, then reads what the callback saw. */
  @Arbiter
  public void check(IIII_Result r) {
    boolean terminated;
    try {
      terminated = engine.awaitTermination(TERMINATION_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminated = false;
    }
    if (!terminated) {
      engine.shutdownNow();
    }
    r.r2 = callbacks.get();
    r.r3 = attempted;
    r.r4 = terminated ? 1 : 0;
  }
}
