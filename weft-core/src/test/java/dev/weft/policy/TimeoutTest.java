package dev.weft.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Timeout on real time, but asserting no elapsed time: tasks block on latches that are never
 * released, and the tests check the exception, the interrupt, and that the task stopped.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeoutTest {
  private static final Duration SHORT = Duration.ofMillis(50);
  private static final Duration LONG = Duration.ofMinutes(5);

  @Test
  void aTaskBlockedOnALatchIsInterruptedAndTheExceptionNamesItAndTheLimit() {
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Throwable t =
        catchThrowable(() ->
            Timeout.of(SHORT)
                .call(
                    "fetch user 42",
                    () -> {
                      try {
                        never.await();
                        return "unreachable";
                      } catch (InterruptedException e) {
                        interrupted.set(true);
                        throw e;
                      } finally {
                        stopped.countDown();
                      }
                    }));
    assertThat(t).isInstanceOf(TimeoutException.class).isInstanceOf(TaskTimeoutException.class);
    TaskTimeoutException e = (TaskTimeoutException) t;
    assertThat(e.getMessage())
        .startsWith("fetch user 42 timed out after 50 ms")
        .contains("it stopped");
    assertThat(e.task()).isEqualTo("fetch user 42");
    assertThat(e.limit()).isEqualTo(SHORT);
    assertThat(e.taskStopped()).isTrue();
    assertThat(e.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
    assertThat(interrupted).isTrue();
    assertThat(stopped.getCount()).as("the task had stopped when call threw").isZero();
  }

  @Test
  void aTaskThatFinishesInTimeReturnsItsValue() throws Exception {
    assertThat(Timeout.of(LONG).call(() -> 6 * 7)).isEqualTo(42);
  }

  @Test
  void whatATaskThrowsInTimePropagatesUnchanged() {
    IOException boom = new IOException("boom");
    assertThatThrownBy(() ->
            Timeout.of(LONG)
                .call(() -> {
                  throw boom;
                }))
        .isSameAs(boom);
    AssertionError bug = new AssertionError("bug");
    assertThatThrownBy(() ->
            Timeout.of(LONG)
                .call(() -> {
                  throw bug;
                }))
        .isSameAs(bug);
  }

  @Test
  void aWrappedFunctionNamesTheInputElement() {
    CountDownLatch never = new CountDownLatch(1);
    Throwable t =
        catchThrowable(() ->
            Timeout.of(SHORT)
                .wrap((String s) -> {
                  never.await();
                  return s;
                })
                .apply("slow.example.com"));
    assertThat(t)
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessageStartingWith("task on input \"slow.example.com\" timed out after 50 ms");
  }

  @Test
  void aTaskThatIgnoresTheInterruptIsReportedAsStillRunning() throws Exception {
    AtomicBoolean release = new AtomicBoolean();
    AtomicReference<Thread> taskThread = new AtomicReference<>();
    Throwable t =
        catchThrowable(() ->
            Timeout.of(SHORT)
                .withGracePeriod(Duration.ofMillis(20))
                .call(
                    "stubborn loop",
                    () -> {
                      taskThread.set(Thread.currentThread());
                      while (!release.get()) {
                        Thread.onSpinWait(); // never looks at its interrupt status
                      }
                      return null;
                    }));
    assertThat(t).isInstanceOf(TaskTimeoutException.class);
    TaskTimeoutException e = (TaskTimeoutException) t;
    assertThat(e.taskStopped()).isFalse();
    assertThat(e.getMessage())
        .contains("stubborn loop")
        .contains("ignored the interrupt and was still running 20 ms later");
    assertThat(taskThread.get().isAlive()).isTrue();
    assertThat(taskThread.get().isInterrupted()).isTrue();
    release.set(true);
    taskThread.get().join();
  }

  @Test
  void anInterruptedCallerInterruptsTheTaskAndWaitsForItToStop() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean taskInterrupted = new AtomicBoolean();
    CountDownLatch taskStopped = new CountDownLatch(1);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    AtomicReference<Long> stoppedCountSeenByCaller = new AtomicReference<>();
    Thread caller =
        Thread.ofPlatform()
            .start(() -> {
              outcome.set(
                  catchThrowable(() ->
                      Timeout.of(LONG)
                          .call(() -> {
                            started.countDown();
                            try {
                              return never.await(1, TimeUnit.DAYS);
                            } catch (InterruptedException e) {
                              taskInterrupted.set(true);
                              throw e;
                            } finally {
                              taskStopped.countDown();
                            }
                          })));
              stoppedCountSeenByCaller.set(taskStopped.getCount());
            });
    started.await();
    caller.interrupt();
    caller.join();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(taskInterrupted).isTrue();
    assertThat(stoppedCountSeenByCaller.get()).isZero();
  }

  @Test
  void anInterruptedCallerDoesNotStartTheTask() {
    AtomicBoolean ran = new AtomicBoolean();
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> Timeout.of(LONG).call(() -> ran.getAndSet(true)))
        .isInstanceOf(InterruptedException.class);
    assertThat(ran).isFalse();
  }

  @Test
  void invalidLimitsAreRejected() {
    assertThatThrownBy(() -> Timeout.of(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Timeout.of(LONG).withGracePeriod(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Timeout.of(LONG).gracePeriod()).isEqualTo(Duration.ofMillis(250));
  }
}
