package dev.weft.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Policies nest outermost first; the events they cause are recorded and compared in order. */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompositionTest {
  private final FakeTime time = new FakeTime();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private Retry retryThrice() {
    return Retry.attempts(3)
        .withBackoff(Duration.ZERO, Duration.ZERO)
        .withTimeSource(time)
        .withListener(a -> events.add("retry#" + a.number() + (a.failed() ? " failed" : " ok")));
  }

  private RateLimiter tenPerSecond() {
    return RateLimiter.perSecond(10).withTimeSource(time);
  }

  private String failTwice(AtomicInteger calls) throws IOException {
    events.add("task@" + time.elapsed().toMillis());
    if (calls.incrementAndGet() < 3) {
      throw new IOException("flaky");
    }
    return "done";
  }

  @Test
  void aRateLimiterInsideARetryTakesAPermitForEachAttempt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Policy policy = Policy.compose(retryThrice(), tenPerSecond());
    assertThat(policy.call(() -> failTwice(calls))).isEqualTo("done");
    assertThat(events)
        .containsExactly(
            "task@0", "retry#1 failed", "task@100", "retry#2 failed", "task@200", "retry#3 ok");
  }

  @Test
  void aRateLimiterOutsideARetryTakesOnePermitForAllAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Policy policy = tenPerSecond().around(retryThrice());
    assertThat(policy.call(() -> failTwice(calls))).isEqualTo("done");
    assertThat(events)
        .containsExactly(
            "task@0", "retry#1 failed", "task@0", "retry#2 failed", "task@0", "retry#3 ok");
  }

  @Test
  void aroundAndComposeNestTheSameWay() throws Exception {
    Retry retry = retryThrice();
    Limiter limiter = Limiter.of(1);
    RateLimiter rate = tenPerSecond();
    Policy chained = retry.around(limiter).around(rate);
    Policy composed = Policy.compose(retry, Policy.compose(limiter, rate));
    assertThat(((ComposedPolicy) chained).policies()).containsExactly(retry, limiter, rate);
    assertThat(((ComposedPolicy) composed).policies()).containsExactly(retry, limiter, rate);
    assertThat(chained.call(() -> limiter.running())).isEqualTo(1);
    assertThat(Policy.compose().call(() -> "as is")).isEqualTo("as is");
  }

  @Test
  void aTimeoutInsideARetryGivesEachAttemptItsOwnLimit() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean firstInterrupted = new AtomicBoolean();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    Policy policy =
        Retry.attempts(3)
            .withBackoff(Duration.ZERO, Duration.ZERO)
            .withListener(a -> failures.add(a.failure()))
            .around(Timeout.of(Duration.ofMillis(50)));
    String r =
        policy.call(
            "lookup",
            () -> {
              if (calls.incrementAndGet() == 1) {
                try {
                  never.await();
                } catch (InterruptedException e) {
                  firstInterrupted.set(true);
                  throw e;
                }
              }
              return "second attempt";
            });
    assertThat(r).isEqualTo("second attempt");
    assertThat(calls).hasValue(2);
    assertThat(firstInterrupted).isTrue();
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0))
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessageStartingWith("lookup timed out");
    assertThat(failures.get(1)).isNull();
  }

  @Test
  void aTimeoutOutsideARetryBoundsAllTheAttemptsAndStopsTheRetrysSleep() {
    AtomicInteger calls = new AtomicInteger();
    Policy policy =
        Timeout.of(Duration.ofMillis(50))
            .around(Retry.attempts(5).withBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1)));
    Throwable t =
        catchThrowable(() ->
            policy.call(
                "sync",
                () -> {
                  calls.incrementAndGet();
                  throw new IOException("down");
                }));
    assertThat(t).isInstanceOf(TaskTimeoutException.class);
    assertThat(((TaskTimeoutException) t).taskStopped()).isTrue();
    assertThat(t.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
    assertThat(calls.get()).isLessThan(5);
  }

  @Test
  void aCancelledCallerStopsEveryLayer() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean taskInterrupted = new AtomicBoolean();
    Policy policy =
        Policy.compose(
            Retry.attempts(5).withBackoff(Duration.ZERO, Duration.ZERO),
            Timeout.of(Duration.ofMinutes(5)),
            RateLimiter.perSecond(1_000),
            Limiter.of(2));
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread caller =
        Thread.ofPlatform()
            .start(() ->
                outcome.set(
                    catchThrowable(() ->
                        policy.call(() -> {
                          calls.incrementAndGet();
                          started.countDown();
                          try {
                            return never.await(1, TimeUnit.DAYS);
                          } catch (InterruptedException e) {
                            taskInterrupted.set(true);
                            throw e;
                          }
                        }))));
    started.await();
    caller.interrupt();
    caller.join();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(taskInterrupted).isTrue();
    assertThat(calls).as("no further attempt after the cancel").hasValue(1);
  }
}
