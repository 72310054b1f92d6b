package dev.weft.io.internal;

import dev.weft.io.Fold;
import dev.weft.io.Row;
import dev.weft.io.RowToDouble;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What a run does with records: per chunk, a mutable state fed every record, turned into a partial
 * result that the calling thread merges with the others in chunk order.
 *
 * @param <S> the per-chunk state
 * @param <P> the partial result
 */
public interface Job<S, P> extends Serializable {
  /**
   * A new state for one chunk.
   *
   * @return the state
   */
  S start();

  /**
   * Feeds one record.
   *
   * @param state the chunk's state
   * @param record the record
   * @throws Exception a failure
   */
  void accept(S state, Row record) throws Exception;

  /**
   * The chunk's partial result.
   *
   * @param state the chunk's final state
   * @return the partial result
   */
  P partial(S state);

  /**
   * Merges two partial results, earlier bytes on the left.
   *
   * @param left the earlier
   * @param right the later
   * @return the merged result
   */
  P merge(P left, P right);

  /**
   * Counts records.
   *
   * @return the job
   */
  static Job<long[], Long> count() {
    return new Job<>() {
      @Override
      public long[] start() {
        return new long[1];
      }

      @Override
      public void accept(long[] s, Row r) {
        s[0]++;
      }

      @Override
      public Long partial(long[] s) {
        return s[0];
      }

      @Override
      public Long merge(Long a, Long b) {
        return a + b;
      }
    };
  }

  /**
   * Stats of one number per record.
   *
   * @param value the number
   * @return the job
   */
  static Job<StatsAccumulator, StatsAccumulator> stats(RowToDouble value) {
    return new Job<>() {
      @Override
      public StatsAccumulator start() {
        return new StatsAccumulator();
      }

      @Override
      public void accept(StatsAccumulator s, Row r) throws Exception {
        s.add(value.apply(r));
      }

      @Override
      public StatsAccumulator partial(StatsAccumulator s) {
        return s;
      }

      @Override
      public StatsAccumulator merge(StatsAccumulator a, StatsAccumulator b) {
        return a.merge(b);
      }
    };
  }

  /**
   * A user's fold.
   *
   * @param fold the fold
   * @param <A> its accumulator
   * @return the job
   */
  static <A> Job<Object[], A> fold(Fold<A> fold) {
    return new Job<>() {
      @Override
      public Object[] start() {
        return new Object[] {fold.zero()};
      }

      @Override
      @SuppressWarnings("unchecked")
      public void accept(Object[] s, Row r) throws Exception {
        s[0] = fold.add((A) s[0], r);
      }

      @Override
      @SuppressWarnings("unchecked")
      public A partial(Object[] s) {
        return (A) s[0];
      }

      @Override
      public A merge(A a, A b) {
        return fold.merge(a, b);
      }
    };
  }

  /**
   * A user's fold per key, looked up from the key field's bytes.
   *
   * @param keyField the key's field
   * @param fold the fold
   * @param <A> its accumulator
   * @return the job
   */
  static <A> Job<KeyTable<A>, HashMap<String, A>> foldBy(int keyField, Fold<A> fold) {
    return new Job<>() {
      @Override
      public KeyTable<A> start() {
        return new KeyTable<>();
      }

      @Override
      public void accept(KeyTable<A> table, Row r) throws Exception {
        KeyTable.Entry<A> e = ((RowView) r).entry(table, keyField);
        A acc = e.value != null ? e.value : fold.zero();
        e.value = fold.add(acc, r);
      }

      @Override
      public HashMap<String, A> partial(KeyTable<A> table) {
        HashMap<String, A> map = new HashMap<>();
        table.forEach(map::put);
        return map;
      }

      @Override
      public HashMap<String, A> merge(HashMap<String, A> left, HashMap<String, A> right) {
        for (Map.Entry<String, A> e : right.entrySet()) {
          left.merge(e.getKey(), e.getValue(), fold::merge);
        }
        return left;
      }
    };
  }

  /**
   * The direct path for plain records, if this job has one: see {@link ChunkScanner#scan(Spec,
   * FileChunk, Object, ChunkScanner.Consumer, ChunkScanner.KeyedNumbers)}.
   *
   * @return the direct path, or null
   */
  default ChunkScanner.KeyedNumbers<S> direct() {
    return null;
  }

  /**
   * Stats of a numeric field per key, in a {@link StatsTable}: the value is parsed before the key
   * is looked up, so a bad number leaves no trace. Plain records take the direct path.
   *
   * @param keyField the key's field
   * @param valueField the number's field
   * @return the job
   */
  static Job<StatsTable, HashMap<String, StatsAccumulator>> statsBy(int keyField, int valueField) {
    return new Job<>() {
      @Override
      public StatsTable start() {
        return new StatsTable();
      }

      @Override
      public void accept(StatsTable table, Row r) {
        double v = r.parseDouble(valueField);
        ((RowView) r).addTo(table, keyField, v);
      }

      @Override
      public HashMap<String, StatsAccumulator> partial(StatsTable table) {
        return table.toMap();
      }

      @Override
      public HashMap<String, StatsAccumulator> merge(
          HashMap<String, StatsAccumulator> left, HashMap<String, StatsAccumulator> right) {
        for (Map.Entry<String, StatsAccumulator> e : right.entrySet()) {
          left.merge(e.getKey(), e.getValue(), StatsAccumulator::merge);
        }
        return left;
      }

      @Override
      public ChunkScanner.KeyedNumbers<StatsTable> direct() {
        return new ChunkScanner.KeyedNumbers<>(keyField, valueField, StatsTable::add);
      }
    };
  }
}
