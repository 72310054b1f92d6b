package dev.weft.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The token bucket on virtual time: permits are counted against exact virtual instants. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimiterTest {
  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @ParameterizedTest
  @ValueSource(longs = {0L, Long.MAX_VALUE - 150_000_000L, Long.MIN_VALUE})
  void nAcquiresOfASmoothLimiterTakeExactlyNMinusOneIntervals(long origin) throws Exception {
    FakeTime time = new FakeTime(origin);
    RateLimiter limiter = RateLimiter.perSecond(10).withTimeSource(time);
    for (int i = 0; i < 5; i++) {
      limiter.acquire();
    }
    assertThat(time.elapsed()).isEqualTo(ms(400));
    assertThat(time.sleeps()).containsExactly(ms(100), ms(100), ms(100), ms(100));
  }

  @Test
  void permitsPerPeriodAreSpacedEvenlyRoundingTheIntervalUp() throws Exception {
    FakeTime time = new FakeTime();
    RateLimiter limiter = RateLimiter.of(3, Duration.ofSeconds(1)).withTimeSource(time);
    assertThat(limiter.interval()).isEqualTo(Duration.ofNanos(333_333_334));
    for (int i = 0; i < 4; i++) {
      limiter.acquire();
    }
    assertThat(time.elapsed()).isEqualTo(Duration.ofNanos(1_000_000_002));
  }

  @Test
  void tryAcquireFailsWhenNoPermitIsFreeAndNeverWaits() {
    FakeTime time = new FakeTime();
    RateLimiter limiter = RateLimiter.perSecond(1).withTimeSource(time);
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    time.advance(ms(999));
    assertThat(limiter.tryAcquire()).isFalse();
    time.advance(ms(1));
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void aBurstAllowsThatManyAtOnceThenTheSteadyRate() {
    FakeTime time = new FakeTime();
    RateLimiter limiter = RateLimiter.perSecond(10).withBurst(5).withTimeSource(time);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire()).as("permit %d of the burst", i).isTrue();
    }
    assertThat(limiter.tryAcquire()).isFalse();
    time.advance(ms(100));
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();

    time.advance(Duration.ofSeconds(10)); // a long quiet spell refills the bucket, no further
    int granted = 0;
    while (limiter.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(5);
  }

  @Test
  void tryAcquireWithATimeoutWaitsOnlyIfAPermitComesInTime() throws Exception {
    FakeTime time = new FakeTime();
    RateLimiter limiter = RateLimiter.perSecond(10).withTimeSource(time);
    assertThat(limiter.tryAcquire(Duration.ZERO)).isTrue();
    assertThat(limiter.tryAcquire(ms(99))).isFalse();
    assertThat(time.elapsed()).as("a hopeless wait does not sleep").isEqualTo(Duration.ZERO);
    assertThat(limiter.tryAcquire(ms(100))).isTrue();
    assertThat(time.elapsed()).isEqualTo(ms(100));
  }

  @Test
  void anInterruptedWaiterGivesItsSlotBack() throws Exception {
    FakeTime time = new FakeTime();
    RateLimiter limiter = RateLimiter.perSecond(10).withTimeSource(time);
    limiter.acquire(); // free
    time.interruptNextSleep();
    assertThatThrownBy(limiter::acquire).isInstanceOf(InterruptedException.class);
    limiter.acquire(); // takes the slot the interrupted waiter reserved, at 100 ms, not 200 ms
    assertThat(time.elapsed()).isEqualTo(ms(100));
    assertThat(time.sleeps()).containsExactly(ms(100));
  }

  @Test
  void anInterruptedCallerTakesNoPermit() throws Exception {
    FakeTime time = new FakeTime();
    RateLimiter limiter = RateLimiter.perSecond(10).withTimeSource(time);
    Thread.currentThread().interrupt();
    assertThatThrownBy(limiter::acquire).isInstanceOf(InterruptedException.class);
    assertThat(limiter.tryAcquire()).isTrue();
  }

  @Test
  void asAPolicyItTakesAPermitBeforeEachTaskAndRejectsWhenItMayNotWait() throws Exception {
    FakeTime time = new FakeTime();
    RateLimiter limiter = RateLimiter.perSecond(10).withMaxWait(Duration.ZERO).withTimeSource(time);
    AtomicInteger runs = new AtomicInteger();
    assertThat(limiter.call("first", runs::incrementAndGet)).isEqualTo(1);
    assertThatThrownBy(() -> limiter.call("second report", runs::incrementAndGet))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("second report");
    assertThat(runs).hasValue(1);
    time.advance(ms(100));
    assertThat(limiter.wrap((Integer x) -> x * 2).apply(21)).isEqualTo(42);
  }

  @Test
  void waitersAreServedInTheOrderTheyArrived() throws Exception {
    ManualTime time = new ManualTime(7L);
    RateLimiter limiter = RateLimiter.perSecond(10).withTimeSource(time);
    limiter.acquire(); // the free permit
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Thread a = start("a", limiter, order, errors);
    awaitUntil(() -> time.blockedSleepers() == 1);
    Thread b = start("b", limiter, order, errors);
    awaitUntil(() -> time.blockedSleepers() == 2);
    time.advanceTo(ms(100));
    a.join();
    assertThat(order).containsExactly("a");
    assertThat(time.blockedSleepers()).isEqualTo(1);
    time.advanceTo(ms(200));
    b.join();
    assertThat(order).containsExactly("a", "b");
    assertThat(errors).isEmpty();
  }

  private static Thread start(
      String name,
      RateLimiter limiter,
      List<String> order,
      ConcurrentLinkedQueue<Throwable> errors) {
    return Thread.ofPlatform()
        .name(name)
        .start(() -> {
          try {
            limiter.acquire();
            order.add(name);
          } catch (Throwable t) {
            errors.add(t);
          }
        });
  }

  @Test
  void oneLimiterSharedByFourThreadsGrantsPermitsAtTheGlobalRate() throws Exception {
    // 10 permits per second with a burst of 3, shared by 4 threads taking 25 permits each. By
    // virtual time T, exactly min(100, 3 + floor(T / 100 ms)) permits must have been granted,
    // whichever threads took them.
    ManualTime time = new ManualTime(-5_000_000_000L);
    RateLimiter limiter = RateLimiter.perSecond(10).withBurst(3).withTimeSource(time);
    int threads = 4;
    int perThread = 25;
    ConcurrentLinkedQueue<Long> grants = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger finished = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          Thread.ofPlatform()
              .name("taker-" + t)
              .start(() -> {
                try {
                  for (int i = 0; i < perThread; i++) {
                    limiter.acquire();
                    grants.add(time.elapsed().toMillis());
                  }
                } catch (Throwable e) {
                  errors.add(e);
                } finally {
                  finished.incrementAndGet();
                }
              }));
    }
    int total = threads * perThread;
    for (long t = 0; t <= 10_000; t += 50) {
      time.advanceTo(ms(t));
      awaitUntil(() -> time.blockedSleepers() + finished.get() == threads);
      long expected = Math.min(total, 3 + t / 100);
      assertThat(grants).as("permits granted by %d ms", t).hasSize((int) expected);
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(errors).isEmpty();
    List<Long> expectedGrants = new ArrayList<>();
    for (int k = 0; k < total; k++) {
      expectedGrants.add(Math.max(0, (k - 2) * 100L));
    }
    assertThat(grants.stream().sorted().toList()).isEqualTo(expectedGrants);
  }

  /** Waits (in real time, asserting nothing about it) for the threads under test to settle. */
  private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(1);
    }
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThatThrownBy(() -> RateLimiter.perSecond(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimiter.perSecond(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimiter.of(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimiter.of(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimiter.perSecond(1).withBurst(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateLimiter.perSecond(1e-12).withBurst(2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsItsConfiguration() {
    RateLimiter limiter = RateLimiter.perSecond(4).withBurst(8);
    assertThat(limiter.interval()).isEqualTo(ms(250));
    assertThat(limiter.permitsPerSecond()).isEqualTo(4.0);
    assertThat(limiter.burst()).isEqualTo(8);
  }
}
