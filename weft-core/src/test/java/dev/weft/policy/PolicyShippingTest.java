package dev.weft.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weft.NotShippableException;
import dev.weft.TaskFunction;
import dev.weft.spi.Shipping;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Policies that mean the same in a worker process ship as values; a shared rate does not. */
class PolicyShippingTest {
  private static Object roundTrip(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void retryTimeoutAndLimiterShipAndWorkOnTheOtherSide() throws Exception {
    Policy policy =
        Policy.compose(
            Retry.attempts(3)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .retryOn(IOException.class),
            Timeout.of(Duration.ofSeconds(5)),
            Limiter.of(2));
    int[] calls = {0};
    TaskFunction<Integer, Integer> flaky =
        x -> {
          if (calls[0]++ == 0) {
            throw new IOException("flaky");
          }
          return x * 10;
        };
    TaskFunction<Integer, Integer> wrapped = policy.wrap(flaky);
    assertThatCode(() -> Shipping.check(wrapped, "the function")).doesNotThrowAnyException();
    TaskFunction<Integer, Integer> copy = (TaskFunction<Integer, Integer>) roundTrip(wrapped);
    assertThat(copy.apply(4)).isEqualTo(40); // retried once after the IOException, in the copy
    assertThat(calls[0]).isZero(); // the original's captured array was not touched
  }

  @Test
  void aLimiterBecomesOneOfTheSameBoundInTheWorker() throws Exception {
    Limiter limiter = Limiter.of(3).withMaxWait(Duration.ZERO);
    Limiter copy = (Limiter) roundTrip(limiter);
    assertThat(copy).isNotSameAs(limiter);
    // Three places, no waiting: nested calls take all three, and a fourth is rejected at once.
    int depth = copy.call(() -> copy.call(() -> copy.call(() -> nestedFourth(copy) ? 4 : 3)));
    assertThat(depth).isEqualTo(3);
    // The original's places are its own: all three are free.
    assertThat(limiter.call(() -> limiter.call(() -> limiter.call(() -> 3)))).isEqualTo(3);
  }

  private static boolean nestedFourth(Limiter limiter) throws Exception {
    try {
      limiter.call(() -> 4);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException full) {
      return false;
    }
  }

  @Test
  void aShippedRateLimiterSharesOneBucketWithItsOriginal() throws Exception {
    // One permit per 1,000 s, a burst of 3: nothing refills during the test.
    RateLimiter original = RateLimiter.perSecond(0.001).withBurst(3);
    assertThat(original.tryAcquire()).isTrue();
    RateLimiter copy = (RateLimiter) roundTrip(original);
    assertThat(copy).isNotSameAs(original);
    assertThat(copy.tryAcquire()).isTrue();
    assertThat(original.tryAcquire()).isTrue();
    assertThat(copy.tryAcquire()).as("the three permits are gone, whoever took them").isFalse();
    assertThat(original.tryAcquire()).isFalse();
    TaskFunction<Integer, Integer> limited = RateLimiter.perSecond(10).wrap(x -> x);
    assertThatCode(() -> Shipping.check(limited, "the function")).doesNotThrowAnyException();
  }

  @Test
  void aRateLimiterOnItsOwnClockIsNotShipped() {
    TimeSource fake =
        new TimeSource() {
          @Override
          public long nanoTime() {
            return 0;
          }

          @Override
          public void sleep(Duration d) {}
        };
    TaskFunction<Integer, Integer> limited =
        RateLimiter.perSecond(10).withTimeSource(fake).wrap(x -> x);
    NotShippableException e =
        catchThrowableOfType(
            NotShippableException.class, () -> Shipping.check(limited, "the function"));
    assertThat(e).hasMessageContaining("custom TimeSource");
  }
}
