package dev.weft.spi;

import dev.weft.TaskFunction;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a {@link Batch} on the current thread: the loop that every engine running Java code shares,
 * in a thread or in a worker process.
 *
 * <p>Each input runs in turn; {@code stopRequested} is checked before each one, so a cancelled
 * batch stops at the next input boundary, and a task that throws an interruption while a stop is
 * requested counts as cancelled, not failed. Any other {@link Throwable} a task throws, errors
 * included, is that task's failure: one bad input never takes the worker down.
 */
public final class BatchRunner {
  private BatchRunner() {}

  /**
   * Runs the batch.
   *
   * @param batch the batch
   * @param stopRequested true once the batch is cancelled
   * @return the result, with start and end times from {@link System#nanoTime()}
   */
  @SuppressWarnings("unchecked")
  public static BatchResult run(Batch<?, ?> batch, BooleanSupplier stopRequested) {
    List<Object> inputs = (List<Object>) batch.inputs();
    TaskFunction<Object, Object> function = (TaskFunction<Object, Object>) batch.function();
    int n = inputs.size();
    Object[] values = new Object[n];
    Throwable[] errors = null;
    long start = System.nanoTime();
    int i = 0;
    while (i < n) {
      if (stopRequested.getAsBoolean()) {
        break;
      }
      try {
        values[i] = function.apply(inputs.get(i));
      } catch (Throwable t) {
        if (stopRequested.getAsBoolean() && isInterruption(t)) {
          break;
        }
        if (errors == null) {
          errors = new Throwable[n];
        }
        errors[i] = t;
        if (batch.stopOnFailure()) {
          i++;
          break;
        }
      }
      i++;
    }
    return new BatchResult(batch.id(), values, errors, i, start, System.nanoTime());
  }

  /**
   * Whether a throwable is how a task reacts to being interrupted.
   *
   * @param t what a task threw
   * @return true for interruptions and their usual wrappers
   */
  public static boolean isInterruption(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InterruptedException
          || c instanceof InterruptedIOException
          || c instanceof ClosedByInterruptException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
