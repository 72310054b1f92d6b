package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Results;
import dev.weft.TaskCallable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Every public blocking method of the scope package, interrupted while it waits: it throws the
 * exception its documentation names, and the subtasks it waited for were cancelled.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class ScopeInterruptTest {

  /** What the interrupted owner saw. */
  private record Outcome(Throwable thrown, boolean interruptedAfter) {}

  private interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} on its own thread, interrupts that thread once {@code ready} is reached and
   * waits for the body to end.
   */
  private static Outcome interruptWhenReady(CountDownLatch ready, Body body) throws Exception {
    return interruptWhenReady(ready, new CountDownLatch(1), body);
  }

  private static Outcome interruptWhenReady(
      CountDownLatch ready, CountDownLatch interruptSent, Body body) throws Exception {
    AtomicReference<Outcome> outcome = new AtomicReference<>();
    Thread owner =
        Thread.ofPlatform()
            .start(() -> {
              Throwable thrown = null;
              try {
                body.run();
              } catch (Throwable t) {
                thrown = t;
              }
              outcome.set(new Outcome(thrown, Thread.interrupted()));
            });
    ready.await();
    owner.interrupt();
    interruptSent.countDown();
    owner.join();
    return outcome.get();
  }

  private static TaskCallable<String> blocker(CountDownLatch started, AtomicInteger interrupted) {
    return () -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return "never";
    };
  }

  private static List<TaskCallable<String>> blockers(
      int n, CountDownLatch started, AtomicInteger interrupted) {
    List<TaskCallable<String>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(blocker(started, interrupted));
    }
    return tasks;
  }

  @Test
  void join() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    Outcome o =
        interruptWhenReady(
            started,
            () -> {
              try (Scope scope = Scope.supervised()) {
                blockers(2, started, interrupted).forEach(scope::fork);
                scope.join();
              }
            });
    assertThat(o.thrown()).isInstanceOf(InterruptedException.class);
    assertThat(interrupted).hasValue(2);
  }

  @Test
  void closeWaitsAnywayAndKeepsTheInterruptStatus() throws Exception {
    CountDownLatch cancelSeen = new CountDownLatch(1);
    CountDownLatch interruptSent = new CountDownLatch(1);
    AtomicReference<Thread> subtaskThread = new AtomicReference<>();
    Outcome o =
        interruptWhenReady(
            cancelSeen,
            interruptSent,
            () -> {
              try (Scope scope = Scope.supervised()) {
                scope.fork(() -> {
                  subtaskThread.set(Thread.currentThread());
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    // close() has cancelled us: hold it up until the owner has been interrupted.
                    cancelSeen.countDown();
                    interruptSent.await();
                  }
                  return null;
                });
                // Leaves the block while the subtask runs: close() cancels it and waits.
              }
            });
    assertThat(o.thrown()).isNull();
    assertThat(o.interruptedAfter()).as("interrupt status kept").isTrue();
    assertThat(subtaskThread.get().isAlive()).isFalse();
  }

  @Test
  void race() throws Exception {
    CountDownLatch started = new CountDownLatch(3);
    AtomicInteger interrupted = new AtomicInteger();
    Outcome o = interruptWhenReady(started, () -> Scope.race(blockers(3, started, interrupted)));
    assertThat(o.thrown()).isInstanceOf(InterruptedException.class);
    assertThat(interrupted).hasValue(3);
  }

  @Test
  void parWhileJoining() throws Exception {
    CountDownLatch started = new CountDownLatch(3);
    AtomicInteger interrupted = new AtomicInteger();
    Outcome o = interruptWhenReady(started, () -> Scope.par(3, blockers(3, started, interrupted)));
    assertThat(o.thrown()).isInstanceOf(InterruptedException.class);
    assertThat(interrupted).hasValue(3);
  }

  @Test
  void parWhileWaitingForAPermit() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    Outcome o = interruptWhenReady(started, () -> Scope.par(1, blockers(3, started, interrupted)));
    assertThat(o.thrown()).isInstanceOf(InterruptedException.class);
    assertThat(interrupted).hasValue(1);
  }

  @Test
  void completionsIteration() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger interruptedWhenThrown = new AtomicInteger(-1);
    Outcome o =
        interruptWhenReady(
            started,
            () -> {
              try (Scope scope = Scope.supervised()) {
                blockers(2, started, interrupted).forEach(scope::fork);
                try {
                  for (Subtask<?> s : scope.completions()) {
                    s.state();
                  }
                } catch (CancellationException e) {
                  interruptedWhenThrown.set(interrupted.get());
                  throw e;
                }
              }
            });
    assertThat(o.thrown())
        .isInstanceOf(CancellationException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(o.interruptedAfter()).as("interrupt status kept").isTrue();
    assertThat(interruptedWhenThrown).as("cancelled before the iterator threw").hasValue(2);
  }

  @Test
  void asCompletedIteration() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger interruptedWhenThrown = new AtomicInteger(-1);
    Outcome o =
        interruptWhenReady(
            started,
            () -> {
              try (Results<Subtask<String>> done =
                  Scope.asCompleted(blockers(2, started, interrupted))) {
                try {
                  for (Subtask<String> s : done) {
                    s.state();
                  }
                } catch (CancellationException e) {
                  interruptedWhenThrown.set(interrupted.get());
                  throw e;
                }
              }
            });
    assertThat(o.thrown())
        .isInstanceOf(CancellationException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(o.interruptedAfter()).as("interrupt status kept").isTrue();
    assertThat(interruptedWhenThrown).as("cancelled before the iterator threw").hasValue(2);
  }

  @Test
  void asCompletedFuturesIterationStopsWaitingButLeavesTheFuturesAlone() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    CountDownLatch iterating = new CountDownLatch(1);
    Outcome o =
        interruptWhenReady(
            iterating,
            () -> {
              try (Results<Future<String>> done = Scope.asCompletedFutures(List.of(never))) {
                iterating.countDown();
                for (Future<String> f : done) {
                  f.get();
                }
              }
            });
    assertThat(o.thrown())
        .isInstanceOf(CancellationException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(o.interruptedAfter()).as("interrupt status kept").isTrue();
    assertThat(never).isNotDone();
  }
}
