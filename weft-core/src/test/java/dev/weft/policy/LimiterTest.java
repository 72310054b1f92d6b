package dev.weft.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimiterTest {
  private static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  @Test
  void neverMoreThanTheBoundRunInsideUnderConcurrentLoad() throws Exception {
    Limiter limiter = Limiter.of(3);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    int threads = 16;
    int callsEach = ci() ? 200 : 1_000;
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      all.add(
          Thread.ofPlatform()
              .start(() -> {
                try {
                  for (int i = 0; i < callsEach; i++) {
                    limiter.call(() -> {
                      int now = inside.incrementAndGet();
                      maxInside.accumulateAndGet(now, Math::max);
                      Thread.yield(); // let others try to get in while this one is inside
                      inside.decrementAndGet();
                      return done.incrementAndGet();
                    });
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              }));
    }
    for (Thread t : all) {
      t.join();
    }
    assertThat(errors).isEmpty();
    assertThat(done).hasValue(threads * callsEach);
    assertThat(maxInside.get()).isBetween(1, 3);
    assertThat(limiter.running()).isZero();
  }

  @Test
  void theBoundFillsAndTheNextTaskWaits() throws Exception {
    Limiter limiter = Limiter.of(3);
    CountDownLatch release = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(blockInside(limiter, release, errors));
    }
    awaitUntil(() -> limiter.running() == 3 && limiter.waiting() == 1);
    release.countDown();
    for (Thread t : all) {
      t.join();
    }
    assertThat(errors).isEmpty();
    assertThat(limiter.running()).isZero();
  }

  @Test
  void waitersEnterInTheOrderTheyArrived() throws Exception {
    Limiter limiter = Limiter.of(1);
    CountDownLatch release = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Thread holder = blockInside(limiter, release, errors);
    awaitUntil(() -> limiter.running() == 1);
    List<Integer> entered = Collections.synchronizedList(new ArrayList<>());
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int id = i;
      waiters.add(
          Thread.ofPlatform()
              .start(() -> {
                try {
                  limiter.call(() -> entered.add(id));
                } catch (Throwable e) {
                  errors.add(e);
                }
              }));
      awaitUntil(() -> limiter.waiting() == id + 1); // queued before the next one starts
    }
    release.countDown();
    holder.join();
    for (Thread w : waiters) {
      w.join();
    }
    assertThat(errors).isEmpty();
    assertThat(entered).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void withNoWaitAFullLimiterRejectsTheTaskWithoutRunningIt() throws Exception {
    Limiter limiter = Limiter.of(1).withMaxWait(Duration.ZERO);
    CountDownLatch release = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Thread holder = blockInside(limiter, release, errors);
    awaitUntil(() -> limiter.running() == 1);
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> limiter.call("nightly report", runs::incrementAndGet))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("nightly report");
    assertThat(runs).hasValue(0);
    release.countDown();
    holder.join();
    assertThat(limiter.call(runs::incrementAndGet)).isEqualTo(1);
    assertThat(errors).isEmpty();
  }

  @Test
  void aFailingTaskGivesItsPlaceBack() throws Exception {
    Limiter limiter = Limiter.of(1);
    IOException boom = new IOException("boom");
    assertThatThrownBy(() ->
            limiter.call(() -> {
              throw boom;
            }))
        .isSameAs(boom);
    assertThat(limiter.running()).isZero();
    assertThat(limiter.call(() -> "next")).isEqualTo("next");
  }

  @Test
  void anInterruptWhileWaitingThrowsAndTakesNoPlace() throws Exception {
    Limiter limiter = Limiter.of(1);
    CountDownLatch release = new CountDownLatch(1);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Thread holder = blockInside(limiter, release, errors);
    awaitUntil(() -> limiter.running() == 1);
    AtomicInteger runs = new AtomicInteger();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread waiter =
        Thread.ofPlatform()
            .start(() -> outcome.set(catchThrowable(() -> limiter.call(runs::incrementAndGet))));
    awaitUntil(() -> limiter.waiting() == 1);
    waiter.interrupt();
    waiter.join();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(runs).hasValue(0);
    release.countDown();
    holder.join();
    assertThat(limiter.running()).isZero();
    assertThat(errors).isEmpty();
  }

  @Test
  void invalidBoundsAreRejected() {
    assertThatThrownBy(() -> Limiter.of(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Limiter.of(1).withMaxWait(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Thread blockInside(
      Limiter limiter, CountDownLatch release, ConcurrentLinkedQueue<Throwable> errors) {
    return Thread.ofPlatform()
        .start(() -> {
          try {
            limiter.call(() -> {
              release.await();
              return null;
            });
          } catch (Throwable e) {
            errors.add(e);
          }
        });
  }

  private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(1);
    }
  }
}
