package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Args;
import dev.weft.InputFailedException;
import dev.weft.NotShippableException;
import dev.weft.Outcome;
import dev.weft.Pool;
import dev.weft.Results;
import dev.weft.TaskFailedException;
import dev.weft.policy.TaskTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every engine must have, checked only through what the caller can see: results,
 * outcomes, exceptions, {@link Pool#stats()}, and what the caller's own input iterators and threads
 * observe. No task writes to anything it captured (a latch, an atomic, a shared collection),
 * because on an engine that ships work to other JVMs a task runs on a deserialized copy of its
 * closure and such writes are lost. So this profile certifies remote engines (worker processes, a
 * cluster) as well as in-JVM ones; {@link PoolConformance} extends it with what only in-JVM engines
 * can be asked.
 *
 * <p>What is checked: result order for every kind of input, exactly-once delivery, batching, both
 * error modes and the failure's index and input, the window bound on the input side, streaming and
 * early close, cancellation, interrupts of the caller, {@code close()} and {@code shutdownNow()}
 * semantics seen from the caller, rejection once closed, exactly-once processing under concurrent
 * callers, and, on engines that {@linkplain #shipsWork() ship work}, that a call whose function
 * captures something that cannot be shipped is rejected when it starts. The kernels' results-only
 * tests run as the nested {@link Kernels}.
 *
 * <p>The few tests that must know a task is running (to cancel it there) wait on a {@link FileFlag}
 * in a {@code @TempDir}, which works across processes. Tests never assert elapsed time; a task that
 * must be stopped sleeps for minutes, so an engine that fails to interrupt it hangs the test into
 * its generous {@link Timeout} rather than passing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class RemotePoolConformance {

  /** How long a test waits for a task's sign of life: a hang guard. */
  static final Duration SIGN_OF_LIFE = Duration.ofSeconds(60);

  /** How long a task sleeps that the test means to stop: longer than any test may run. */
  static final Duration FOREVER = Duration.ofMinutes(10);

  /** Flags for tasks to raise; shared with worker processes through the file system. */
  @TempDir protected Path flags;

  /**
   * A new pool of this engine.
   *
   * @param parallelism how many tasks it should run at once (threads, concurrency or workers)
   * @return the pool
   */
  protected abstract Pool newPool(int parallelism);

  /**
   * Whether the engine ships tasks to other JVMs ({@link dev.weft.spi.Engine#shipsWork()}): then
   * calls whose function cannot be shipped must be rejected when they start. True here, the
   * profile's reason to be; in-JVM engines say false.
   *
   * @return true for shipping engines
   */
  protected boolean shipsWork() {
    return true;
  }

  /**
   * The prefix of the names of the platform threads this engine starts in the caller's JVM, or null
   * if it starts none (so that the leak check knows what to look for).
   *
   * @return a thread-name prefix or null
   */
  protected String platformThreadPrefix() {
    return null;
  }

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static List<Long> squares(int n) {
    return IntStream.range(0, n).mapToObj(i -> (long) i * i).toList();
  }

  /** A task's body that sleeps until it is interrupted, raising {@code interrupted} then. */
  static void sleepUntilInterrupted(FileFlag interrupted) throws InterruptedException {
    try {
      Thread.sleep(FOREVER);
    } catch (InterruptedException e) {
      if (interrupted != null) {
        interrupted.raise();
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- results and order

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 7, 1000, 100_000})
  void mapReturnsResultsInInputOrderForEveryKindOfInput(int n) throws Exception {
    try (Pool pool = newPool(4)) {
      List<Long> expected = squares(n);
      assertThat(pool.map(x -> (long) x * x, range(n))).isEqualTo(expected);
      assertThat(pool.map(x -> (long) x * x, new LinkedList<>(range(n)))).isEqualTo(expected);
      assertThat(pool.map(x -> (long) x * x, range(n).iterator())).isEqualTo(expected);
      assertThat(pool.map(x -> (long) x * x, range(n).stream())).isEqualTo(expected);
    }
  }

  @Test
  void mapKeepsNullResults() throws Exception {
    try (Pool pool = newPool(2)) {
      assertThat(pool.map(x -> x % 2 == 0 ? null : x, range(5)))
          .containsExactly(null, 1, null, 3, null);
    }
  }

  @Test
  void imapStreamsInInputOrderEvenWhenTasksFinishOutOfOrder() throws Exception {
    try (Pool pool = newPool(4);
        Results<Integer> results =
            pool.with(o -> o.withChunkSize(1))
                .imap(
                    x -> {
                      // Early inputs take longest, so completion order is roughly reversed.
                      Thread.sleep((20 - x) / 4);
                      return x;
                    },
                    range(20))) {
      assertThat(results.toList()).isEqualTo(range(20));
    }
  }

  @Test
  void imapUnorderedDeliversEveryResultExactlyOnce() throws Exception {
    try (Pool pool = newPool(4);
        Results<Integer> results = pool.imapUnordered(x -> x * 2, range(10_000))) {
      List<Integer> all = new ArrayList<>(results.toList());
      Collections.sort(all);
      assertThat(all).isEqualTo(range(10_000).stream().map(x -> x * 2).toList());
    }
  }

  @Test
  void imapUnorderedDeliversFastResultsBeforeSlowOnes() throws Exception {
    FileFlag release = FileFlag.in(flags, "release");
    try (Pool pool = newPool(2);
        Results<Integer> results =
            pool.with(o -> o.withChunkSize(1))
                .imapUnordered(
                    x -> {
                      if (x == 0) {
                        release.await(SIGN_OF_LIFE);
                      }
                      return x;
                    },
                    range(2))) {
      Iterator<Integer> it = results.iterator();
      assertThat(it.next()).isEqualTo(1);
      release.raise();
      assertThat(it.next()).isEqualTo(0);
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void resultsCanBeConsumedAsAStreamAndClosingTheStreamClosesThem() throws Exception {
    try (Pool pool = newPool(2)) {
      Results<Integer> results = pool.imap(x -> x + 1, CountingIterator.infinite());
      try (Stream<Integer> s = results.stream()) {
        assertThat(s.limit(5).toList()).containsExactly(1, 2, 3, 4, 5);
      }
      assertThatThrownBy(() -> results.iterator()).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void starmapSpreadsTwoAndThreeArguments() throws Exception {
    try (Pool pool = newPool(2)) {
      assertThat(pool.starmap((a, b) -> a * b, List.of(Args.of(2, 3), Args.of(4, 5))))
          .containsExactly(6, 20);
      assertThat(
              pool.starmap(
                  (a, b, c) -> a + b + c, List.of(Args.of("x", "y", "z"), Args.of("1", "2", "3"))))
          .containsExactly("xyz", "123");
    }
  }

  @Test
  void submitReturnsAFutureWithTheResultOrTheFailure() throws Exception {
    try (Pool pool = newPool(2)) {
      Future<String> ok = pool.submit(() -> "done");
      Future<Object> bad =
          pool.submit(() -> {
            throw new IllegalStateException("boom");
          });
      assertThat(ok.get()).isEqualTo("done");
      assertThat(ok.state()).isEqualTo(Future.State.SUCCESS);
      assertThatThrownBy(bad::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom");
    }
  }

  @Test
  void cancellingASubmittedTaskInterruptsIt() throws Exception {
    FileFlag started = FileFlag.in(flags, "started");
    FileFlag interrupted = FileFlag.in(flags, "interrupted");
    try (Pool pool = newPool(2)) {
      Future<Object> f =
          pool.submit(() -> {
            started.raise();
            sleepUntilInterrupted(interrupted);
            return null;
          });
      started.await(SIGN_OF_LIFE);
      assertThat(f.cancel(true)).isTrue();
      assertThat(f.isCancelled()).isTrue();
      assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
      interrupted.await(SIGN_OF_LIFE);
    }
  }

  // ---------------------------------------------------------------- laziness and bounds

  @Test
  void imapOverAnInfiniteInputPullsAtMostTheWindowAheadOfTheConsumer() throws Exception {
    int window = 64;
    CountingIterator input = CountingIterator.infinite();
    try (Pool pool = newPool(4);
        Results<Integer> results = pool.with(o -> o.withWindow(window)).imap(x -> x, input)) {
      Iterator<Integer> it = results.iterator();
      for (int consumed = 1; consumed <= 2_000; consumed++) {
        assertThat(it.next()).isEqualTo(consumed - 1);
        assertThat(input.pulled()).isLessThanOrEqualTo(consumed + window);
      }
      // A consumer that stops must not let the pool read past the window: the reader may fill it
      // while the consumer pauses, but no further. Give a wrong implementation time to over-read.
      Thread.sleep(50);
      assertThat(input.pulled()).isLessThanOrEqualTo(2_000 + window);
    }
  }

  @Test
  void unorderedAndOutcomeFormsRespectTheWindowToo() throws Exception {
    int window = 32;
    try (Pool pool = newPool(4)) {
      CountingIterator a = CountingIterator.infinite();
      try (Results<Integer> r = pool.with(o -> o.withWindow(window)).imapUnordered(x -> x, a)) {
        Iterator<Integer> it = r.iterator();
        for (int consumed = 1; consumed <= 500; consumed++) {
          it.next();
          assertThat(a.pulled()).isLessThanOrEqualTo(consumed + window);
        }
      }
      CountingIterator b = CountingIterator.infinite();
      try (Results<Outcome<Integer, Integer>> r =
          pool.with(o -> o.withWindow(window)).imapOutcomes(x -> x, b)) {
        Iterator<Outcome<Integer, Integer>> it = r.iterator();
        for (int consumed = 1; consumed <= 500; consumed++) {
          assertThat(it.next().index()).isEqualTo(consumed - 1);
          assertThat(b.pulled()).isLessThanOrEqualTo(consumed + window);
        }
      }
    }
  }

  @Test
  void nothingIsReadBeforeTheFirstResultIsAskedFor() throws Exception {
    CountingIterator input = CountingIterator.infinite();
    try (Pool pool = newPool(2);
        Results<Integer> results = pool.imap(x -> x, input)) {
      assertThat(input.pulled()).isZero();
      assertThat(results.iterator().next()).isZero();
    }
  }

  @Test
  void tinyTasksAreBatchedAutomatically() throws Exception {
    try (Pool pool = newPool(2)) {
      int n = 200_000;
      assertThat(pool.map(x -> x + 1, range(n))).hasSize(n);
      assertThat(pool.stats().tasks()).isEqualTo(n);
      // Hand-offs per task far below one: the batches grew.
      assertThat(pool.stats().batches()).isLessThan(n / 20);
    }
  }

  @Test
  void anExplicitChunkSizeFixesTheBatchSize() throws Exception {
    try (Pool pool = newPool(2)) {
      pool.with(o -> o.withChunkSize(7)).map(x -> x, range(100));
      assertThat(pool.stats().batches()).isEqualTo(15); // ceil(100 / 7)
      assertThat(pool.stats().tasks()).isEqualTo(100);
    }
  }

  @Test
  void anExplicitChunkSizeIsKeptEvenAboveTheAutomaticCap() throws Exception {
    try (Pool pool = newPool(8)) {
      pool.with(o -> o.withChunkSize(1_000)).map(x -> x, range(1_000));
      assertThat(pool.stats().batches()).isEqualTo(1);
      assertThatThrownBy(
              () -> pool.with(o -> o.withChunkSize(100).withWindow(10)).map(x -> x, range(1_000)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("chunkSize 100")
          .hasMessageContaining("window 10");
    }
  }

  @Test
  void aStreamInputIsClosedWhenTheCallEnds() throws Exception {
    // The stream and its close handler live in the caller's JVM; the task captures nothing.
    AtomicBoolean closed = new AtomicBoolean();
    try (Pool pool = newPool(2)) {
      pool.map(x -> x, range(10).stream().onClose(() -> closed.set(true)));
      assertThat(closed).isTrue();
      closed.set(false);
      try (Results<Integer> r =
          pool.imap(x -> x, Stream.iterate(0, x -> x + 1).onClose(() -> closed.set(true)))) {
        r.iterator().next();
      }
      assertThat(closed).isTrue();
    }
  }

  @Test
  void aRequestResponseInputThatWaitsForEachResultNeverDeadlocks() throws Exception {
    // Input i+1 exists only once result i has been seen, as in a request/response loop: a pool
    // that reads ahead before delivering what it has would wait forever. The semaphore is the
    // caller's: only the input iterator, which the pool reads in this JVM, uses it.
    int n = 30;
    Semaphore answered = new Semaphore(0);
    Iterator<Integer> requests =
        new Iterator<>() {
          int next;

          @Override
          public boolean hasNext() {
            return next < n;
          }

          @Override
          public Integer next() {
            if (next > 0) {
              answered.acquireUninterruptibly();
            }
            return next++;
          }
        };
    try (Pool pool = newPool(2);
        Results<Integer> results = pool.imap(x -> x * 2, requests)) {
      int i = 0;
      for (int r : results) {
        assertThat(r).isEqualTo(2 * i);
        i++;
        answered.release();
      }
      assertThat(i).isEqualTo(n);
    }
  }

  @Test
  void aSlowLiveInputDeliversEachResultBeforeMuchMoreInputIsRead() throws Exception {
    // One element every 20 ms: the first result must arrive before the next few are read, not
    // after a whole chunk or window has been gathered. The counter is the input's, in this JVM.
    AtomicInteger pulled = new AtomicInteger();
    Iterator<Integer> slow =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return pulled.get() < 20;
          }

          @Override
          public Integer next() {
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
            return pulled.getAndIncrement();
          }
        };
    try (Pool pool = newPool(2);
        Results<Integer> results = pool.imap(x -> x * 2, slow)) {
      Iterator<Integer> it = results.iterator();
      for (int i = 0; i < 5; i++) {
        assertThat(it.next()).isEqualTo(2 * i);
        assertThat(pulled.get())
            .as("inputs read when result %d arrived", i)
            .isLessThanOrEqualTo(i + 4);
      }
    }
  }

  @Test
  void readAheadIsAFewBatchesPerWorkerNotTheWholeWindow() throws Exception {
    // Tasks as long as a batch should take, so batched one by one, and a consumer slower than
    // the workers: the pool must not run far ahead of what is consumed (each extra task is wasted
    // work). The target batch time is explicit because an engine that ships work sizes its
    // batches from a hand-off of tens of microseconds, which rightly puts several 1 ms tasks in
    // a batch; PoolConformance checks the automatic size of in-JVM engines.
    int parallelism = 2;
    try (Pool pool = newPool(parallelism)) {
      assertReadAheadIsAFewTasksPerWorker(
          pool.with(o -> o.withTargetBatchTime(Duration.ofMillis(1))), parallelism);
    }
  }

  /**
   * Feeds 1 ms tasks from an endless input to a consumer slower than the workers and checks that
   * the call reads at most a few tasks per worker ahead of what was consumed.
   */
  static void assertReadAheadIsAFewTasksPerWorker(dev.weft.Mapper mapper, int parallelism)
      throws Exception {
    CountingIterator input = CountingIterator.infinite();
    try (Results<Integer> results =
        mapper.imapUnordered(
            x -> {
              Thread.sleep(1);
              return x;
            },
            input)) {
      Iterator<Integer> it = results.iterator();
      for (int consumed = 1; consumed <= 30; consumed++) {
        it.next();
        Thread.sleep(3);
        assertThat(input.pulled() - consumed)
            .as("read ahead after %d consumed", consumed)
            .isLessThanOrEqualTo(4L * parallelism * 2);
      }
    }
  }

  // ---------------------------------------------------------------- errors

  @Test
  void failFastThrowsTheFirstFailureWithItsIndexAndInput() throws Exception {
    try (Pool pool = newPool(4)) {
      Throwable thrown =
          catchThrowable(() ->
              pool.map(
                  x -> {
                    if (x == 1234) {
                      throw new IllegalArgumentException("bad " + x);
                    }
                    return x;
                  },
                  range(5_000)));
      assertThat(thrown)
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("#1234")
          .hasMessageContaining("input 1234")
          .hasRootCauseInstanceOf(IllegalArgumentException.class);
      TaskFailedException e = (TaskFailedException) thrown;
      assertThat(e.index()).isEqualTo(1234);
      assertThat(e.input()).isEqualTo(1234);
      // The pool stays usable.
      assertThat(pool.map(x -> x, range(3))).containsExactly(0, 1, 2);
    }
  }

  @Test
  void failFastCancelsQueuedTasksAndInterruptsRunningOnes() throws Exception {
    FileFlag blockerStarted = FileFlag.in(flags, "blocker-started");
    FileFlag blockerInterrupted = FileFlag.in(flags, "blocker-interrupted");
    int n = 10_000;
    Pool pool = newPool(2);
    try {
      assertThatThrownBy(() ->
              pool.with(o -> o.withChunkSize(1))
                  .map(
                      x -> {
                        if (x == 0) {
                          blockerStarted.raise();
                          sleepUntilInterrupted(blockerInterrupted);
                        }
                        if (x == 1) {
                          blockerStarted.await(SIGN_OF_LIFE);
                          throw new IllegalStateException("fail");
                        }
                        return x;
                      },
                      range(n)))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("#1");
      blockerInterrupted.await(SIGN_OF_LIFE);
    } finally {
      pool.close();
    }
    // Queued work was dropped: far from all the tasks ran (the count is the engine's own).
    assertThat(pool.stats().tasks()).isLessThan(n);
  }

  @Test
  void collectModeReturnsAnOutcomeForEveryInput() throws Exception {
    try (Pool pool = newPool(4)) {
      List<Outcome<Integer, Integer>> outcomes =
          pool.mapOutcomes(
              x -> {
                if (x % 3 == 0) {
                  throw new ArithmeticException("multiple of three: " + x);
                }
                return x * 10;
              },
              range(1_000));
      assertThat(outcomes).hasSize(1_000);
      for (int i = 0; i < 1_000; i++) {
        Outcome<Integer, Integer> o = outcomes.get(i);
        assertThat(o.index()).isEqualTo(i);
        assertThat(o.input()).isEqualTo(i);
        if (i % 3 == 0) {
          assertThat(o).isInstanceOf(Outcome.Failure.class);
          assertThat(((Outcome.Failure<Integer, Integer>) o).error())
              .isInstanceOf(ArithmeticException.class)
              .hasMessage("multiple of three: " + i);
        } else {
          assertThat(o).isEqualTo(new Outcome.Success<>(i, i, i * 10));
        }
      }
    }
  }

  @Test
  void unorderedOutcomesNameTheirInputs() throws Exception {
    try (Pool pool = newPool(4);
        Results<Outcome<Integer, String>> r =
            pool.imapUnorderedOutcomes(x -> "v" + x, range(500))) {
      Set<Long> seen = new LinkedHashSet<>();
      for (Outcome<Integer, String> o : r) {
        assertThat(o).isInstanceOf(Outcome.Success.class);
        assertThat(((Outcome.Success<Integer, String>) o).value()).isEqualTo("v" + o.input());
        assertThat(o.index()).isEqualTo((long) o.input());
        assertThat(seen.add(o.index())).isTrue();
      }
      assertThat(seen).hasSize(500);
    }
  }

  @Test
  void aFailingInputIteratorIsReportedWithItsPosition() throws Exception {
    Iterator<Integer> broken =
        new Iterator<>() {
          int next;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            if (next == 42) {
              throw new IllegalStateException("disk on fire");
            }
            return next++;
          }
        };
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() -> pool.map(x -> x, broken))
          .isInstanceOf(InputFailedException.class)
          .hasMessageContaining("#42")
          .hasMessageContaining("disk on fire");
    }
  }

  @Test
  void failuresInsideImapAreThrownFromTheIterator() throws Exception {
    try (Pool pool = newPool(2);
        Results<Integer> r =
            pool.imap(
                x -> {
                  if (x == 5) {
                    throw new IllegalStateException("five");
                  }
                  return x;
                },
                range(100))) {
      Throwable thrown = catchThrowable(() -> r.forEach(x -> {}));
      assertThat(thrown).isInstanceOf(TaskFailedException.class);
      assertThat(((TaskFailedException) thrown).index()).isEqualTo(5);
    }
  }

  @Test
  void aTaskPastItsDeadlineFailsAsTimedOutAndTheOthersSucceed() throws Exception {
    // Generous next to the instant tasks, so that a busy machine does not time them out too.
    Duration limit = Duration.ofMillis(500);
    try (Pool pool = newPool(2)) {
      List<Outcome<Integer, Integer>> outcomes =
          pool.with(o -> o.withTaskTimeout(limit))
              .mapOutcomes(
                  x -> {
                    if (x == 1) {
                      sleepUntilInterrupted(null);
                    }
                    return x;
                  },
                  range(4));
      assertThat(outcomes).hasSize(4);
      for (int i = 0; i < 4; i++) {
        if (i == 1) {
          assertThat(outcomes.get(i)).isInstanceOf(Outcome.Failure.class);
          assertThat(((Outcome.Failure<Integer, Integer>) outcomes.get(i)).error())
              .isInstanceOfSatisfying(
                  TaskTimeoutException.class, e -> assertThat(e.limit()).isEqualTo(limit));
        } else {
          assertThat(outcomes.get(i)).isEqualTo(new Outcome.Success<>(i, i, i));
        }
      }
      // The pool keeps working, at its full parallelism.
      assertThat(pool.map(x -> x * 2, range(100)))
          .isEqualTo(range(100).stream().map(x -> x * 2).toList());
    }
  }

  // ---------------------------------------------------------------- cancellation and close

  @Test
  void closingResultsEarlyCancelsTheRestAndStopsReadingInput() throws Exception {
    FileFlag started = FileFlag.in(flags, "started");
    FileFlag interrupted = FileFlag.in(flags, "interrupted");
    CountingIterator input = CountingIterator.infinite();
    try (Pool pool = newPool(2)) {
      Results<Integer> r =
          pool.with(o -> o.withChunkSize(1).withWindow(16))
              .imap(
                  x -> {
                    if (x == 0) {
                      // Deliver the first result only once the second task runs: the consumer
                      // submits between results, so it might not have handed over input 1 yet.
                      started.await(SIGN_OF_LIFE);
                    }
                    if (x == 1) {
                      started.raise();
                      sleepUntilInterrupted(interrupted);
                    }
                    return x;
                  },
                  input);
      Iterator<Integer> it = r.iterator();
      assertThat(it.next()).isZero();
      r.close();
      interrupted.await(SIGN_OF_LIFE);
      long pulled = input.pulled();
      Thread.sleep(20);
      assertThat(input.pulled()).isEqualTo(pulled);
      assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void interruptingTheCallerCancelsTheMapAndThrowsInterruptedException() throws Exception {
    FileFlag started = FileFlag.in(flags, "started");
    FileFlag taskInterrupted = FileFlag.in(flags, "task-interrupted");
    AtomicBoolean callerSawInterrupt = new AtomicBoolean();
    try (Pool pool = newPool(2)) {
      Thread caller =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  pool.map(
                      x -> {
                        started.raise();
                        sleepUntilInterrupted(taskInterrupted);
                        return x;
                      },
                      range(4));
                } catch (InterruptedException e) {
                  callerSawInterrupt.set(true);
                }
              });
      started.await(SIGN_OF_LIFE);
      caller.interrupt();
      caller.join();
      assertThat(callerSawInterrupt).isTrue();
      taskInterrupted.await(SIGN_OF_LIFE);
    }
  }

  @Test
  void anInterruptedConsumerOfResultsGetsCancellationAndKeepsItsInterruptStatus() throws Exception {
    try (Pool pool = newPool(2);
        Results<Integer> r =
            pool.imap(
                x -> {
                  sleepUntilInterrupted(null);
                  return x;
                },
                range(10))) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> r.iterator().next()).isInstanceOf(CancellationException.class);
      assertThat(Thread.interrupted()).isTrue();
    }
  }

  @Test
  void closeWaitsForSubmittedWork() throws Exception {
    List<Future<Integer>> futures = new ArrayList<>();
    Pool pool = newPool(2);
    for (int i = 0; i < 20; i++) {
      int n = i;
      futures.add(
          pool.submit(() -> {
            Thread.sleep(5);
            return n;
          }));
    }
    pool.close();
    assertThat(pool.isTerminated()).isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(futures.get(i).isDone()).isTrue();
      assertThat(futures.get(i).get()).isEqualTo(i);
    }
  }

  @Test
  void shutdownNowCancelsQueuedWorkAndInterruptsRunningWork() throws Exception {
    Pool pool = newPool(2);
    List<Future<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      FileFlag running = FileFlag.in(flags, "running-" + n);
      FileFlag interrupted = FileFlag.in(flags, "interrupted-" + n);
      futures.add(
          pool.submit(() -> {
            running.raise();
            sleepUntilInterrupted(interrupted);
            return n;
          }));
    }
    awaitCount("running-", 2);
    pool.shutdownNow();
    // The running tasks sleep for minutes: the pool terminates only if they were interrupted.
    assertThat(pool.awaitTermination(SIGN_OF_LIFE)).isTrue();
    assertThat(FileFlag.count(flags, "interrupted-")).isPositive();
    for (Future<Integer> f : futures) {
      assertThat(f.isDone()).isTrue();
      assertThat(f.state()).isIn(Future.State.CANCELLED, Future.State.FAILED);
    }
    pool.close();
  }

  private void awaitCount(String prefix, int count) throws InterruptedException {
    long deadline = System.nanoTime() + SIGN_OF_LIFE.toNanos();
    while (FileFlag.count(flags, prefix) < count) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("fewer than " + count + " tasks raised " + prefix + "*");
      }
      Thread.sleep(1);
    }
  }

  /** Starts a thread that shuts the pool down once {@code count} flags {@code prefix*} are up. */
  private Thread shutdownNowOnce(String prefix, int count, Pool pool) {
    return Thread.ofPlatform()
        .start(() -> {
          try {
            awaitCount(prefix, count);
          } catch (InterruptedException e) {
            return;
          } finally {
            pool.shutdownNow();
          }
        });
  }

  @Test
  void shutdownNowUnderACollectingMapReportsCancelledOutcomes() throws Exception {
    Pool pool = newPool(4);
    String dir = flags.toAbsolutePath().toString(); // a Path is not serializable, a String is
    Thread stopper = shutdownNowOnce("started-", 4, pool);
    // All four tasks are running when the pool is shut down under the call.
    List<Outcome<Integer, Integer>> outcomes =
        pool.with(o -> o.withChunkSize(1))
            .mapOutcomes(
                x -> {
                  new FileFlag(dir + "/started-" + x).raise();
                  sleepUntilInterrupted(null);
                  return x;
                },
                range(4));
    stopper.join();
    assertThat(outcomes).hasSize(4).allMatch(o -> o instanceof Outcome.Cancelled);
    pool.close();
  }

  @Test
  void aFailFastMapWhosePoolIsShutDownUnderItThrowsCancellation() throws Exception {
    FileFlag started = FileFlag.in(flags, "started-0");
    Pool pool = newPool(2);
    Thread stopper = shutdownNowOnce("started-", 1, pool);
    assertThatThrownBy(() ->
            pool.with(o -> o.withChunkSize(1))
                .map(
                    x -> {
                      started.raise();
                      sleepUntilInterrupted(null);
                      return x;
                    },
                    range(1_000)))
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("shut down");
    stopper.join();
    pool.close();
  }

  @Test
  void aClosedPoolRejectsWork() {
    Pool pool = newPool(2);
    pool.close();
    assertThatThrownBy(() -> pool.map(x -> x, range(3)))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    pool.close(); // idempotent
  }

  @Test
  void closeLeavesNoThreadRunning() throws Exception {
    String prefix = platformThreadPrefix();
    Set<String> before = prefix == null ? Set.of() : Threads.named(prefix);
    Pool pool = newPool(3);
    pool.map(x -> x, range(10_000));
    try (Results<Integer> r = pool.imap(x -> x, CountingIterator.infinite())) {
      r.iterator().next();
    }
    pool.submit(() -> 1).get();
    pool.close();
    assertThat(pool.isTerminated()).isTrue();
    if (prefix != null) {
      assertThat(Threads.named(prefix)).as(Threads::dump).isEqualTo(before);
    }
  }

  // ---------------------------------------------------------------- interrupts of blocking calls

  @Test
  void anInterruptedCloseStopsRunningTasksWaitsForThemAndKeepsTheInterruptStatus()
      throws Exception {
    FileFlag started = FileFlag.in(flags, "started");
    FileFlag taskInterrupted = FileFlag.in(flags, "task-interrupted");
    AtomicBoolean statusAfterClose = new AtomicBoolean();
    AtomicBoolean terminatedAfterClose = new AtomicBoolean();
    Pool pool = newPool(2);
    pool.submit(() -> {
      started.raise();
      try {
        sleepUntilInterrupted(taskInterrupted);
      } catch (InterruptedException e) {
        // ends normally, as a task that handles its interrupt
      }
      return null;
    });
    started.await(SIGN_OF_LIFE);
    Thread closer =
        new Thread(() -> {
          pool.close();
          statusAfterClose.set(Thread.currentThread().isInterrupted());
          terminatedAfterClose.set(pool.isTerminated());
        });
    closer.start();
    closer.interrupt();
    closer.join();
    assertThat(taskInterrupted.isRaised()).isTrue();
    assertThat(statusAfterClose).isTrue();
    assertThat(terminatedAfterClose).isTrue();
  }

  @Test
  void interruptedWaitsForTerminationAndForAFutureThrowInterruptedException() throws Exception {
    try (Pool pool = newPool(2)) {
      Future<Object> f =
          pool.submit(() -> {
            sleepUntilInterrupted(null);
            return null;
          });
      Thread.currentThread().interrupt();
      assertThatThrownBy(f::get).isInstanceOf(InterruptedException.class);
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> f.get(1, TimeUnit.HOURS)).isInstanceOf(InterruptedException.class);
      // While the task still runs (or waits to), so that the wait really waits: a terminated pool
      // answers at once, as the JDK's executors do.
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> pool.awaitTermination(Duration.ofHours(1)))
          .isInstanceOf(InterruptedException.class);
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- stress

  @Test
  void everyInputIsProcessedExactlyOnceUnderConcurrentCallers() throws Exception {
    int callers = 4;
    int perCaller = Modes.scale(200_000);
    try (Pool pool = newPool(4)) {
      List<Thread> threads = new ArrayList<>();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      for (int c = 0; c < callers; c++) {
        int base = c * perCaller;
        int mode = c;
        threads.add(
            Thread.ofPlatform()
                .start(() -> {
                  try {
                    Iterator<Integer> in =
                        IntStream.range(base, base + perCaller).boxed().iterator();
                    List<Integer> got = new ArrayList<>();
                    if (mode % 2 == 0) {
                      try (Results<Integer> r = pool.imapUnordered(x -> x, in)) {
                        r.forEach(got::add);
                      }
                      Collections.sort(got);
                    } else {
                      got.addAll(pool.map(x -> x, in));
                    }
                    if (!got.equals(IntStream.range(base, base + perCaller).boxed().toList())) {
                      throw new AssertionError("caller " + mode + " lost or duplicated results");
                    }
                  } catch (Throwable t) {
                    errors.add(t);
                  }
                }));
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(errors).isEmpty();
      // The engine's own count: a task run twice (its result dropped) would show here.
      assertThat(pool.stats().tasks()).isEqualTo((long) callers * perCaller);
    }
  }

  @Test
  void cancellationRacesNeverLoseOrDuplicateACompletedResult() throws Exception {
    int rounds = Modes.scale(200);
    try (Pool pool = newPool(4)) {
      for (int round = 0; round < rounds; round++) {
        int stopAt = round % 50;
        int chunk = 1 + round % 3;
        List<Integer> got = new ArrayList<>();
        try (Results<Integer> r = pool.with(o -> o.withChunkSize(chunk)).imap(x -> x, range(100))) {
          for (int x : r) {
            got.add(x);
            if (x == stopAt) {
              break;
            }
          }
        }
        assertThat(got).isEqualTo(range(stopAt + 1));
      }
      // After all those cancellations the pool still works.
      assertThat(pool.map(x -> x, range(1000))).isEqualTo(range(1000));
    }
  }

  // ---------------------------------------------------------------- shipping

  /** Neither serializable nor shared state: what a careless task might capture. */
  static final class Opaque {
    int calls;
  }

  private void assumeShipping() {
    assumeTrue(shipsWork(), "only engines that ship work to other JVMs refuse such tasks");
  }

  @Test
  void aFunctionCapturingAnAtomicIsRejectedWhenTheCallStarts() throws Exception {
    assumeShipping();
    AtomicInteger counter = new AtomicInteger();
    CountingIterator input = CountingIterator.upTo(100);
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() -> pool.map(x -> counter.incrementAndGet(), input))
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(AtomicInteger.class.getName()))
          .hasMessageContaining(AtomicInteger.class.getName());
      assertThatThrownBy(() -> pool.imap(x -> counter.incrementAndGet(), input))
          .isInstanceOf(NotShippableException.class);
      assertThatThrownBy(() -> pool.imapUnordered(x -> counter.incrementAndGet(), input))
          .isInstanceOf(NotShippableException.class);
      assertThatThrownBy(() -> pool.mapOutcomes(x -> counter.incrementAndGet(), input))
          .isInstanceOf(NotShippableException.class);
      assertThatThrownBy(() -> pool.imapOutcomes(x -> counter.incrementAndGet(), input))
          .isInstanceOf(NotShippableException.class);
      assertThatThrownBy(() -> pool.imapUnorderedOutcomes(x -> counter.incrementAndGet(), input))
          .isInstanceOf(NotShippableException.class);
      // Rejected before anything was read or run.
      assertThat(input.pulled()).isZero();
      assertThat(counter).hasValue(0);
      assertThat(pool.stats().tasks()).isZero();
      // The pool stays usable.
      assertThat(pool.map(x -> x + 1, range(3))).containsExactly(1, 2, 3);
    }
  }

  @Test
  void aFunctionCapturingALockOrANonSerializableObjectIsRejectedWhenTheCallStarts()
      throws Exception {
    assumeShipping();
    ReentrantLock lock = new ReentrantLock();
    Opaque opaque = new Opaque();
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() ->
              pool.map(
                  x -> {
                    lock.lock();
                    try {
                      return x;
                    } finally {
                      lock.unlock();
                    }
                  },
                  range(10)))
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(ReentrantLock.class.getName()));
      assertThatThrownBy(() -> pool.map(x -> x + opaque.calls++, range(10)))
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(Opaque.class.getName()))
          .hasMessageContaining(Opaque.class.getName());
      assertThat(opaque.calls).isZero();
    }
  }

  @Test
  void viewsAndStarmapCheckShippabilityToo() throws Exception {
    assumeShipping();
    AtomicInteger counter = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() ->
              pool.with(o -> o.withChunkSize(1)).map(x -> counter.incrementAndGet(), range(10)))
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(AtomicInteger.class.getName()));
      assertThatThrownBy(() ->
              pool.starmap((a, b) -> a + b + counter.incrementAndGet(), List.of(Args.of(1, 2))))
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(AtomicInteger.class.getName()));
      assertThat(counter).hasValue(0);
    }
  }

  @Test
  void aKernelWhoseTermCapturesAnAtomicIsRejectedWhenTheCallStarts() throws Exception {
    assumeShipping();
    AtomicInteger counter = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() -> pool.sumLongs(0, 1_000_000, i -> counter.incrementAndGet()))
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(AtomicInteger.class.getName()));
      assertThat(counter).hasValue(0);
    }
  }

  @Test
  void aSubmittedTaskCapturingAnAtomicNeverRunsAgainstACopy() throws Exception {
    assumeShipping();
    AtomicInteger counter = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      // Rejected by submit itself, or (where the pool does not check) failed by the engine.
      Throwable thrown = catchThrowable(() -> pool.submit(counter::incrementAndGet).get());
      Throwable why = thrown instanceof ExecutionException e ? e.getCause() : thrown;
      assertThat(why)
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(AtomicInteger.class.getName()));
    }
  }

  @Test
  void aSubmittedTaskCapturingAnAtomicIsRejectedBySubmit() throws Exception {
    assumeShipping();
    AtomicInteger counter = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() -> pool.submit(counter::incrementAndGet))
          .isInstanceOf(NotShippableException.class);
    }
  }

  @Test
  void aTinyKernelWhoseTermCapturesAnAtomicIsRejectedToo() throws Exception {
    assumeShipping();
    AtomicInteger counter = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() -> pool.sumLongs(0, 10, i -> counter.incrementAndGet()))
          .isInstanceOf(NotShippableException.class);
    }
  }

  @Test
  void mapIntsReturnsItsResultsOnAShippingEngine() throws Exception {
    assumeShipping();
    int[] in = IntStream.range(0, 100_000).toArray();
    try (Pool pool = newPool(2)) {
      assertThat(pool.mapInts(in, x -> x + 1)).isEqualTo(IntStream.range(1, 100_001).toArray());
    }
  }

  // ---------------------------------------------------------------- kernels

  /** The data-parallel kernels on this engine, results only: see {@link KernelConformance}. */
  @Nested
  class Kernels extends KernelConformance {
    @Override
    protected Pool newPool(int parallelism) {
      return RemotePoolConformance.this.newPool(parallelism);
    }
  }
}
