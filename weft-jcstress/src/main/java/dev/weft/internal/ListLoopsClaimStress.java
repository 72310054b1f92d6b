package dev.weft.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.spi.WorkerRecorder;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two work loops of one map claim pieces from the shared cursor at the same time: every index runs
 * exactly once, whatever the interleaving of their claims (automatic pieces of 1, then more).
 *
 * <p>Result: indices that ran exactly once, and indices whose result slot holds the value of that
 * index (the writes of both loops are all visible after both end).
 */
@JCStressTest
@Description("ListLoops: concurrent claims from the shared cursor run each index exactly once")
@Outcome(id = "7, 7", expect = ACCEPTABLE, desc = "Every index ran once and its result is there.")
@Outcome(expect = FORBIDDEN, desc = "An index ran twice, never, or its result is missing.")
@State
public class ListLoopsClaimStress {
  private static final int N = 7;
  private final AtomicIntegerArray runs = new AtomicIntegerArray(N);
  private final List<Integer> inputs = IntStream.range(0, N).boxed().toList();
  private final ListLoops<Integer, Integer> loops =
      new ListLoops<>(
          null,
          inputs,
          i -> {
            runs.incrementAndGet(i);
            return i * 10;
          },
          false,
          0,
          1_000_000L,
          2);

  /** One worker's loop. */
  @Actor
  public void first() {
    loops.run(() -> false, WorkerRecorder.NONE);
  }

  /** The other worker's loop. */
  @Actor
  public void second() {
    loops.run(() -> false, WorkerRecorder.NONE);
  }

  /** After both. */
  @Arbiter
  public void check(II_Result r) {
    int once = 0;
    for (int i = 0; i < N; i++) {
      if (runs.get(i) == 1) {
        once++;
      }
    }
    r.r1 = once;
    r.r2 = loops.resultsMatching((i, v) -> Integer.valueOf(i * 10).equals(v));
  }
}
