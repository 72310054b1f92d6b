package dev.weft;

import dev.weft.internal.MapRun;
import dev.weft.spi.Shipping;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** The map operations, shared by {@link Pool} and its option views. */
abstract sealed class AbstractMapper implements Mapper permits Pool, AbstractMapper.View {

  abstract Pool pool();

  @Override
  public Mapper with(UnaryOperator<MapOptions> configure) {
    return new View(pool(), Objects.requireNonNull(configure.apply(options()), "options"));
  }

  private <T, R> MapRun<T, R> run(
      TaskFunction<? super T, ? extends R> fn,
      Iterator<? extends T> iterator,
      List<? extends T> list,
      AutoCloseable resource,
      boolean eager,
      boolean ordered,
      boolean collect) {
    Objects.requireNonNull(fn, "fn");
    Pool pool = pool();
    pool.checkOpen();
    if (pool.engine().shipsWork()) {
      Shipping.check(fn, "the function");
    }
    MapOptions o = options();
    return MapRun.create(
        pool.engine(),
        fn,
        iterator,
        list,
        resource,
        eager,
        ordered,
        collect,
        o.window(),
        o.chunkSize(),
        o.targetBatchNanos(pool.engine().handoffNanos()),
        o.taskDeadline(),
        pool.batchIds());
  }

  private <T, R> MapRun<T, R> run(
      TaskFunction<? super T, ? extends R> fn,
      Iterable<? extends T> inputs,
      boolean eager,
      boolean ordered,
      boolean collect) {
    Objects.requireNonNull(inputs, "inputs");
    if (inputs instanceof List<? extends T> list && inputs instanceof RandomAccess) {
      return run(fn, null, list, null, eager, ordered, collect);
    }
    return run(fn, inputs.iterator(), null, null, eager, ordered, collect);
  }

  private <T, R> MapRun<T, R> run(
      TaskFunction<? super T, ? extends R> fn,
      Stream<? extends T> inputs,
      boolean eager,
      boolean ordered,
      boolean collect) {
    Objects.requireNonNull(inputs, "inputs");
    return run(fn, inputs.iterator(), null, inputs, eager, ordered, collect);
  }

  @Override
  public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs)
      throws InterruptedException {
    return run(fn, inputs, true, false, false).drainToList();
  }

  @Override
  public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs)
      throws InterruptedException {
    return run(fn, Objects.requireNonNull(inputs, "inputs"), null, null, true, false, false)
        .drainToList();
  }

  @Override
  public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs)
      throws InterruptedException {
    return run(fn, inputs, true, false, false).drainToList();
  }

  @Override
  public <T, R> Results<R> imap(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, true, false));
  }

  @Override
  public <T, R> Results<R> imap(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs) {
    return new StreamingResults<>(
        run(fn, Objects.requireNonNull(inputs, "inputs"), null, null, false, true, false));
  }

  @Override
  public <T, R> Results<R> imap(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, true, false));
  }

  @Override
  public <T, R> Results<R> imapUnordered(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, false, false));
  }

  @Override
  public <T, R> Results<R> imapUnordered(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs) {
    return new StreamingResults<>(
        run(fn, Objects.requireNonNull(inputs, "inputs"), null, null, false, false, false));
  }

  @Override
  public <T, R> Results<R> imapUnordered(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, false, false));
  }

  @Override
  public <A, B, R> List<R> starmap(
      TaskBiFunction<? super A, ? super B, ? extends R> fn,
      Iterable<? extends Args.Two<A, B>> inputs)
      throws InterruptedException {
    Objects.requireNonNull(fn, "fn");
    TaskFunction<Args.Two<A, B>, R> spread = args -> fn.apply(args.first(), args.second());
    return map(spread, inputs);
  }

  @Override
  public <A, B, C, R> List<R> starmap(
      TaskTriFunction<? super A, ? super B, ? super C, ? extends R> fn,
      Iterable<? extends Args.Three<A, B, C>> inputs)
      throws InterruptedException {
    Objects.requireNonNull(fn, "fn");
    TaskFunction<Args.Three<A, B, C>, R> spread =
        args -> fn.apply(args.first(), args.second(), args.third());
    return map(spread, inputs);
  }

  @Override
  public <T, R> List<Outcome<T, R>> mapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs)
      throws InterruptedException {
    return run(fn, inputs, true, false, true).drainToList();
  }

  @Override
  public <T, R> List<Outcome<T, R>> mapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs)
      throws InterruptedException {
    return run(fn, Objects.requireNonNull(inputs, "inputs"), null, null, true, false, true)
        .drainToList();
  }

  @Override
  public <T, R> List<Outcome<T, R>> mapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs)
      throws InterruptedException {
    return run(fn, inputs, true, false, true).drainToList();
  }

  @Override
  public <T, R> Results<Outcome<T, R>> imapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, true, true));
  }

  @Override
  public <T, R> Results<Outcome<T, R>> imapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs) {
    return new StreamingResults<>(
        run(fn, Objects.requireNonNull(inputs, "inputs"), null, null, false, true, true));
  }

  @Override
  public <T, R> Results<Outcome<T, R>> imapOutcomes(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, true, true));
  }

  @Override
  public <T, R> Results<Outcome<T, R>> imapUnorderedOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, false, true));
  }

  @Override
  public <T, R> Results<Outcome<T, R>> imapUnorderedOutcomes(
      TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> inputs) {
    return new StreamingResults<>(
        run(fn, Objects.requireNonNull(inputs, "inputs"), null, null, false, false, true));
  }

  @Override
  public <T, R> Results<Outcome<T, R>> imapUnorderedOutcomes(
      TaskFunction<? super T, ? extends R> fn, Stream<? extends T> inputs) {
    return new StreamingResults<>(run(fn, inputs, false, false, true));
  }

  /** A pool seen with other options. */
  static final class View extends AbstractMapper {
    private final Pool pool;
    private final MapOptions options;

    View(Pool pool, MapOptions options) {
      this.pool = pool;
      this.options = options;
    }

    @Override
    Pool pool() {
      return pool;
    }

    @Override
    public MapOptions options() {
      return options;
    }
  }

  /** {@link Results} over a {@link MapRun}. */
  private static final class StreamingResults<E> implements Results<E> {
    private final MapRun<?, ?> run;

    StreamingResults(MapRun<?, ?> run) {
      this.run = run;
    }

    @Override
    public Iterator<E> iterator() {
      return run.iterator();
    }

    @Override
    public void close() {
      run.close();
    }
  }
}
