package dev.weft.io;

import java.io.Serializable;

/**
 * A user-defined fold: start each chunk from {@link #zero()}, {@link #add} every record, and {@link
 * #merge} the partial results of chunks. The run's answer does not depend on the chunking as long
 * as {@code merge} is associative, {@code zero()} is its identity, and folding records one by one
 * equals merging their partial folds. Partial results are merged in chunk order (earlier chunk on
 * the left), so {@code merge} need not be commutative.
 *
 * <p>{@code add} may mutate and return its accumulator; every chunk gets a fresh {@code zero()}. If
 * {@code add} throws {@link MalformedRecordException} (from {@link Row#parseDouble}, say) under
 * {@link Records#skipBad()}, the record is skipped: parse before you mutate.
 *
 * @param <A> the accumulator type
 */
public interface Fold<A> extends Serializable {
  /**
   * A new, empty accumulator.
   *
   * @return the identity of {@link #merge}
   */
  A zero();

  /**
   * Adds one record.
   *
   * @param acc the accumulator
   * @param record the record, valid only during this call
   * @return the new accumulator (may be {@code acc})
   * @throws Exception a failure of the run; {@link MalformedRecordException} marks the record bad
   */
  A add(A acc, Row record) throws Exception;

  /**
   * Merges two partial results, {@code left} from earlier bytes than {@code right}.
   *
   * @param left the earlier partial result
   * @param right the later partial result
   * @return the merged result (may be {@code left})
   */
  A merge(A left, A right);

  /**
   * A fold from three lambdas.
   *
   * @param zero makes an empty accumulator
   * @param add adds a record
   * @param merge merges two partial results
   * @param <A> the accumulator type
   * @return the fold
   */
  static <A> Fold<A> of(Zero<A> zero, Add<A> add, Merge<A> merge) {
    return new Fold<>() {
      @Override
      public A zero() {
        return zero.get();
      }

      @Override
      public A add(A acc, Row record) throws Exception {
        return add.add(acc, record);
      }

      @Override
      public A merge(A left, A right) {
        return merge.merge(left, right);
      }
    };
  }

  /**
   * Makes an empty accumulator.
   *
   * @param <A> the accumulator type
   */
  @FunctionalInterface
  interface Zero<A> extends Serializable {
    /**
     * Makes it.
     *
     * @return a new accumulator
     */
    A get();
  }

  /**
   * Adds a record to an accumulator.
   *
   * @param <A> the accumulator type
   */
  @FunctionalInterface
  interface Add<A> extends Serializable {
    /**
     * Adds it.
     *
     * @param acc the accumulator
     * @param record the record
     * @return the new accumulator
     * @throws Exception a failure
     */
    A add(A acc, Row record) throws Exception;
  }

  /**
   * Merges two partial results.
   *
   * @param <A> the accumulator type
   */
  @FunctionalInterface
  interface Merge<A> extends Serializable {
    /**
     * Merges them.
     *
     * @param left the earlier
     * @param right the later
     * @return the merged result
     */
    A merge(A left, A right);
  }
}
