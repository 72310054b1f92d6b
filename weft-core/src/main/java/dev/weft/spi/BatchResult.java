package dev.weft.spi;

import java.io.Serializable;
import java.util.Objects;

/**
 * What an engine reports for one {@link Batch}: exactly one result per executed batch.
 *
 * <p>Inputs {@code 0 .. attempted-1} ran: input {@code i} succeeded with {@code values[i]} unless
 * {@code errors != null && errors[i] != null}, in which case it failed with that error. Inputs
 * {@code attempted ..} did not run to completion and count as cancelled (the batch was cancelled,
 * the pool was shut down, or in fail-fast mode an earlier input of the batch failed).
 *
 * @param batchId the batch's {@link Batch#id()}
 * @param values the results, one slot per input (slots past {@code attempted} are null)
 * @param errors null when nothing failed, else one slot per input with the failures
 * @param attempted how many inputs, from the start, ran to success or failure
 * @param startNanos when the batch started running, on the engine's {@link System#nanoTime()} clock
 *     (0 if it never ran)
 * @param endNanos when it stopped running (0 if it never ran)
 */
public record BatchResult(
    long batchId,
    Object[] values,
    Throwable[] errors,
    int attempted,
    long startNanos,
    long endNanos)
    implements Serializable {

  /** Checks the components. */
  public BatchResult {
    Objects.requireNonNull(values, "values");
    if (attempted < 0 || attempted > values.length) {
      throw new IllegalArgumentException("attempted " + attempted + " of " + values.length);
    }
    if (errors != null && errors.length != values.length) {
      throw new IllegalArgumentException("errors and values differ in length");
    }
  }

  /**
   * A result for a batch none of whose inputs ran.
   *
   * @param batch the batch
   * @return a result with {@code attempted == 0}
   */
  public static BatchResult cancelled(Batch<?, ?> batch) {
    return new BatchResult(batch.id(), new Object[batch.size()], null, 0, 0, 0);
  }

  /**
   * The number of inputs in the batch.
   *
   * @return the size
   */
  public int size() {
    return values.length;
  }

  /**
   * The failure of input {@code i}, or null if it did not fail.
   *
   * @param i the input's position in the batch
   * @return its error or null
   */
  public Throwable error(int i) {
    return errors == null ? null : errors[i];
  }

  /**
   * Whether any attempted input failed.
   *
   * @return true if there is a failure
   */
  public boolean hasFailure() {
    return errors != null;
  }

  /**
   * How long the batch ran.
   *
   * @return nanoseconds between start and end, 0 if it did not run
   */
  public long runNanos() {
    return endNanos - startNanos;
  }
}
