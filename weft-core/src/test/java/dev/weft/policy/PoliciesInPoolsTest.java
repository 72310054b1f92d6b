package dev.weft.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.weft.Pool;
import dev.weft.TaskFailedException;
import dev.weft.TaskFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Retry and Timeout applied per element inside both built-in pools. */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoliciesInPoolsTest {
  static List<Arguments> pools() {
    return List.of(
        Arguments.of("Pool.cpu()", (Supplier<Pool>) Pool::cpu),
        Arguments.of("Pool.io(8)", (Supplier<Pool>) () -> Pool.io(8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void eachElementIsRetriedUnderItsOwnTimeout(String name, Supplier<Pool> pools) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    AtomicInteger interrupted = new AtomicInteger();
    // Every 7th element hangs on its first attempt and every 5th fails on it; the rest succeed.
    TaskFunction<Integer, Integer> flaky =
        x -> {
          int attempt = attempts.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
          if (attempt == 1 && x % 7 == 0) {
            try {
              never.await();
            } catch (InterruptedException e) {
              interrupted.incrementAndGet();
              throw e;
            }
          }
          if (attempt == 1 && x % 5 == 0) {
            throw new IOException("transient failure of " + x);
          }
          return x * x;
        };
    Policy policy =
        Retry.attempts(3)
            .withBackoff(Duration.ZERO, Duration.ZERO)
            .around(Timeout.of(Duration.ofMillis(250)));
    List<Integer> inputs = IntStream.range(0, 40).boxed().toList();
    List<Integer> out;
    try (Pool pool = pools.get()) {
      out = pool.map(policy.wrap(flaky), inputs);
    }
    assertThat(out).isEqualTo(inputs.stream().map(x -> x * x).toList());
    for (int x : inputs) {
      int expected = (x % 7 == 0 || x % 5 == 0) ? 2 : 1;
      assertThat(attempts.get(x)).as("attempts of %d", x).hasValue(expected);
    }
    assertThat(interrupted).hasValue((int) inputs.stream().filter(x -> x % 7 == 0).count());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void exhaustedRetriesAndTimeoutsFailTheMapNamingTheInput(String name, Supplier<Pool> pools)
      throws Exception {
    Retry retry = Retry.attempts(2).withBackoff(Duration.ZERO, Duration.ZERO);
    try (Pool pool = pools.get()) {
      Throwable t =
          catchThrowable(() ->
              pool.map(
                  retry.wrap((Integer x) -> {
                    if (x == 3) {
                      throw new IOException("permanent");
                    }
                    return x;
                  }),
                  List.of(1, 2, 3, 4)));
      assertThat(t).isInstanceOf(TaskFailedException.class);
      assertThat(t.getCause())
          .isInstanceOf(RetriesExhaustedException.class)
          .hasMessageContaining("task on input 3")
          .hasMessageContaining("2 attempts")
          .hasRootCauseMessage("permanent");

      CountDownLatch never = new CountDownLatch(1);
      Throwable timedOut =
          catchThrowable(() ->
              pool.map(
                  Timeout.of(Duration.ofMillis(50))
                      .wrap((String s) -> {
                        if (s.equals("hangs")) {
                          never.await();
                        }
                        return s;
                      }),
                  List.of("fine", "hangs")));
      assertThat(timedOut).isInstanceOf(TaskFailedException.class);
      assertThat(timedOut.getCause())
          .isInstanceOf(TaskTimeoutException.class)
          .hasMessageStartingWith("task on input \"hangs\" timed out after 50 ms");
    }
  }
}
