package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * A subtask that ignores its interrupt is waited for but reported, and the scope's deadline and
 * grace period run on the injected clock: every step here is decided by advancing virtual time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class ScopeGracePeriodTest {
  private static final Duration GRACE = Duration.ofSeconds(5);

  private record Report(String message, Throwable whereStuck) {}

  /** A subtask that swallows interrupts until released: what close() must not wait for silently. */
  private static String ignoreInterruptsUntil(CountDownLatch release, CountDownLatch interrupted) {
    while (true) {
      try {
        release.await();
        return "released";
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    }
  }

  @Test
  void closeReportsASubtaskThatIgnoresItsInterruptWithBackoffAndKeepsWaiting() throws Exception {
    ManualTimeSource clock = new ManualTimeSource();
    BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
    Scope scope =
        Scope.create(
            false,
            Scope.defaults().withName("stuck").withGracePeriod(GRACE).withTimeSource(clock),
            (message, where) -> reports.add(new Report(message, where)));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Subtask<String> stubborn = scope.fork(() -> ignoreInterruptsUntil(release, interrupted));
    Thread closer = Thread.ofPlatform().start(scope::close);
    interrupted.await();
    clock.awaitSleepsStarted(1); // the watchdog waits out the grace period

    clock.advance(GRACE.minusNanos(1));
    assertThat(reports).as("nothing reported within the grace period").isEmpty();
    clock.advance(Duration.ofNanos(1));
    Report first = reports.take();
    assertThat(first.message())
        .contains("scope 'stuck'", "subtask #0", "weft-scope-stuck-0", "ignored its interrupt")
        .contains(GRACE.toString());
    assertThat(Arrays.stream(first.whereStuck().getStackTrace()))
        .as("the report shows where the subtask is stuck")
        .anyMatch(f -> f.getMethodName().equals("ignoreInterruptsUntil"));
    assertThat(closer.isAlive()).as("close keeps waiting").isTrue();

    clock.awaitSleepsStarted(2); // backoff: the next report comes after twice the interval
    clock.advance(GRACE.multipliedBy(2).minusNanos(1));
    assertThat(reports).isEmpty();
    clock.advance(Duration.ofNanos(1));
    assertThat(reports.take().message()).contains(GRACE.multipliedBy(3).toString());

    release.countDown();
    closer.join();
    assertThat(stubborn.get()).isEqualTo("released");
    assertThat(clock.sleeping()).as("close stopped the watchdog").isZero();
    assertThat(reports).isEmpty();
  }

  @Test
  void aSubtaskThatStopsWithinTheGracePeriodIsNotReported() throws Exception {
    ManualTimeSource clock = new ManualTimeSource();
    AtomicInteger reports = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    Scope scope =
        Scope.create(
            true,
            Scope.defaults().withGracePeriod(GRACE).withTimeSource(clock),
            (message, where) -> reports.incrementAndGet());
    scope.fork(() -> {
      started.countDown();
      new CountDownLatch(1).await();
      return null;
    });
    started.await();
    scope.close();
    assertThat(clock.sleeping()).isZero();
    assertThat(reports).hasValue(0);
  }

  @Test
  void theDeadlineRunsOnTheInjectedClock() throws Exception {
    ManualTimeSource clock = new ManualTimeSource();
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    try (Scope scope =
        Scope.open(
            c -> c.withName("virtual").withDeadline(Duration.ofHours(1)).withTimeSource(clock))) {
      Subtask<Object> slow =
          scope.fork(() -> {
            started.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              interrupted.incrementAndGet();
              throw e;
            }
            return null;
          });
      started.await();
      clock.awaitSleepsStarted(1); // the deadline timer
      clock.advance(Duration.ofHours(1).minusNanos(1));
      assertThat(slow.state()).isEqualTo(Subtask.State.RUNNING);
      clock.advance(Duration.ofNanos(1));
      assertThatThrownBy(scope::join)
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessageContaining("'virtual'")
          .hasMessageContaining("1 subtask");
      assertThat(slow.state()).isEqualTo(Subtask.State.CANCELLED);
      assertThat(interrupted).hasValue(1);
      Subtask<String> late = scope.fork(() -> "late");
      assertThat(late.state()).isEqualTo(Subtask.State.CANCELLED);
      assertThatThrownBy(scope::join).isInstanceOf(DeadlineExceededException.class);
    }
    assertThat(clock.sleeping()).as("close stopped the deadline timer").isZero();
  }

  @Test
  void aForkJustBeforeTheDeadlineRunsAndJoinsNormally() throws Exception {
    ManualTimeSource clock = new ManualTimeSource();
    try (Scope scope =
        Scope.open(c -> c.withDeadline(Duration.ofSeconds(10)).withTimeSource(clock))) {
      clock.advance(Duration.ofSeconds(10).minusNanos(1));
      Subtask<String> inTime = scope.fork(() -> "in time");
      scope.join();
      assertThat(inTime.get()).isEqualTo("in time");
    }
  }
}
