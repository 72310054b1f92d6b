package dev.weft.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retry on virtual time: every delay is asserted exactly, and nothing really sleeps. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryTest {
  private final FakeTime time = new FakeTime();

  /** Jitter that always draws the largest delay allowed, so that delays equal their caps. */
  private static final RandomGenerator ALWAYS_MAX =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
          return bound - 1;
        }
      };

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private Retry retry(int attempts) {
    return Retry.attempts(attempts)
        .withBackoff(ms(100), ms(1_000))
        .withTimeSource(time)
        .withRandom(ALWAYS_MAX);
  }

  @Test
  void delayCapsDoubleFromTheBaseUpToTheMaximum() throws Exception {
    Retry retry = retry(7);
    assertThatThrownBy(() ->
            retry.call(() -> {
              throw new IOException("down");
            }))
        .isInstanceOf(RetriesExhaustedException.class);
    assertThat(time.sleeps())
        .containsExactly(ms(100), ms(200), ms(400), ms(800), ms(1_000), ms(1_000));
    assertThat(time.elapsed()).isEqualTo(ms(3_500));
  }

  @Test
  void delaysFollowFullJitterForASeededRandom() {
    Retry retry =
        Retry.attempts(7)
            .withBackoff(ms(100), ms(1_000))
            .withTimeSource(time)
            .withRandom(new Random(2024));
    assertThatThrownBy(() ->
            retry.call(() -> {
              throw new IOException("down");
            }))
        .isInstanceOf(RetriesExhaustedException.class);

    long[] caps = {100, 200, 400, 800, 1_000, 1_000};
    Random same = new Random(2024);
    List<Duration> expected = new ArrayList<>();
    for (long cap : caps) {
      expected.add(Duration.ofNanos(same.nextLong(ms(cap).toNanos() + 1)));
    }
    List<Duration> sleeps = time.sleeps();
    assertThat(sleeps).isEqualTo(expected);
    for (int i = 0; i < caps.length; i++) {
      assertThat(sleeps.get(i)).isBetween(Duration.ZERO, ms(caps[i]));
    }
    assertThat(sleeps).as("jitter, not the caps").doesNotContain(ms(100), ms(200), ms(400));
  }

  @Test
  void delayCapsDoNotOverflowForLateAttempts() {
    Retry retry = Retry.attempts(1_000).withBackoff(Duration.ofSeconds(1), Duration.ofHours(1));
    assertThat(retry.delayCapNanos(1)).isEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(retry.delayCapNanos(12)).isEqualTo(Duration.ofSeconds(2_048).toNanos());
    assertThat(retry.delayCapNanos(13)).isEqualTo(Duration.ofHours(1).toNanos());
    assertThat(retry.delayCapNanos(40)).isEqualTo(Duration.ofHours(1).toNanos());
    assertThat(retry.delayCapNanos(999)).isEqualTo(Duration.ofHours(1).toNanos());
    assertThat(Retry.attempts(5).withBackoff(Duration.ZERO, Duration.ZERO).delayCapNanos(3))
        .isZero();
  }

  @Test
  void aTaskThatSucceedsAfterFailuresReturnsItsResult() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String result =
        retry(5)
            .call(() -> {
              if (calls.incrementAndGet() < 3) {
                throw new IOException("flaky");
              }
              return "ok";
            });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    assertThat(time.sleeps()).containsExactly(ms(100), ms(200));
  }

  @Test
  void exhaustedAttemptsNameTheCountAndCarryTheLastFailureWithTheEarlierOnesSuppressed() {
    List<IOException> thrown = new ArrayList<>();
    Throwable t =
        catchThrowable(() ->
            retry(3)
                .call(
                    "fetch user 42",
                    () -> {
                      IOException e = new IOException("failure " + (thrown.size() + 1));
                      thrown.add(e);
                      throw e;
                    }));
    assertThat(t).isInstanceOf(RetriesExhaustedException.class);
    RetriesExhaustedException e = (RetriesExhaustedException) t;
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.deadlineReached()).isFalse();
    assertThat(e.getMessage()).contains("fetch user 42").contains("3 attempts");
    assertThat(e.getCause()).isSameAs(thrown.get(2));
    assertThat(e.getSuppressed()).containsExactly(thrown.get(0), thrown.get(1));
    assertThat(e.lastResult()).isEmpty();
  }

  @Test
  void suppressedFailuresAreCappedAtTheFirstFew() {
    List<IOException> thrown = new ArrayList<>();
    RetriesExhaustedException e =
        (RetriesExhaustedException)
            catchThrowable(() ->
                retry(25)
                    .withBackoff(Duration.ZERO, Duration.ZERO)
                    .call(() -> {
                      IOException x = new IOException("failure " + thrown.size());
                      thrown.add(x);
                      throw x;
                    }));
    assertThat(e.attempts()).isEqualTo(25);
    assertThat(e.getCause()).isSameAs(thrown.get(24));
    assertThat(e.getSuppressed())
        .hasSize(RetriesExhaustedException.MAX_SUPPRESSED)
        .containsExactlyElementsOf(thrown.subList(0, RetriesExhaustedException.MAX_SUPPRESSED));
  }

  @Test
  void onlyTheNamedTypesAreRetriedAndOthersPropagateUnchanged() throws Exception {
    Retry retry = retry(5).retryOn(IOException.class);
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("not transient");
    assertThatThrownBy(() ->
            retry.call(() -> {
              calls.incrementAndGet();
              throw boom;
            }))
        .isSameAs(boom);
    assertThat(calls).hasValue(1);
    assertThat(time.sleeps()).isEmpty();

    calls.set(0);
    String r =
        retry.call(() -> {
          if (calls.incrementAndGet() == 1) {
            throw new FileNotFoundException("a subtype is retried too");
          }
          return "found";
        });
    assertThat(r).isEqualTo("found");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aPredicateChoosesTheFailuresToRetry() {
    Retry retry = retry(4).retryIf(e -> e.getMessage().startsWith("503"));
    AtomicInteger calls = new AtomicInteger();
    Throwable t =
        catchThrowable(() ->
            retry.call(() -> {
              throw new IOException(calls.incrementAndGet() < 3 ? "503 busy" : "404 gone");
            }));
    assertThat(t).isInstanceOf(IOException.class).hasMessage("404 gone");
    assertThat(calls).hasValue(3);
  }

  @Test
  void errorsAreNeverRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() ->
            retry(5)
                .call(() -> {
                  calls.incrementAndGet();
                  throw new AssertionError("bug");
                }))
        .isInstanceOf(AssertionError.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aRejectedResultIsRetriedUntilAnAcceptedOneArrives() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String r =
        retry(5)
            .retryWhileResult(x -> x == null)
            .call(() -> calls.incrementAndGet() < 3 ? null : "ready");
    assertThat(r).isEqualTo("ready");
    assertThat(calls).hasValue(3);
    assertThat(time.sleeps()).containsExactly(ms(100), ms(200));
  }

  @Test
  void exhaustedOnARejectedResultHoldsThatResultAndNoCause() {
    Throwable t =
        catchThrowable(() -> retry(2).retryWhileResult("busy"::equals).call(() -> "busy"));
    assertThat(t).isInstanceOf(RetriesExhaustedException.class).hasNoCause();
    RetriesExhaustedException e = (RetriesExhaustedException) t;
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.lastResult()).contains("busy");
    assertThat(e.getMessage()).contains("busy");
  }

  @Test
  void theDeadlineStopsRetriesBeforeAnAttemptWouldStartPastIt() {
    Retry retry =
        Retry.attempts(100)
            .withBackoff(ms(100), ms(100))
            .withDeadline(ms(350))
            .withTimeSource(time)
            .withRandom(ALWAYS_MAX);
    AtomicInteger calls = new AtomicInteger();
    Throwable t =
        catchThrowable(() ->
            retry.call(() -> {
              calls.incrementAndGet();
              time.advance(ms(10)); // each attempt takes 10 ms of virtual time
              throw new IOException("slow and failing");
            }));
    // Attempts start at 0, 110, 220 and 330 ms; the fifth would start at 440 ms, past 350 ms.
    assertThat(t).isInstanceOf(RetriesExhaustedException.class);
    RetriesExhaustedException e = (RetriesExhaustedException) t;
    assertThat(calls).hasValue(4);
    assertThat(e.attempts()).isEqualTo(4);
    assertThat(e.deadlineReached()).isTrue();
    assertThat(e.getMessage()).contains("4 attempts").contains("deadline of 350 ms");
    assertThat(time.elapsed()).isEqualTo(ms(340));
    assertThat(time.sleeps()).containsExactly(ms(100), ms(100), ms(100));
  }

  @Test
  void theListenerSeesEveryAttemptWithItsOutcomeAndNextDelay() throws Exception {
    List<Retry.Attempt> seen = new ArrayList<>();
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    AtomicInteger calls = new AtomicInteger();
    String r =
        retry(5)
            .withListener(seen::add)
            .call(() ->
                switch (calls.incrementAndGet()) {
                  case 1 -> throw first;
                  case 2 -> throw second;
                  default -> "third time lucky";
                });
    assertThat(r).isEqualTo("third time lucky");
    assertThat(seen)
        .containsExactly(
            new Retry.Attempt(1, null, first, ms(0), java.util.Optional.of(ms(100))),
            new Retry.Attempt(2, null, second, ms(100), java.util.Optional.of(ms(200))),
            new Retry.Attempt(3, "third time lucky", null, ms(300), java.util.Optional.empty()));
    assertThat(seen.get(0).failed()).isTrue();
    assertThat(seen.get(0).willRetry()).isTrue();
    assertThat(seen.get(2).failed()).isFalse();
    assertThat(seen.get(2).willRetry()).isFalse();
  }

  @Test
  void theListenerSeesTheLastAttemptBeforeGivingUp() {
    List<Integer> numbers = new ArrayList<>();
    List<Boolean> willRetry = new ArrayList<>();
    catchThrowable(() ->
        retry(3)
            .withListener(a -> {
              numbers.add(a.number());
              willRetry.add(a.willRetry());
            })
            .call(() -> {
              throw new IOException("down");
            }));
    assertThat(numbers).containsExactly(1, 2, 3);
    assertThat(willRetry).containsExactly(true, true, false);
  }

  @Test
  void anInterruptedExceptionFromTheTaskIsNeverRetried() {
    AtomicInteger calls = new AtomicInteger();
    InterruptedException cancelled = new InterruptedException("cancelled");
    assertThatThrownBy(() ->
            retry(5)
                .call(() -> {
                  calls.incrementAndGet();
                  throw cancelled;
                }))
        .isSameAs(cancelled);
    assertThat(calls).hasValue(1);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void anInterruptWhileSleepingStopsTheRetriesAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    IOException failure = new IOException("down");
    time.interruptNextSleep();
    Throwable t =
        catchThrowable(() ->
            retry(5)
                .call(() -> {
                  calls.incrementAndGet();
                  throw failure;
                }));
    assertThat(t).isInstanceOf(InterruptedException.class);
    assertThat(t.getSuppressed()).containsExactly(failure);
    assertThat(calls).hasValue(1);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aFailureWhileTheThreadIsInterruptedStopsTheRetries() {
    AtomicInteger calls = new AtomicInteger();
    IOException closedByInterrupt = new IOException("channel closed by interrupt");
    Throwable t =
        catchThrowable(() ->
            retry(5)
                .call(() -> {
                  calls.incrementAndGet();
                  Thread.currentThread().interrupt(); // as an interruptible channel does
                  throw closedByInterrupt;
                }));
    assertThat(t).isInstanceOf(InterruptedException.class).hasMessageContaining("after 1 attempt");
    assertThat(t.getSuppressed()).containsExactly(closedByInterrupt);
    assertThat(calls).hasValue(1);
    assertThat(time.sleeps()).isEmpty();
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void anInterruptedCallerMakesNoAttempt() {
    AtomicInteger calls = new AtomicInteger();
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> retry(5).call(calls::incrementAndGet))
        .isInstanceOf(InterruptedException.class);
    assertThat(calls).hasValue(0);
  }

  @Test
  void interruptingARealThreadBetweenAttemptsEndsItsRetries() throws Exception {
    // Real time here: the retry would sleep a minute; the interrupt must end that sleep.
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch firstAttemptDone = new CountDownLatch(1);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Retry retry =
        Retry.attempts(5)
            .withBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1))
            .withRandom(ALWAYS_MAX)
            .withListener(a -> firstAttemptDone.countDown());
    Thread caller =
        Thread.ofPlatform()
            .start(() ->
                outcome.set(
                    catchThrowable(() ->
                        retry.call(() -> {
                          calls.incrementAndGet();
                          throw new IOException("down");
                        }))));
    firstAttemptDone.await();
    caller.interrupt();
    caller.join();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThatThrownBy(() -> Retry.attempts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Retry.attempts(3).withBackoff(ms(10), ms(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Retry.attempts(3).withBackoff(ms(-1), ms(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Retry.attempts(3).withDeadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Retry.attempts(3).retryOn())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withersKeepTheRestOfTheConfiguration() {
    Retry r = Retry.attempts(3).withBackoff(ms(5), ms(50)).withDeadline(ms(500)).withMaxAttempts(9);
    assertThat(r.maxAttempts()).isEqualTo(9);
    assertThat(r.baseDelay()).isEqualTo(ms(5));
    assertThat(r.maxDelay()).isEqualTo(ms(50));
    assertThat(r.deadline()).contains(ms(500));
  }
}
