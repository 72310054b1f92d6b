package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.NotShippableException;
import dev.weft.Pool;
import dev.weft.TaskFailedException;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchResult;
import dev.weft.spi.Recorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starting, recycling, idling and stopping workers; the engine's own contract. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleTest {
  @TempDir Path dir;

  @AfterEach
  void noWorkerLeftBehind() throws InterruptedException {
    // Each test closes what it opened; give killed processes a moment to be reaped.
    for (long pid : Signals.workerDescendants()) {
      Signals.awaitGone(pid);
    }
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void poolProcessesFindsTheEngineThroughTheServiceLoader() throws Exception {
    try (Pool pool = Pool.processes(2)) {
      assertThat(pool.parallelism()).isEqualTo(2);
      assertThat(pool.map(i -> ProcessWorker.inWorker(), range(3))).containsOnly(true);
    }
  }

  @Test
  void aFunctionCapturingLiveStateIsRefusedAtTheStart() throws Exception {
    Object lock = new java.util.concurrent.locks.ReentrantLock();
    try (Pool pool = Pool.processes(1)) {
      assertThatThrownBy(() -> pool.map(i -> i + lock.hashCode(), range(3)))
          .isInstanceOf(NotShippableException.class);
      assertThat(pool.map(i -> i, range(3))).isEqualTo(range(3));
    }
  }

  @Test
  void closeLeavesNoWorkerProcess() throws Exception {
    ProcessEngine engine = ProcessEngine.create(ProcessOptions.workers(2).withEagerStart(true));
    List<Long> pids;
    try (Pool pool = Pool.on(engine)) {
      while (engine.workerPids().size() < 2) { // eager: both start without work
        Thread.sleep(10);
      }
      assertThat(pool.map(i -> i, range(100))).isEqualTo(range(100));
      pids = engine.workerPids();
      assertThat(pids).hasSize(2);
    }
    assertThat(engine.isTerminated()).isTrue();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    assertThat(Signals.workerDescendants()).isEmpty();
  }

  @Test
  void shutdownNowCancelsQueuedBatchesAndInterruptsRunningOnes() throws Exception {
    ProcessEngine engine = ProcessEngine.create(1);
    engine.start(Recorder.NONE);
    String started = dir.resolve("started").toString();
    Map<Long, List<BatchResult>> results = new ConcurrentHashMap<>();
    for (long id = 1; id <= 4; id++) {
      Batch<Integer, Integer> b =
          new Batch<>(
              id,
              0,
              List.of(1, 2, 3),
              i -> {
                if (i == 2) {
                  Signals.write(Path.of(started), "yes");
                  Thread.sleep(600_000);
                }
                return i;
              },
              false);
      engine.execute(b, r -> results.computeIfAbsent(r.batchId(), k -> new ArrayList<>()).add(r));
    }
    Signals.await(Path.of(started));
    engine.shutdownNow();
    assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
    assertThat(results).hasSize(4);
    for (List<BatchResult> r : results.values()) {
      assertThat(r).hasSize(1); // exactly once
    }
    BatchResult first = results.get(1L).getFirst();
    assertThat(first.attempted()).isEqualTo(1); // input 1 ran; 2 was interrupted, 3 never ran
    for (long id = 2; id <= 4; id++) {
      assertThat(results.get(id).getFirst().attempted()).isZero();
    }
    assertThat(Signals.workerDescendants()).isEmpty();
    assertThatThrownBy(() -> engine.execute(new Batch<>(9, 0, List.of(1), i -> i, false), r -> {}))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
  }

  @Test
  void shutdownNowKillsAWorkerWhoseTaskIgnoresTheInterrupt() throws Exception {
    ProcessEngine engine = ProcessEngine.create(1);
    engine.start(Recorder.NONE);
    String started = dir.resolve("spinning").toString();
    List<BatchResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
    engine.execute(
        new Batch<Integer, Integer>(
            1,
            0,
            List.of(1),
            i -> {
              Signals.write(Path.of(started), "" + ProcessHandle.current().pid());
              while (true) {
                Thread.interrupted(); // deaf
              }
            },
            false),
        results::add);
    long pid = Long.parseLong(Signals.await(Path.of(started)));
    engine.shutdownNow();
    assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(results).hasSize(1);
    assertThat(results.getFirst().attempted()).isZero();
  }

  @Test
  void shutdownNowEndsAWorkerThatWasStoppedWithSigstop() throws Exception {
    ProcessEngine engine = ProcessEngine.create(1);
    engine.start(Recorder.NONE);
    String started = dir.resolve("sleeping").toString();
    List<BatchResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
    engine.execute(
        new Batch<Integer, Integer>(
            1,
            0,
            List.of(1, 2),
            i -> {
              Signals.write(Path.of(started), "" + ProcessHandle.current().pid());
              Thread.sleep(600_000);
              return i;
            },
            false),
        results::add);
    long pid = Long.parseLong(Signals.await(Path.of(started)));
    new ProcessBuilder("kill", "-STOP", "" + pid).inheritIO().start().waitFor();
    engine.shutdownNow(); // the worker cannot see the cancel: it is killed after the grace
    assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(results).hasSize(1);
    assertThat(results.getFirst().attempted()).isZero();
  }

  @Test
  void shutdownLetsAcceptedBatchesFinish() throws Exception {
    ProcessEngine engine = ProcessEngine.create(2);
    engine.start(Recorder.NONE);
    Map<Long, BatchResult> results = new ConcurrentHashMap<>();
    for (long id = 1; id <= 10; id++) {
      engine.execute(
          new Batch<Integer, Integer>(id, 0, range(50), i -> i * 2, false),
          r -> results.put(r.batchId(), r));
    }
    engine.shutdown();
    assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
    assertThat(results).hasSize(10);
    for (BatchResult r : results.values()) {
      assertThat(r.attempted()).isEqualTo(50);
      assertThat(r.values()[49]).isEqualTo(98);
    }
  }

  @Test
  void executeBlocksWhenFullAndAnInterruptEndsTheWait() throws Exception {
    ProcessEngine engine = ProcessEngine.create(1);
    engine.start(Recorder.NONE);
    try {
      // Fill the engine's room with batches that never end.
      int accepted = 0;
      AtomicReference<Throwable> outcome = new AtomicReference<>();
      Thread filler =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  for (long id = 1; ; id++) {
                    engine.execute(
                        new Batch<Integer, Integer>(
                            id,
                            0,
                            List.of(1),
                            i -> {
                              Thread.sleep(600_000);
                              return i;
                            },
                            false),
                        r -> {});
                  }
                } catch (Throwable t) {
                  outcome.set(t);
                }
              });
      // It blocks once the room is full: wait until it parks in execute, then interrupt it.
      while (filler.getState() != Thread.State.WAITING) {
        Thread.sleep(10);
      }
      filler.interrupt();
      filler.join();
      assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
      assertThat(accepted).isZero();
    } finally {
      engine.shutdownNow();
      assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
    }
  }

  @Test
  void workersAreRecycledAfterMaxTasks() throws Exception {
    try (Pool pool =
        Pool.on(ProcessEngine.create(ProcessOptions.workers(1).withMaxTasksPerWorker(10)))) {
      List<Long> pids =
          pool.with(o -> o.withChunkSize(5)).map(i -> ProcessHandle.current().pid(), range(100));
      Set<Long> distinct = new HashSet<>(pids);
      assertThat(distinct.size()).isGreaterThanOrEqualTo(100 / (10 + Supervisor_PIPELINE * 5));
      for (long pid : distinct) {
        assertThat(pids.stream().filter(p -> p == pid).count())
            .isLessThanOrEqualTo(10 + Supervisor_PIPELINE * 5);
      }
    }
  }

  private static final int Supervisor_PIPELINE = 2;

  @Test
  void idleWorkersExitAndComeBackWithWork() throws Exception {
    ProcessEngine engine =
        ProcessEngine.create(ProcessOptions.workers(1).withIdleTimeout(Duration.ofMillis(200)));
    try (Pool pool = Pool.on(engine)) {
      long first = pool.map(i -> ProcessHandle.current().pid(), List.of(1)).getFirst();
      Signals.awaitGone(first);
      while (!engine.workerPids().isEmpty()) {
        Thread.sleep(10);
      }
      long second = pool.map(i -> ProcessHandle.current().pid(), List.of(1)).getFirst();
      assertThat(second).isNotEqualTo(first);
      assertThat(pool.map(i -> i * 3, range(20)))
          .isEqualTo(range(20).stream().map(i -> i * 3).toList());
    }
  }

  @Test
  void aWorkerThatCannotStartFailsTheCallClearly() throws Exception {
    try (Pool pool =
        Pool.on(
            ProcessEngine.create(
                ProcessOptions.workers(1).withJvmOptions("-XX:+NoSuchWeftOption")))) {
      assertThatThrownBy(() -> pool.map(i -> i, range(3)))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .hasMessageContaining("could not start")
          .hasMessageContaining("exited with code 1")
          .hasMessageContaining("NoSuchWeftOption");
    }
  }

  @Test
  void aWorkerThatNeverConnectsIsKilledAndTheCallFails() throws Exception {
    System.setProperty("weft.process.connectTimeoutMillis", "1500");
    try (Pool pool =
        Pool.on(
            ProcessEngine.create(
                ProcessOptions.workers(1)
                    .withJvmOptions(
                        "-XX:+UnlockDiagnosticVMOptions",
                        "-XX:+PauseAtStartup",
                        "-XX:PauseAtStartupFile=" + dir.resolve("paused"))))) {
      assertThatThrownBy(() -> pool.map(i -> i, range(3)))
          .isInstanceOf(TaskFailedException.class)
          .cause()
          .hasMessageContaining("could not start")
          .hasMessageContaining("did not connect within 1500 ms and was killed");
    } finally {
      System.clearProperty("weft.process.connectTimeoutMillis");
    }
  }
}
