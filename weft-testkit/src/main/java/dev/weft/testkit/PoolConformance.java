package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.Args;
import dev.weft.InputFailedException;
import dev.weft.Outcome;
import dev.weft.Pool;
import dev.weft.Results;
import dev.weft.TaskFailedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every engine must have, run through the {@link Pool} API. An engine's test class
 * extends this and says how to make a pool; every test here then runs against that engine.
 *
 * <p>What is checked: result order, laziness and the window bound, both error modes, cancellation
 * by closing results, interrupts of the caller and of tasks, {@code close()} and {@code
 * shutdownNow()} semantics, thread leaks, and exactly-once processing under concurrent load. Tests
 * wait on latches, never on elapsed time; each has a generous timeout so that a hang fails rather
 * than stalls the build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class PoolConformance {

  /**
   * A new pool of this engine.
   *
   * @param parallelism how many tasks it should run at once (threads or concurrency)
   * @return the pool
   */
  protected abstract Pool newPool(int parallelism);

  /**
   * The prefix of the names of the platform threads this engine starts, or null if it starts none
   * (so that the leak check knows what to look for).
   *
   * @return a thread-name prefix or null
   */
  protected abstract String platformThreadPrefix();

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static List<Long> squares(int n) {
    return IntStream.range(0, n).mapToObj(i -> (long) i * i).toList();
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
    CountDownLatch release = new CountDownLatch(1);
    try (Pool pool = newPool(2);
        Results<Integer> results =
            pool.with(o -> o.withChunkSize(1))
                .imapUnordered(
                    x -> {
                      if (x == 0) {
                        release.await();
                      }
                      return x;
                    },
                    range(2))) {
      Iterator<Integer> it = results.iterator();
      assertThat(it.next()).isEqualTo(1);
      release.countDown();
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
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    try (Pool pool = newPool(2)) {
      Future<Object> f =
          pool.submit(() -> {
            started.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              interrupted.set(true);
            } finally {
              finished.countDown();
            }
            return null;
          });
      started.await();
      assertThat(f.cancel(true)).isTrue();
      assertThat(f.isCancelled()).isTrue();
      assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
      finished.await();
      assertThat(interrupted).isTrue();
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
  void aStreamInputIsClosedWhenTheCallEnds() throws Exception {
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
    CountDownLatch blockerStarted = new CountDownLatch(1);
    AtomicBoolean blockerInterrupted = new AtomicBoolean();
    CountDownLatch blockerDone = new CountDownLatch(1);
    AtomicInteger ranAfterFailure = new AtomicInteger();
    try (Pool pool = newPool(2)) {
      assertThatThrownBy(() ->
              pool.with(o -> o.withChunkSize(1))
                  .map(
                      x -> {
                        if (x == 0) {
                          blockerStarted.countDown();
                          try {
                            new CountDownLatch(1).await();
                          } catch (InterruptedException e) {
                            blockerInterrupted.set(true);
                            throw e;
                          } finally {
                            blockerDone.countDown();
                          }
                        }
                        if (x == 1) {
                          blockerStarted.await();
                          throw new IllegalStateException("fail");
                        }
                        if (x > 1) {
                          ranAfterFailure.incrementAndGet();
                        }
                        return x;
                      },
                      range(10_000)))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("#1");
      blockerDone.await();
      assertThat(blockerInterrupted).isTrue();
      // Queued work was dropped: far from all 9,998 other tasks ran.
      assertThat(ranAfterFailure.get()).isLessThan(9_998);
    }
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

  // ---------------------------------------------------------------- cancellation and close

  @Test
  void closingResultsEarlyCancelsTheRestAndStopsReadingInput() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountingIterator input = CountingIterator.infinite();
    try (Pool pool = newPool(2)) {
      Results<Integer> r =
          pool.with(o -> o.withChunkSize(1).withWindow(16))
              .imap(
                  x -> {
                    if (x == 1) {
                      started.countDown();
                      try {
                        new CountDownLatch(1).await();
                      } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                      }
                    }
                    return x;
                  },
                  input);
      Iterator<Integer> it = r.iterator();
      assertThat(it.next()).isZero();
      started.await();
      r.close();
      assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("running task interrupted").isTrue();
      long pulled = input.pulled();
      Thread.sleep(20);
      assertThat(input.pulled()).isEqualTo(pulled);
      assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void interruptingTheCallerCancelsTheMapAndThrowsInterruptedException() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch taskInterrupted = new CountDownLatch(1);
    AtomicBoolean callerSawInterrupt = new AtomicBoolean();
    try (Pool pool = newPool(2)) {
      Thread caller =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  pool.map(
                      x -> {
                        started.countDown();
                        try {
                          new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                          taskInterrupted.countDown();
                          throw e;
                        }
                        return x;
                      },
                      range(4));
                } catch (InterruptedException e) {
                  callerSawInterrupt.set(true);
                }
              });
      started.await();
      caller.interrupt();
      caller.join();
      assertThat(callerSawInterrupt).isTrue();
      assertThat(taskInterrupted.await(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void anInterruptedConsumerOfResultsGetsCancellationAndKeepsItsInterruptStatus() throws Exception {
    try (Pool pool = newPool(2);
        Results<Integer> r =
            pool.imap(
                x -> {
                  new CountDownLatch(1).await();
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
    CountDownLatch running = new CountDownLatch(2);
    ConcurrentLinkedQueue<Integer> interrupted = new ConcurrentLinkedQueue<>();
    Pool pool = newPool(2);
    List<Future<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      futures.add(
          pool.submit(() -> {
            running.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              interrupted.add(n);
              throw e;
            }
            return n;
          }));
    }
    running.await();
    pool.shutdownNow();
    assertThat(pool.awaitTermination(java.time.Duration.ofSeconds(30))).isTrue();
    assertThat(interrupted).isNotEmpty();
    for (Future<Integer> f : futures) {
      assertThat(f.isDone()).isTrue();
      assertThat(f.state()).isIn(Future.State.CANCELLED, Future.State.FAILED);
    }
    pool.close();
  }

  /** Starts a thread that shuts the pool down as soon as {@code started} opens. */
  private static Thread shutdownNowOnce(CountDownLatch started, Pool pool) {
    return Thread.ofPlatform()
        .start(() -> {
          try {
            started.await();
          } catch (InterruptedException e) {
            return;
          }
          pool.shutdownNow();
        });
  }

  @Test
  void shutdownNowUnderACollectingMapReportsCancelledOutcomes() throws Exception {
    CountDownLatch started = new CountDownLatch(4);
    Pool pool = newPool(4);
    Thread stopper = shutdownNowOnce(started, pool);
    // All four tasks are running when the pool is shut down under the call.
    List<Outcome<Integer, Integer>> outcomes =
        pool.with(o -> o.withChunkSize(1))
            .mapOutcomes(
                x -> {
                  started.countDown();
                  new CountDownLatch(1).await();
                  return x;
                },
                range(4));
    stopper.join();
    assertThat(outcomes).hasSize(4).allMatch(o -> o instanceof Outcome.Cancelled);
    pool.close();
  }

  @Test
  void aFailFastMapWhosePoolIsShutDownUnderItThrowsCancellation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Pool pool = newPool(2);
    Thread stopper = shutdownNowOnce(started, pool);
    assertThatThrownBy(() ->
            pool.with(o -> o.withChunkSize(1))
                .map(
                    x -> {
                      started.countDown();
                      new CountDownLatch(1).await();
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

  // ---------------------------------------------------------------- nested use, live inputs

  @Test
  void nestedMapImapAndSubmitOnTheSamePoolCompleteToAnyDepth() throws Exception {
    try (Pool pool = newPool(2)) {
      // Every worker waits inside a task for work queued behind it: it must help, not park.
      List<Integer> depth2 =
          pool.map(x -> pool.map(y -> x * 10 + y, range(3)).size() + x, range(4));
      assertThat(depth2).containsExactly(3, 4, 5, 6);
      List<Integer> depth3 =
          pool.map(
              x ->
                  pool
                      .map(
                          y -> pool.map(z -> x + y + z, range(3)).stream().mapToInt(i -> i).sum(),
                          range(3))
                      .stream()
                      .mapToInt(i -> i)
                      .sum(),
              range(6));
      List<Integer> expected = new ArrayList<>();
      for (int x = 0; x < 6; x++) {
        int sum = 0;
        for (int y = 0; y < 3; y++) {
          for (int z = 0; z < 3; z++) {
            sum += x + y + z;
          }
        }
        expected.add(sum);
      }
      assertThat(depth3).isEqualTo(expected);
      List<Integer> viaImap =
          pool.map(
              x -> {
                int sum = 0;
                try (Results<Integer> inner = pool.imap(y -> x + y, CountingIterator.upTo(50))) {
                  for (int v : inner) {
                    sum += v;
                  }
                }
                try (Results<Integer> inner = pool.imapUnordered(y -> y, range(20))) {
                  for (int v : inner) {
                    sum += v;
                  }
                }
                return sum;
              },
              range(4));
      assertThat(viaImap).containsExactly(1225 + 190, 1275 + 190, 1325 + 190, 1375 + 190);
      List<Long> viaKernel = pool.map(x -> pool.sumLongs(0, 100_000, i -> i + x), range(4));
      assertThat(viaKernel)
          .containsExactly(4_999_950_000L, 5_000_050_000L, 5_000_150_000L, 5_000_250_000L);
      List<Integer> viaSubmit = pool.map(x -> pool.submit(() -> x * 2).get(), range(8));
      assertThat(viaSubmit).containsExactly(0, 2, 4, 6, 8, 10, 12, 14);
      // And the pool is still fine afterwards.
      assertThat(pool.map(x -> x + 1, range(3))).containsExactly(1, 2, 3);
    }
  }

  @Test
  void closingThePoolFromItsOwnTaskFailsClearlyAndLeavesThePoolUsable() throws Exception {
    try (Pool pool = newPool(2)) {
      Future<String> f =
          pool.submit(() -> {
            try {
              pool.close();
              return "closed";
            } catch (IllegalStateException e) {
              return e.getMessage();
            }
          });
      assertThat(f.get()).contains("close()").contains("would wait");
      assertThat(pool.map(x -> x * 3, range(3))).containsExactly(0, 3, 6);
    }
  }

  @Test
  void aRequestResponseInputThatWaitsForEachResultNeverDeadlocks() throws Exception {
    // Input i+1 exists only once result i has been seen, as in a request/response loop: a pool
    // that reads ahead before delivering what it has would wait forever.
    int n = 30;
    java.util.concurrent.Semaphore answered = new java.util.concurrent.Semaphore(0);
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
    // after a whole chunk or window has been gathered.
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
    // Tasks long enough to be batched one by one, and a consumer slower than the workers: the
    // pool must not run far ahead of what is consumed (each extra task is wasted work).
    CountingIterator input = CountingIterator.infinite();
    int parallelism = 2;
    try (Pool pool = newPool(parallelism);
        Results<Integer> results =
            pool.imapUnordered(
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

  // ---------------------------------------------------------------- interrupts of blocking calls

  @Test
  void anInterruptedCloseStopsRunningTasksWaitsForThemAndKeepsTheInterruptStatus()
      throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean taskInterrupted = new AtomicBoolean();
    AtomicBoolean statusAfterClose = new AtomicBoolean();
    AtomicBoolean terminatedAfterClose = new AtomicBoolean();
    Pool pool = newPool(2);
    pool.submit(() -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        taskInterrupted.set(true);
      }
      return null;
    });
    started.await();
    Thread closer =
        new Thread(() -> {
          pool.close();
          statusAfterClose.set(Thread.currentThread().isInterrupted());
          terminatedAfterClose.set(pool.isTerminated());
        });
    closer.start();
    closer.interrupt();
    closer.join();
    assertThat(taskInterrupted).isTrue();
    assertThat(statusAfterClose).isTrue();
    assertThat(terminatedAfterClose).isTrue();
  }

  @Test
  void interruptedWaitsForTerminationAndForAFutureThrowInterruptedException() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Pool pool = newPool(2)) {
      Future<Object> f =
          pool.submit(() -> {
            release.await();
            return null;
          });
      Thread.currentThread().interrupt();
      assertThatThrownBy(f::get).isInstanceOf(InterruptedException.class);
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> f.get(1, TimeUnit.HOURS)).isInstanceOf(InterruptedException.class);
      // While the task still runs, so that the wait really waits: a terminated pool answers at
      // once, as the JDK's executors do.
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> pool.awaitTermination(java.time.Duration.ofHours(1)))
          .isInstanceOf(InterruptedException.class);
      pool.shutdownNow();
      release.countDown();
    }
  }

  // ---------------------------------------------------------------- stress

  @Test
  void everyInputIsProcessedExactlyOnceUnderConcurrentCallers() throws Exception {
    int callers = 4;
    int perCaller = Modes.scale(200_000);
    AtomicIntegerArray runs = new AtomicIntegerArray(callers * perCaller);
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
                      try (Results<Integer> r =
                          pool.imapUnordered(
                              x -> {
                                runs.incrementAndGet(x);
                                return x;
                              },
                              in)) {
                        r.forEach(got::add);
                      }
                      Collections.sort(got);
                    } else {
                      got.addAll(
                          pool.map(
                              x -> {
                                runs.incrementAndGet(x);
                                return x;
                              },
                              in));
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
      for (int i = 0; i < runs.length(); i++) {
        if (runs.get(i) != 1) {
          throw new AssertionError("input " + i + " ran " + runs.get(i) + " times");
        }
      }
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

  // ---------------------------------------------------------------- kernels

  /** The data-parallel kernels on this engine: see {@link KernelConformance}. */
  @Nested
  class Kernels extends KernelConformance {
    @Override
    protected Pool newPool(int parallelism) {
      return PoolConformance.this.newPool(parallelism);
    }
  }
}
