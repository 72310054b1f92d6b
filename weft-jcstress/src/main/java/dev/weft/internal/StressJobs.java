package dev.weft.internal;

import dev.weft.TaskFunction;
import dev.weft.spi.Batch;
import java.util.List;
import java.util.stream.IntStream;

/** Batches for the jcstress tests of {@link Job}. */
final class StressJobs {
  /** How long a task spins at most, so that a cancel can land while it runs. */
  static final int SPINS = 64;

  private StressJobs() {}

  /**
   * A batch of the inputs {@code 1 .. size}.
   *
   * @param function the task
   * @param size the number of inputs
   * @return a fail-fast batch with id 1
   */
  static Batch<Integer, Object> batch(TaskFunction<? super Integer, ?> function, int size) {
    List<Integer> inputs = IntStream.rangeClosed(1, size).boxed().toList();
    return new Batch<>(1, 0, inputs, function, true);
  }

  /**
   * Spins a bounded number of times, stopping early when the current thread is interrupted. Never
   * blocks, so a jcstress actor running it always finishes.
   *
   * @return true if the current thread was interrupted while spinning
   */
  static boolean spinUntilInterrupted() {
    for (int i = 0; i < SPINS; i++) {
      if (Thread.currentThread().isInterrupted()) {
        return true;
      }
      Thread.onSpinWait();
    }
    return Thread.currentThread().isInterrupted();
  }
}
