package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Outcome;
import dev.weft.Pool;
import dev.weft.TaskFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The work-loop path of an eager map over a list (a CPU pool): what it does beyond the conformance
 * suite, which runs on it too.
 */
@Timeout(60)
class ListLoopsTest {
  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void loopsAreForEnginesSizedForTheCores() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(ListLoops.suits(new ThreadEngine("t", cores, 16))).isTrue();
    assertThat(ListLoops.suits(new VirtualEngine("v", 4 * cores + 1, 16))).isFalse();
  }

  @Test
  void everyInputRunsExactlyOnceForEverySizeAndChunking() throws Exception {
    try (Pool pool = Pool.cpu(3)) {
      for (int n : new int[] {1, 2, 3, 7, 64, 1_000, 25_001}) {
        for (int chunk : new int[] {0, 1, 5, 4096}) {
          AtomicIntegerArray runs = new AtomicIntegerArray(n);
          List<Integer> out =
              pool.with(o -> o.withChunkSize(chunk))
                  .map(
                      i -> {
                        runs.incrementAndGet(i);
                        return i + 1;
                      },
                      range(n));
          assertThat(out).hasSize(n);
          for (int i = 0; i < n; i++) {
            assertThat(runs.get(i)).as("runs of %d (n %d, chunk %d)", i, n, chunk).isEqualTo(1);
            assertThat(out.get(i)).isEqualTo(i + 1);
          }
        }
      }
      assertThat(pool.stats().failed()).isZero();
    }
  }

  @Test
  void theStatsCountEveryTaskOnce() throws Exception {
    try (Pool pool = Pool.cpu(2)) {
      pool.map(i -> i, range(10_000));
      assertThat(pool.stats().tasks()).isEqualTo(10_000);
    }
  }

  @Test
  void aFailureEndsTheCallAtOnceEvenWhileAnotherTaskIgnoresItsInterrupt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stuckStarted = new CountDownLatch(1);
    try (Pool pool = Pool.cpu(2)) {
      assertThatThrownBy(() ->
              pool.with(o -> o.withChunkSize(1))
                  .map(
                      i -> {
                        if (i == 0) {
                          stuckStarted.countDown();
                          while (release.getCount() > 0) {
                            try {
                              release.await();
                            } catch (InterruptedException ignored) {
                              // a task that ignores its interrupt
                            }
                          }
                          return i;
                        }
                        stuckStarted.await();
                        if (i == 5) {
                          throw new IllegalStateException("bad input 5");
                        }
                        return i;
                      },
                      range(100)))
          .isInstanceOf(TaskFailedException.class)
          .satisfies(e -> assertThat(((TaskFailedException) e).index()).isEqualTo(5));
      // The call has returned although task 0 still runs.
      assertThat(release.getCount()).isEqualTo(1);
      release.countDown();
    }
  }

  @Test
  void aMapDoesNotWaitForAWorkerItDoesNotNeed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    try (Pool pool = Pool.cpu(2)) {
      Future<Integer> blocker =
          pool.submit(() -> {
            blocking.countDown();
            release.await();
            return 1;
          });
      blocking.await();
      // One worker is busy until released: the map's second loop waits in the queue, and is
      // withdrawn once the free worker has done the whole list.
      List<Integer> out = pool.map(i -> i * 2, range(1_000));
      assertThat(out).hasSize(1_000).startsWith(0, 2, 4);
      assertThat(blocker.isDone()).isFalse();
      release.countDown();
      assertThat(blocker.get()).isEqualTo(1);
    }
  }

  @Test
  void aTaskThatInterruptsItselfDoesNotInterruptTheNextPiece() throws Exception {
    try (Pool pool = Pool.cpu(1)) {
      List<Boolean> interrupted =
          pool.with(o -> o.withChunkSize(1))
              .map(
                  i -> {
                    boolean was = Thread.currentThread().isInterrupted();
                    if (i == 0) {
                      Thread.currentThread().interrupt();
                    }
                    return was;
                  },
                  range(3));
      assertThat(interrupted).containsExactly(false, false, false);
    }
  }

  @Test
  void shutdownNowUnderACollectingMapReportsEachInputOnceAsRunOrCancelled() throws Exception {
    int n = 2_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(n);
    CountDownLatch started = new CountDownLatch(1);
    try (Pool pool = Pool.cpu(2)) {
      Thread stopper =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  started.await();
                  pool.shutdownNow();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      List<Outcome<Integer, Integer>> outcomes =
          pool.with(o -> o.withChunkSize(1))
              .mapOutcomes(
                  i -> {
                    runs.incrementAndGet(i);
                    started.countDown();
                    Thread.sleep(1);
                    return i;
                  },
                  range(n));
      stopper.join();
      assertThat(outcomes).hasSize(n);
      int cancelled = 0;
      for (int i = 0; i < n; i++) {
        Outcome<Integer, Integer> o = outcomes.get(i);
        assertThat(o.index()).isEqualTo(i);
        assertThat(runs.get(i)).isLessThanOrEqualTo(1);
        if (o instanceof Outcome.Cancelled<Integer, Integer>) {
          cancelled++;
        } else {
          assertThat(runs.get(i)).as("input %d has a result, so it ran", i).isEqualTo(1);
        }
      }
      assertThat(cancelled).isPositive();
    }
  }

  @Test
  void nestedMapsOnEveryWorkerCompleteWithoutAFreeWorker() throws Exception {
    try (Pool pool = Pool.cpu(2)) {
      CountDownLatch bothInside = new CountDownLatch(2);
      List<Integer> sums =
          pool.with(o -> o.withChunkSize(1))
              .map(
                  outer -> {
                    bothInside.countDown();
                    bothInside.await(); // both workers are now inside an outer task
                    List<Integer> inner = pool.map(i -> i + outer, range(5_000));
                    return inner.stream().mapToInt(Integer::intValue).sum();
                  },
                  List.of(0, 1));
      int base = IntStream.range(0, 5_000).sum();
      assertThat(sums).containsExactly(base, base + 5_000);
    }
  }

  @Test
  void aNestedMapCalledWithTheInterruptSetThrowsInterruptedException() throws Exception {
    try (Pool pool = Pool.cpu(1)) {
      List<String> seen =
          pool.map(
              outer -> {
                Thread.currentThread().interrupt();
                try {
                  pool.map(i -> i, range(100));
                  return "completed";
                } catch (InterruptedException e) {
                  return "interrupted";
                }
              },
              List.of(1));
      assertThat(seen).containsExactly("interrupted");
      assertThat(pool.map(i -> i + 1, range(3))).containsExactly(1, 2, 3);
    }
  }

  @Test
  void anInterruptedCallerStopsTheLoopsAndTheirRunningTasks() throws Exception {
    CountDownLatch running = new CountDownLatch(2);
    CountDownLatch interruptedTasks = new CountDownLatch(2);
    try (Pool pool = Pool.cpu(2)) {
      List<Throwable> thrown = new ArrayList<>();
      Thread caller =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  pool.with(o -> o.withChunkSize(1))
                      .map(
                          i -> {
                            running.countDown();
                            try {
                              Thread.sleep(60_000);
                            } catch (InterruptedException e) {
                              interruptedTasks.countDown();
                              throw e;
                            }
                            return i;
                          },
                          range(10));
                } catch (Throwable t) {
                  synchronized (thrown) {
                    thrown.add(t);
                  }
                }
              });
      running.await();
      caller.interrupt();
      caller.join();
      assertThat(thrown).singleElement().isInstanceOf(InterruptedException.class);
      assertThat(interruptedTasks.await(30, TimeUnit.SECONDS)).isTrue();
      // The pool is still usable.
      assertThat(pool.map(i -> i, range(3))).containsExactly(0, 1, 2);
    }
  }
}
