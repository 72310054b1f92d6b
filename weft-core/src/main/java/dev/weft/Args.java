package dev.weft;

import java.io.Serializable;

/**
 * Argument tuples for {@code starmap}: {@code Args.of(a, b)} and {@code Args.of(a, b, c)}.
 *
 * <p>Java has no tuples, so {@link Pool#starmap(TaskBiFunction, Iterable)} takes its inputs as
 * these small records. They are serializable when their components are.
 */
public final class Args {
  private Args() {}

  /**
   * Two arguments.
   *
   * @param first the first argument
   * @param second the second argument
   * @param <A> the first argument's type
   * @param <B> the second argument's type
   */
  public record Two<A, B>(A first, B second) implements Serializable {}

  /**
   * Three arguments.
   *
   * @param first the first argument
   * @param second the second argument
   * @param third the third argument
   * @param <A> the first argument's type
   * @param <B> the second argument's type
   * @param <C> the third argument's type
   */
  public record Three<A, B, C>(A first, B second, C third) implements Serializable {}

  /**
   * Two arguments for a {@link TaskBiFunction}.
   *
   * @param first the first argument
   * @param second the second argument
   * @param <A> the first argument's type
   * @param <B> the second argument's type
   * @return the pair
   */
  public static <A, B> Two<A, B> of(A first, B second) {
    return new Two<>(first, second);
  }

  /**
   * Three arguments for a {@link TaskTriFunction}.
   *
   * @param first the first argument
   * @param second the second argument
   * @param third the third argument
   * @param <A> the first argument's type
   * @param <B> the second argument's type
   * @param <C> the third argument's type
   * @return the triple
   */
  public static <A, B, C> Three<A, B, C> of(A first, B second, C third) {
    return new Three<>(first, second, third);
  }
}
