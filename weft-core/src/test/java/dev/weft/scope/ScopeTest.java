package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Results;
import dev.weft.TaskCallable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScopeTest {

  private static TaskCallable<Object> blockUntilInterrupted(
      CountDownLatch started, AtomicInteger interrupted) {
    return () -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return null;
    };
  }

  @Test
  void forkedSubtasksRunConcurrentlyAndJoinGivesTheirResults() throws Exception {
    CountDownLatch bothRunning = new CountDownLatch(2);
    try (Scope scope = Scope.open()) {
      Subtask<String> a =
          scope.fork(() -> {
            bothRunning.countDown();
            bothRunning.await();
            return "a";
          });
      Subtask<Integer> b =
          scope.fork(() -> {
            bothRunning.countDown();
            bothRunning.await();
            return 2;
          });
      scope.join();
      assertThat(a.get()).isEqualTo("a");
      assertThat(b.get()).isEqualTo(2);
      assertThat(a.state()).isEqualTo(Subtask.State.SUCCEEDED);
      assertThat(b.index()).isEqualTo(1);
    }
  }

  @Test
  void theFirstFailureCancelsTheSiblingsAndIsThrownWithTheOthersSuppressed() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    Subtask<Object> s1;
    Subtask<Object> s2;
    Subtask<Object> bad;
    try (Scope scope = Scope.open()) {
      s1 = scope.fork(blockUntilInterrupted(started, interrupted));
      s2 = scope.fork(blockUntilInterrupted(started, interrupted));
      bad =
          scope.fork(() -> {
            started.await();
            throw new IllegalStateException("first");
          });
      assertThatThrownBy(scope::join)
          .isInstanceOf(ScopeFailedException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("first");
    }
    assertThat(interrupted).hasValue(2);
    assertThat(s1.state()).isEqualTo(Subtask.State.CANCELLED);
    assertThat(s2.state()).isEqualTo(Subtask.State.CANCELLED);
    assertThat(bad.exception()).hasMessage("first");
    assertThatThrownBy(s1::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void failuresThatRaceTheFirstAreAttachedAsSuppressed() throws Exception {
    CountDownLatch arrived = new CountDownLatch(3);
    try (Scope scope = Scope.open()) {
      for (int i = 0; i < 3; i++) {
        int n = i;
        scope.fork(() -> {
          // Wait for the others, ignoring the cancel's interrupt so that every failure
          // really happens. Block, never spin: spinning virtual threads can starve the one
          // that has not started yet.
          arrived.countDown();
          while (true) {
            try {
              arrived.await();
              break;
            } catch (InterruptedException ignored) {
              // keep waiting
            }
          }
          throw new IllegalArgumentException("failure " + n);
        });
      }
      Throwable thrown = null;
      try {
        scope.join();
      } catch (ScopeFailedException e) {
        thrown = e;
      }
      assertThat(thrown).isNotNull();
      assertThat(thrown.getSuppressed().length + 1).isEqualTo(3);
    }
  }

  @Test
  void aSupervisedScopeKeepsGoingAndEachSubtaskHoldsItsOutcome() throws Exception {
    try (Scope scope = Scope.supervised()) {
      Subtask<Integer> ok = scope.fork(() -> 1);
      Subtask<Integer> bad =
          scope.fork(() -> {
            throw new IllegalStateException("bad");
          });
      Subtask<Integer> slowOk =
          scope.fork(() -> {
            Thread.sleep(20);
            return 3;
          });
      scope.join();
      assertThat(ok.get()).isEqualTo(1);
      assertThat(bad.exception()).hasMessage("bad");
      assertThat(slowOk.get()).isEqualTo(3);
    }
  }

  @Test
  void theDeadlineCancelsUnfinishedSubtasks() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    try (Scope scope = Scope.open(c -> c.withDeadline(Duration.ofMillis(50)).withName("slow"))) {
      Subtask<Object> quick = scope.fork(() -> "quick");
      Subtask<Object> stuck = scope.fork(blockUntilInterrupted(started, interrupted));
      assertThatThrownBy(scope::join)
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessageContaining("'slow'")
          .hasMessageContaining("1 subtask");
      assertThat(quick.get()).isEqualTo("quick");
      assertThat(stuck.state()).isEqualTo(Subtask.State.CANCELLED);
      assertThat(interrupted).hasValue(1);
    }
  }

  @Test
  void noSubtaskOutlivesItsScope() throws Exception {
    CountDownLatch started = new CountDownLatch(5);
    AtomicInteger interrupted = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    ConcurrentLinkedQueue<Thread> seen = new ConcurrentLinkedQueue<>();
    try (Scope scope = Scope.supervised()) {
      for (int i = 0; i < 5; i++) {
        scope.fork(() -> {
          seen.add(Thread.currentThread());
          return blockUntilInterrupted(started, interrupted).call();
        });
      }
      started.await();
      threads.addAll(seen);
      // Leave the block without joining: close must stop and wait for every subtask.
    }
    assertThat(threads).hasSize(5).allMatch(t -> !t.isAlive());
    assertThat(interrupted).hasValue(5);
  }

  @Test
  void anInterruptedJoinCancelsTheSubtasks() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicReference<Throwable> joinOutcome = new AtomicReference<>();
    Thread owner =
        Thread.ofPlatform()
            .start(() -> {
              try (Scope scope = Scope.open()) {
                scope.fork(blockUntilInterrupted(started, interrupted));
                scope.join();
              } catch (Throwable t) {
                joinOutcome.set(t);
              }
            });
    started.await();
    owner.interrupt();
    owner.join();
    assertThat(joinOutcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(interrupted).hasValue(1);
  }

  @Test
  void aClosedScopeRefusesForksAndAFailedOneStartsNothingNew() throws Exception {
    Scope scope = Scope.open();
    scope.fork(() -> {
      throw new IllegalStateException("x");
    });
    assertThatThrownBy(scope::join).isInstanceOf(ScopeFailedException.class);
    AtomicBoolean ran = new AtomicBoolean();
    Subtask<Object> late =
        scope.fork(() -> {
          ran.set(true);
          return null;
        });
    assertThat(late.state()).isEqualTo(Subtask.State.CANCELLED);
    scope.close();
    assertThat(ran).isFalse();
    assertThatThrownBy(() -> scope.fork(() -> 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void asCompletedYieldsTasksInCompletionOrder() throws Exception {
    CountDownLatch releaseSlow = new CountDownLatch(1);
    List<TaskCallable<String>> tasks =
        List.of(
            () -> {
              releaseSlow.await();
              return "slow";
            },
            () -> "fast",
            () -> {
              throw new IllegalStateException("broken");
            });
    List<String> order = new ArrayList<>();
    try (Results<Subtask<String>> done = Scope.asCompleted(tasks)) {
      int n = 0;
      for (Subtask<String> s : done) {
        order.add(s.state() == Subtask.State.SUCCEEDED ? s.get() : "failed #" + s.index());
        if (++n == 2) {
          releaseSlow.countDown();
        }
      }
    }
    assertThat(order).hasSize(3).endsWith("slow");
    assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("fast", "failed #2");
  }

  @Test
  void asCompletedFuturesWaitsForExistingFutures() throws Exception {
    CompletableFuture<String> later = new CompletableFuture<>();
    CompletableFuture<String> now = CompletableFuture.completedFuture("now");
    List<String> order = new ArrayList<>();
    try (Results<Future<String>> done = Scope.asCompletedFutures(List.of(later, now))) {
      for (Future<String> f : done) {
        order.add(f.get());
        later.complete("later");
      }
    }
    assertThat(order).containsExactly("now", "later");
  }

  @Test
  void closingAsCompletedEarlyCancelsTheRest() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    List<TaskCallable<Object>> tasks =
        List.of(
            () -> "first",
            blockUntilInterrupted(started, interrupted),
            blockUntilInterrupted(started, interrupted));
    try (Results<Subtask<Object>> done = Scope.asCompleted(tasks)) {
      assertThat(done.iterator().next().get()).isEqualTo("first");
      started.await();
    }
    assertThat(interrupted).hasValue(2);
  }

  @Test
  void raceReturnsTheFirstSuccessAndCancelsTheRest() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    String winner =
        Scope.race(
            List.<TaskCallable<String>>of(
                () -> {
                  throw new IllegalStateException("loser fails fast");
                },
                () -> {
                  started.countDown();
                  new CountDownLatch(1).await();
                  return "never";
                },
                () -> {
                  started.await();
                  return "winner";
                }));
    assertThat(winner).isEqualTo("winner");
    assertThat(interrupted).hasValue(0);
  }

  @Test
  void aRaceEveryoneLosesReportsEveryFailure() {
    assertThatThrownBy(() ->
            Scope.race(
                List.<TaskCallable<String>>of(
                    () -> {
                      throw new IllegalStateException("a");
                    },
                    () -> {
                      throw new IllegalStateException("b");
                    })))
        .isInstanceOf(ScopeFailedException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void parRunsEverythingWithinTheCapAndKeepsTaskOrder() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    List<TaskCallable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      tasks.add(() -> {
        int now = inside.incrementAndGet();
        maxInside.accumulateAndGet(now, Math::max);
        Thread.sleep(2);
        inside.decrementAndGet();
        return n * n;
      });
    }
    List<Integer> results = Scope.par(4, tasks);
    assertThat(results).hasSize(50);
    for (int i = 0; i < 50; i++) {
      assertThat(results.get(i)).isEqualTo(i * i);
    }
    assertThat(maxInside.get()).isBetween(1, 4);
  }

  @Test
  void parFailsFast() {
    AtomicInteger ran = new AtomicInteger();
    List<TaskCallable<Integer>> tasks = new ArrayList<>();
    tasks.add(() -> {
      throw new IllegalStateException("stop");
    });
    for (int i = 0; i < 100; i++) {
      tasks.add(() -> {
        ran.incrementAndGet();
        Thread.sleep(5);
        return 1;
      });
    }
    assertThatThrownBy(() -> Scope.par(1, tasks))
        .isInstanceOf(ScopeFailedException.class)
        .hasRootCauseMessage("stop");
    assertThat(ran.get()).isLessThan(100);
  }
}
