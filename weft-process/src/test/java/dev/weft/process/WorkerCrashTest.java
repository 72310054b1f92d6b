package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Outcome;
import dev.weft.Pool;
import dev.weft.WorkerLostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Workers that die under their tasks, with real processes and real signals. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerCrashTest {
  @TempDir Path dir;

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void aWorkerKilledMidTaskIsReplacedAndItsTasksRunElsewhere() throws Exception {
    String marker = dir.resolve("pid-50").toString();
    try (Pool pool = Pool.on(ProcessEngine.create(2))) {
      CompletableFuture<List<Integer>> call =
          CompletableFuture.supplyAsync(() -> {
            try {
              return pool.map(
                  i -> {
                    if (i == 50 && Signals.claim(Path.of(marker + ".claimed"))) {
                      Signals.write(Path.of(marker), "" + ProcessHandle.current().pid());
                      Thread.sleep(120_000); // until killed
                    }
                    return i * 2;
                  },
                  range(200));
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          });
      long victim = Long.parseLong(Signals.await(Path.of(marker)));
      Signals.kill9(victim);
      assertThat(call.get(60, TimeUnit.SECONDS))
          .isEqualTo(range(200).stream().map(i -> i * 2).toList());
      Signals.awaitGone(victim);
      // The pool goes on working, on a replacement.
      assertThat(pool.map(i -> i + 1, range(10)))
          .isEqualTo(range(10).stream().map(i -> i + 1).toList());
    }
  }

  @Test
  void aTaskThatHaltsItsWorkerIsQuarantinedAfterMaxAttempts() throws Exception {
    String runs = dir.toString();
    try (Pool pool = Pool.on(ProcessEngine.create(ProcessOptions.workers(2)))) {
      List<Outcome<Integer, Integer>> out =
          pool.mapOutcomes(
              i -> {
                if (i == 7) {
                  Files.createFile(Path.of(runs, "ran-7-" + System.nanoTime()));
                  Runtime.getRuntime().halt(1);
                }
                return i * 10;
              },
              range(40));
      for (Outcome<Integer, Integer> o : out) {
        if (o.index() == 7) {
          assertThat(o).isInstanceOf(Outcome.Failure.class);
          Throwable e = ((Outcome.Failure<Integer, Integer>) o).error();
          assertThat(e).isInstanceOf(WorkerLostException.class);
          WorkerLostException lost = (WorkerLostException) e;
          assertThat(lost.exitCode()).isEqualTo(1);
          assertThat(lost.signal()).isNull();
          assertThat(lost.attempts()).isEqualTo(ProcessOptions.DEFAULT_MAX_ATTEMPTS);
          assertThat(lost.worker()).startsWith("weft-proc-");
          assertThat(lost.pid()).isPositive();
          assertThat(((Outcome.Failure<Integer, Integer>) o).workerLost()).isTrue();
        } else {
          assertThat(o)
              .isEqualTo(new Outcome.Success<>(o.index(), (int) o.index(), (int) o.index() * 10));
        }
      }
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.filter(f -> f.getFileName().toString().startsWith("ran-7-")).count())
            .isEqualTo(ProcessOptions.DEFAULT_MAX_ATTEMPTS);
      }
      assertThat(pool.map(i -> i, range(5))).isEqualTo(range(5));
    }
  }

  @Test
  void aTaskThatKillsItsOwnWorkerWithSigkillIsReportedAsSuch() throws Exception {
    try (Pool pool = Pool.on(ProcessEngine.create(ProcessOptions.workers(1).withMaxAttempts(2)))) {
      List<Outcome<Integer, Integer>> out =
          pool.mapOutcomes(
              i -> {
                if (i == 2) {
                  new ProcessBuilder("kill", "-9", "" + ProcessHandle.current().pid())
                      .start()
                      .waitFor();
                  Thread.sleep(60_000);
                }
                return i;
              },
              range(5));
      Throwable e = ((Outcome.Failure<Integer, Integer>) out.get(2)).error();
      assertThat(e).isInstanceOf(WorkerLostException.class);
      assertThat(((WorkerLostException) e).signal()).isEqualTo("SIGKILL");
      assertThat(((WorkerLostException) e).exitCode()).isEqualTo(137);
      assertThat(e.getMessage()).contains("SIGKILL").contains("2 times");
      assertThat(out.stream().filter(o -> o instanceof Outcome.Success).count()).isEqualTo(4);
    }
  }

  @Test
  void outOfMemoryInATaskFailsThatTaskWithAHintAndReplacesTheWorker() throws Exception {
    try (Pool pool = Pool.on(ProcessEngine.create(ProcessOptions.workers(1).withHeap("48m")))) {
      long before = pool.map(i -> ProcessHandle.current().pid(), List.of(0)).getFirst();
      List<Outcome<Integer, Integer>> out =
          pool.with(o -> o.withChunkSize(3))
              .mapOutcomes(
                  i -> {
                    if (i == 1) {
                      List<long[]> hog = new java.util.ArrayList<>();
                      while (true) {
                        hog.add(new long[1 << 20]);
                      }
                    }
                    return i;
                  },
                  range(3));
      Throwable e = ((Outcome.Failure<Integer, Integer>) out.get(1)).error();
      assertThat(e).isInstanceOf(OutOfMemoryError.class);
      assertThat(e.getMessage()).contains("Java heap space").contains("withHeap");
      assertThat(out.get(0)).isInstanceOf(Outcome.Success.class);
      assertThat(out.get(2)).isInstanceOf(Outcome.Success.class);
      long after = pool.map(i -> ProcessHandle.current().pid(), List.of(0)).getFirst();
      assertThat(after).isNotEqualTo(before);
    }
  }

  @Test
  void stackOverflowInATaskFailsThatTask() throws Exception {
    try (Pool pool = Pool.on(ProcessEngine.create(1))) {
      List<Outcome<Integer, Integer>> out = pool.mapOutcomes(i -> i == 0 ? deep(i) : i, range(2));
      Throwable e = ((Outcome.Failure<Integer, Integer>) out.get(0)).error();
      assertThat(e).isInstanceOf(StackOverflowError.class);
      assertThat(e.getMessage()).contains("weft-proc-").contains("-Xss");
      assertThat(out.get(1)).isEqualTo(new Outcome.Success<>(1, 1, 1));
    }
  }

  private static int deep(int n) {
    return deep(n + 1) + 1;
  }
}
