package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every blocking method of {@link Records}, interrupted while its run waits on workers stuck in a
 * slow filter, throws {@link InterruptedException} (as documented) with the interrupt status
 * cleared, and its work stops: the stuck workers are interrupted and no other chunk is read.
 */
@Timeout(60)
class InterruptTest {
  static final int WORKERS = 2;
  static Pool pool;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pool = Pool.cpu(WORKERS);
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  @FunctionalInterface
  interface Call {
    Object run(Records records, Pool pool) throws InterruptedException;
  }

  static Stream<Arguments> blockingMethods() {
    Fold<Long> sum = Fold.of(() -> 0L, (n, r) -> n + 1, Long::sum);
    return Stream.of(
        Arguments.of("count", (Call) Records::count),
        Arguments.of("stats(field)", (Call) (r, p) -> r.stats(p, 1)),
        Arguments.of("stats(value)", (Call) (r, p) -> r.stats(p, row -> row.parseDouble(1))),
        Arguments.of("statsBy", (Call) (r, p) -> r.statsBy(p, 0, 1)),
        Arguments.of("countBy", (Call) (r, p) -> r.countBy(p, 0)),
        Arguments.of("fold", (Call) (r, p) -> r.fold(p, sum)),
        Arguments.of("foldBy", (Call) (r, p) -> r.foldBy(p, 0, sum)));
  }

  Path manyChunks() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lines.add("k" + (i % 3) + "," + i);
    }
    return Files.write(dir.resolve("lines.csv"), lines);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("blockingMethods")
  void anInterruptedRunThrowsInterruptedExceptionAndStops(String name, Call call) throws Exception {
    CountDownLatch stuck = new CountDownLatch(WORKERS);
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger tested = new AtomicInteger();
    AtomicInteger passed = new AtomicInteger();
    CountDownLatch workersInterrupted = new CountDownLatch(WORKERS);
    Records records =
        Records.csv(manyChunks())
            .fieldCount(2)
            .chunkSize(1) // one chunk per line: 200 chunks, nearly all still to read
            .filter(row -> {
              tested.incrementAndGet();
              stuck.countDown();
              try {
                never.await();
              } catch (InterruptedException e) {
                workersInterrupted.countDown();
                throw e;
              }
              passed.incrementAndGet();
              return true;
            });
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> statusAfter = new AtomicReference<>();
    Thread caller =
        Thread.ofPlatform()
            .start(() -> {
              try {
                call.run(records, pool);
              } catch (Throwable t) {
                thrown.set(t);
              }
              statusAfter.set(Thread.currentThread().isInterrupted());
            });
    assertThat(stuck.await(30, TimeUnit.SECONDS)).as("both workers stuck").isTrue();
    caller.interrupt();
    caller.join();

    assertThat(thrown.get()).as(name).isInstanceOf(InterruptedException.class);
    assertThat(statusAfter.get()).as("interrupt status after the throw").isFalse();
    assertThat(workersInterrupted.await(30, TimeUnit.SECONDS)).as("stuck workers").isTrue();
    // The pool runs other work now, so chunks left running would have had workers to run on.
    Path small = Files.write(dir.resolve("small.csv"), List.of("a,1", "b,2", "c,3", "d,4"));
    assertThat(Records.csv(small).chunkSize(1).count(pool).value()).isEqualTo(4);
    // A chunk a worker took just as the run was cancelled may start, and is interrupted at once;
    // beyond the run's window (twice the workers) no chunk of the 200 was ever handed out.
    assertThat(tested.get()).as("records that reached the filter").isLessThanOrEqualTo(2 * WORKERS);
    assertThat(passed.get()).as("records that passed the filter").isZero();
  }

  @Test
  void anAlreadyInterruptedThreadThrowsWithoutReading() throws Exception {
    AtomicInteger tested = new AtomicInteger();
    Records records =
        Records.csv(manyChunks())
            .filter(row -> {
              tested.incrementAndGet();
              return true;
            });
    Thread.currentThread().interrupt();
    try {
      records.count(pool);
      throw new AssertionError("no InterruptedException");
    } catch (InterruptedException expected) {
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    } finally {
      Thread.interrupted();
    }
    assertThat(tested.get()).isZero();
  }
}
