package dev.weft.spi;

import dev.weft.TaskFunction;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A run of consecutive inputs that an {@link Engine} executes as one unit, so that the cost of
 * handing work to a worker (a queue hand-off, a serialized message, a cluster call) is paid once
 * per batch and not once per task.
 *
 * <p>A batch is data: the function, the inputs and their position. Engines that ship work to
 * another JVM serialize it; {@link #inputs()} may be a view (a {@code subList}), so such an engine
 * copies it into a serializable list first.
 *
 * @param id a number unique within the pool that created the batch
 * @param firstIndex the position in the whole input of {@code inputs.get(0)}
 * @param inputs the inputs, in order
 * @param function the task applied to each input
 * @param stopOnFailure true to skip the rest of the batch after the first failure (fail-fast mode);
 *     false to run every input (collect mode)
 * @param deadline how long each task may run, which the engine enforces ({@link TaskDeadline#NONE}
 *     for no limit)
 * @param <T> the input type
 * @param <R> the result type
 */
public record Batch<T, R>(
    long id,
    long firstIndex,
    List<T> inputs,
    TaskFunction<? super T, ? extends R> function,
    boolean stopOnFailure,
    TaskDeadline deadline)
    implements Serializable {

  /** Checks the components. */
  public Batch {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(deadline, "deadline");
    if (firstIndex < 0) {
      throw new IllegalArgumentException("firstIndex < 0: " + firstIndex);
    }
  }

  /**
   * A batch whose tasks have no time limit.
   *
   * @param id a number unique within the pool that created the batch
   * @param firstIndex the position in the whole input of {@code inputs.get(0)}
   * @param inputs the inputs, in order
   * @param function the task applied to each input
   * @param stopOnFailure true for fail-fast mode
   */
  public Batch(
      long id,
      long firstIndex,
      List<T> inputs,
      TaskFunction<? super T, ? extends R> function,
      boolean stopOnFailure) {
    this(id, firstIndex, inputs, function, stopOnFailure, TaskDeadline.NONE);
  }

  /**
   * The same batch with other inputs, starting at another position: what an engine re-runs of a
   * batch whose worker died.
   *
   * @param newFirstIndex the position of {@code newInputs.get(0)} in the whole input
   * @param newInputs the inputs
   * @return a batch with the same id, function, mode and deadline
   */
  public Batch<T, R> withInputs(long newFirstIndex, List<T> newInputs) {
    return new Batch<>(id, newFirstIndex, newInputs, function, stopOnFailure, deadline);
  }

  /**
   * The number of inputs.
   *
   * @return the batch's size
   */
  public int size() {
    return inputs.size();
  }
}
