package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.NotShippableException;
import dev.weft.Outcome;
import dev.weft.Pool;
import dev.weft.TaskFunction;
import dev.weft.policy.TaskTimeoutException;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.Recorder;
import dev.weft.spi.WorkerRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to {@link SerializingEngine}: copies, per-input shipping errors, deadlines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SerializingEngineTest {
  @TempDir Path flags;

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Not serializable. */
  static final class Opaque {
    @Override
    public String toString() {
      return "opaque";
    }
  }

  /** A failure that cannot travel back: it holds something not serializable. */
  static final class HeavyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"unused", "serial"})
    private final Opaque payload = new Opaque();

    HeavyException(String message) {
      super(message);
    }
  }

  @Test
  void aMutatedCapturedArrayIsNotSeenByTheCaller() throws Exception {
    int[] seen = new int[1];
    try (Pool pool = Pool.on(new SerializingEngine(2))) {
      List<Integer> counts =
          pool.with(o -> o.withChunkSize(10))
              .map(
                  x -> {
                    seen[0]++;
                    return seen[0];
                  },
                  range(10));
      // One batch, one copy of the array: it counted every input; the caller's never moved.
      assertThat(counts).isEqualTo(IntStream.rangeClosed(1, 10).boxed().toList());
      assertThat(seen[0]).isZero();
    }
  }

  @Test
  void aCapturedAtomicIsRejectedWhenTheCallStarts() throws Exception {
    AtomicInteger counter = new AtomicInteger();
    CountingIterator input = CountingIterator.upTo(10);
    try (Pool pool = Pool.on(new SerializingEngine(2))) {
      assertThatThrownBy(() -> pool.map(x -> counter.incrementAndGet(), input))
          .isInstanceOfSatisfying(
              NotShippableException.class,
              e -> assertThat(e.capturedClass()).isEqualTo(AtomicInteger.class.getName()))
          .hasMessageContaining("atomic");
      assertThat(input.pulled()).isZero();
    }
  }

  @Test
  void theEngineRefusesABatchWhoseFunctionCapturesAnAtomicEvenWithoutThePoolsCheck()
      throws Exception {
    AtomicInteger counter = new AtomicInteger();
    SerializingEngine engine = new SerializingEngine(1);
    engine.start(Recorder.NONE);
    TaskFunction<Integer, Integer> fn = x -> counter.incrementAndGet();
    BatchResult result = run(engine, new Batch<>(1, 0, range(3), fn, false));
    assertThat(result.attempted()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(result.error(i)).isInstanceOf(NotShippableException.class);
    }
    assertThat(counter).hasValue(0);
    engine.shutdown();
    assertThat(engine.awaitTermination(Duration.ofSeconds(30))).isTrue();
  }

  @Test
  void aResultThatCannotBeSerializedFailsOnlyItsInput() throws Exception {
    try (Pool pool = Pool.on(new SerializingEngine(2))) {
      List<Outcome<Integer, Object>> outcomes =
          pool.with(o -> o.withChunkSize(5))
              .mapOutcomes(x -> x == 2 ? new Opaque() : (Object) x, range(5));
      assertThat(outcomes).hasSize(5);
      for (int i = 0; i < 5; i++) {
        if (i == 2) {
          assertThat(outcomes.get(i)).isInstanceOf(Outcome.Failure.class);
          Throwable error = ((Outcome.Failure<Integer, Object>) outcomes.get(i)).error();
          assertThat(error)
              .isInstanceOfSatisfying(
                  NotShippableException.class,
                  e -> assertThat(e.capturedClass()).isEqualTo(Opaque.class.getName()))
              .hasMessageContaining("the result of input #2")
              .hasMessageContaining(Opaque.class.getName());
        } else {
          assertThat(outcomes.get(i)).isEqualTo(new Outcome.Success<>(i, i, i));
        }
      }
    }
  }

  @Test
  void anInputThatCannotBeSerializedFailsOnlyThatInput() throws Exception {
    List<Object> inputs = List.of("a", new Opaque(), "c");
    try (Pool pool = Pool.on(new SerializingEngine(1))) {
      List<Outcome<Object, String>> outcomes =
          pool.with(o -> o.withChunkSize(3)).mapOutcomes(x -> "got " + x, inputs);
      assertThat(outcomes.get(0)).isEqualTo(new Outcome.Success<>(0, "a", "got a"));
      assertThat(outcomes.get(2)).isEqualTo(new Outcome.Success<>(2, "c", "got c"));
      assertThat(((Outcome.Failure<Object, String>) outcomes.get(1)).error())
          .isInstanceOf(NotShippableException.class)
          .hasMessageContaining("input #1")
          .hasMessageContaining(Opaque.class.getName());
    }
  }

  @Test
  void anErrorThatCannotBeSerializedIsReplacedByItsDescription() throws Exception {
    try (Pool pool = Pool.on(new SerializingEngine(1))) {
      List<Outcome<Integer, Integer>> outcomes =
          pool.mapOutcomes(
              x -> {
                if (x == 1) {
                  throw new HeavyException("too heavy");
                }
                return x;
              },
              range(3));
      assertThat(((Outcome.Failure<Integer, Integer>) outcomes.get(1)).error())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("input #1 failed with")
          .hasMessageContaining("too heavy");
      assertThat(outcomes.get(2)).isEqualTo(new Outcome.Success<>(2, 2, 2));
    }
  }

  @Test
  void aTaskPastItsDeadlineIsInterruptedAndFailsAsTimedOut() throws Exception {
    try (Pool pool = Pool.on(new SerializingEngine(2))) {
      List<Outcome<Integer, Integer>> outcomes =
          pool.with(o -> o.withChunkSize(3).withTaskTimeout(Duration.ofMillis(500)))
              .mapOutcomes(
                  x -> {
                    if (x == 1) {
                      Thread.sleep(RemotePoolConformance.FOREVER);
                    }
                    return x;
                  },
                  range(3));
      assertThat(outcomes.get(0)).isEqualTo(new Outcome.Success<>(0, 0, 0));
      assertThat(outcomes.get(2)).isEqualTo(new Outcome.Success<>(2, 2, 2));
      Throwable error = ((Outcome.Failure<Integer, Integer>) outcomes.get(1)).error();
      assertThat(error)
          .isInstanceOfSatisfying(
              TaskTimeoutException.class,
              e -> {
                assertThat(e.task()).isEqualTo("task #1");
                assertThat(e.limit()).isEqualTo(Duration.ofMillis(500));
              })
          .hasMessageStartingWith("task #1 timed out after");
      // The deadline's interrupt did not leak into the next task: input 2 succeeded above.
    }
  }

  @Test
  void aTaskThatIgnoresItsInterruptPastTheGracePeriodFailsSayingItDidNotStop() throws Exception {
    try (Pool pool = Pool.on(new SerializingEngine(1))) {
      List<Outcome<Integer, Integer>> outcomes =
          pool.with(o -> o.withTaskTimeout(Duration.ofMillis(100), Duration.ZERO))
              .mapOutcomes(
                  x -> {
                    // Runs 300 ms by its own clock whatever happens: 200 ms past limit and grace.
                    long end = System.nanoTime() + 300_000_000L;
                    while (System.nanoTime() - end < 0) {
                      try {
                        Thread.sleep(10);
                      } catch (InterruptedException ignored) {
                        // deliberately deaf
                      }
                    }
                    return x;
                  },
                  range(1));
      assertThat(((Outcome.Failure<Integer, Integer>) outcomes.getFirst()).error())
          .isInstanceOfSatisfying(
              TaskTimeoutException.class, e -> assertThat(e.taskStopped()).isFalse())
          .hasMessageContaining("ran on past its grace period");
      // Its interrupt did not outlive it: the next call's task is not interrupted.
      assertThat(
              pool.map(
                  x -> {
                    Thread.sleep(1);
                    return x;
                  },
                  range(3)))
          .containsExactly(0, 1, 2);
    }
  }

  @Test
  void cancelBeforeStartReportsCancelledAndCancelWhileRunningInterrupts() throws Exception {
    SerializingEngine engine = new SerializingEngine(1);
    engine.start(Recorder.NONE);
    FileFlag started = FileFlag.in(flags, "started");
    FileFlag interrupted = FileFlag.in(flags, "interrupted");
    TaskFunction<Integer, Integer> blocker =
        x -> {
          started.raise();
          RemotePoolConformance.sleepUntilInterrupted(interrupted);
          return x;
        };
    CompletableFuture<BatchResult> first = new CompletableFuture<>();
    CompletableFuture<BatchResult> second = new CompletableFuture<>();
    AtomicInteger callbacks = new AtomicInteger();
    BatchControl running =
        engine.execute(
            new Batch<>(1, 0, range(2), blocker, false),
            r -> {
              callbacks.incrementAndGet();
              first.complete(r);
            });
    BatchControl queued =
        engine.execute(
            new Batch<Integer, Integer>(2, 2, range(2), x -> x, false),
            r -> {
              callbacks.incrementAndGet();
              second.complete(r);
            });
    started.await(RemotePoolConformance.SIGN_OF_LIFE);
    queued.cancel();
    assertThat(second.get().attempted()).isZero();
    running.cancel();
    running.cancel(); // idempotent
    assertThat(first.get().attempted()).isZero();
    assertThat(interrupted.isRaised()).isTrue();
    engine.shutdown();
    assertThat(engine.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(engine.isTerminated()).isTrue();
    assertThat(callbacks).hasValue(2);
    assertThatThrownBy(() -> engine.execute(new Batch<>(3, 0, range(1), x -> x, false), r -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void executeBlocksWhileTheEngineIsFullAndThrowsWhenInterrupted() throws Exception {
    SerializingEngine engine = new SerializingEngine(1, 1);
    engine.start(Recorder.NONE);
    FileFlag started = FileFlag.in(flags, "started");
    TaskFunction<Integer, Integer> blocker =
        x -> {
          started.raise();
          RemotePoolConformance.sleepUntilInterrupted(null);
          return x;
        };
    AtomicInteger callbacks = new AtomicInteger();
    engine.execute(new Batch<>(1, 0, range(1), blocker, false), r -> callbacks.incrementAndGet());
    started.await(RemotePoolConformance.SIGN_OF_LIFE);
    engine.execute(
        new Batch<Integer, Integer>(2, 0, range(1), x -> x, false),
        r -> callbacks.incrementAndGet());
    CompletableFuture<Throwable> third = new CompletableFuture<>();
    Thread caller =
        Thread.ofPlatform()
            .start(() -> {
              try {
                engine.execute(
                    new Batch<Integer, Integer>(3, 0, range(1), x -> x, false),
                    r -> callbacks.incrementAndGet());
                third.complete(null);
              } catch (Throwable t) {
                third.complete(t);
              }
            });
    // The third batch finds no room: the caller waits until it is interrupted.
    caller.interrupt();
    assertThat(third.get()).isInstanceOf(InterruptedException.class);
    engine.shutdownNow();
    assertThat(engine.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(callbacks).hasValue(2); // the running one interrupted, the queued one cancelled
  }

  @Test
  void workersReportSerializationTimeAndTheHandoffIsMeasured() throws Exception {
    AtomicLong serializations = new AtomicLong();
    AtomicLong tasks = new AtomicLong();
    Recorder recorder =
        name ->
            new WorkerRecorder() {
              @Override
              public void batch(int n, int failed, long startNanos, long endNanos) {
                tasks.addAndGet(n);
              }

              @Override
              public void idle(long startNanos, long endNanos) {}

              @Override
              public void serialization(long startNanos, long endNanos) {
                assertThat(endNanos).isGreaterThanOrEqualTo(startNanos);
                serializations.incrementAndGet();
              }
            };
    SerializingEngine engine = new SerializingEngine(2);
    assertThat(engine.shipsWork()).isTrue();
    assertThat(engine.supportsWorkLoops()).isFalse();
    assertThat(engine.handoffNanos()).isEqualTo(SerializingEngine.INITIAL_HANDOFF_NANOS);
    engine.start(recorder);
    for (int b = 0; b < 50; b++) {
      BatchResult r = run(engine, new Batch<Integer, Integer>(b, 0, range(10), x -> x + 1, false));
      assertThat(r.values()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }
    engine.shutdown();
    assertThat(engine.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(tasks).hasValue(500);
    assertThat(serializations).hasValue(100); // out and back for each batch
    assertThat(engine.handoffNanos())
        .isPositive()
        .isNotEqualTo(SerializingEngine.INITIAL_HANDOFF_NANOS);
  }

  @Test
  void everyAcceptedBatchIsReportedExactlyOnceWhateverCancelsAndShutdownNowRace() throws Exception {
    int n = Modes.scale(2_000);
    SerializingEngine engine = new SerializingEngine(2, 64);
    engine.start(Recorder.NONE);
    AtomicIntegerArray calls = new AtomicIntegerArray(n);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    List<BatchControl> controls = new ArrayList<>();
    int accepted = 0;
    for (int b = 0; b < n; b++) {
      int id = b;
      try {
        controls.add(
            engine.execute(
                new Batch<Integer, Integer>(id, 0, range(3), x -> x * 2, false),
                r -> {
                  calls.incrementAndGet(id);
                  if (r.batchId() != id) {
                    wrong.add("batch " + id + " reported as " + r.batchId());
                  }
                  for (int i = 0; i < r.attempted(); i++) {
                    if (r.error(i) != null || !Integer.valueOf(2 * i).equals(r.values()[i])) {
                      wrong.add("batch " + id + " input " + i + ": " + r.values()[i]);
                    }
                  }
                }));
        accepted++;
      } catch (RejectedExecutionException e) {
        break; // shut down below, from the middle of the run
      }
      if (b % 3 == 0) {
        controls.get(b / 2).cancel(); // some queued, some running, some done
      }
      if (b == n / 2) {
        Thread.ofPlatform().start(engine::shutdownNow);
      }
    }
    assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
    assertThat(wrong).isEmpty();
    for (int b = 0; b < accepted; b++) {
      assertThat(calls.get(b)).as("callbacks of batch %d", b).isEqualTo(1);
    }
    for (int b = accepted; b < n; b++) {
      assertThat(calls.get(b)).as("callbacks of rejected batch %d", b).isZero();
    }
  }

  private static BatchResult run(SerializingEngine engine, Batch<?, ?> batch) throws Exception {
    CompletableFuture<BatchResult> done = new CompletableFuture<>();
    engine.execute(batch, done::complete);
    return done.get();
  }
}
