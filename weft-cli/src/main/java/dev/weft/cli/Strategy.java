package dev.weft.cli;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One way to compute a workload's result, as {@code weft showdown} runs it.
 *
 * <p>A round calls {@link Setup#open()} first, outside the timed region, so that creating a pool or
 * an executor is not charged to the strategy; the clock then runs only around {@link Run#apply},
 * and {@link Run#close()} runs after it stops. Each round opens a fresh run, so no strategy
 * inherits a warm pool from the previous round.
 *
 * @param name a short lower-case name ({@code pool-cpu}), as {@code --only} accepts it
 * @param description one line for the table's legend
 * @param setup opens what the strategy runs on
 * @param <I> the workload's input
 * @param <R> the workload's result
 */
public record Strategy<I, R>(String name, String description, Setup<I, R> setup) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  /** Checks the name, which must be usable on the command line and in a comma-separated list. */
  public Strategy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(setup, "setup");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("strategy name must be lower-case words joined by '-'");
    }
  }

  /**
   * A strategy that needs nothing opened or closed around its body.
   *
   * @param name the name
   * @param description the legend line
   * @param body computes the result
   * @param <I> the input type
   * @param <R> the result type
   * @return the strategy
   */
  public static <I, R> Strategy<I, R> of(String name, String description, Body<I, R> body) {
    Objects.requireNonNull(body, "body");
    return new Strategy<>(name, description, () -> Run.of(body, () -> {}));
  }

  /**
   * Opens what one round runs on.
   *
   * @param <I> the input type
   * @param <R> the result type
   */
  @FunctionalInterface
  public interface Setup<I, R> {
    /**
     * Creates the pool, executor or other resource of one round; not timed.
     *
     * @return the round's run
     * @throws Exception if the resource cannot be created
     */
    Run<I, R> open() throws Exception;
  }

  /**
   * The timed part of a strategy.
   *
   * @param <I> the input type
   * @param <R> the result type
   */
  @FunctionalInterface
  public interface Body<I, R> {
    /**
     * Computes the result.
     *
     * @param input the workload's input
     * @return the result
     * @throws Exception if the computation fails
     */
    R apply(I input) throws Exception;
  }

  /**
   * One round of a strategy: a body bound to the resource {@link Setup#open()} created.
   *
   * @param <I> the input type
   * @param <R> the result type
   */
  public interface Run<I, R> extends Body<I, R>, AutoCloseable {
    /** Releases what {@link Setup#open()} created; runs after the clock stops. */
    @Override
    void close();

    /**
     * The worker processes this run's body uses, whose CPU time counts as the strategy's; none for
     * a run on this JVM's threads.
     *
     * @return the live worker processes
     */
    default java.util.List<ProcessHandle> workers() {
      return java.util.List.of();
    }

    /**
     * A run of {@code body} that calls {@code close} when it is closed.
     *
     * @param body the timed body
     * @param close releases the round's resource, e.g. {@code pool::close}
     * @param <I> the input type
     * @param <R> the result type
     * @return the run
     */
    static <I, R> Run<I, R> of(Body<I, R> body, Runnable close) {
      return of(body, close, java.util.List::of);
    }

    /**
     * A run of {@code body} on worker processes.
     *
     * @param body the timed body
     * @param close releases the round's resource
     * @param workers the live worker processes, asked before and after the body
     * @param <I> the input type
     * @param <R> the result type
     * @return the run
     */
    static <I, R> Run<I, R> of(
        Body<I, R> body,
        Runnable close,
        java.util.function.Supplier<java.util.List<ProcessHandle>> workers) {
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(close, "close");
      Objects.requireNonNull(workers, "workers");
      return new Run<>() {
        @Override
        public java.util.List<ProcessHandle> workers() {
          return workers.get();
        }

        @Override
        public R apply(I input) throws Exception {
          return body.apply(input);
        }

        @Override
        public void close() {
          close.run();
        }
      };
    }
  }
}
