package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link ExecutorService} contract of {@link Pool#asExecutorService()}, method by method, in
 * the manner of the JSR-166 TCK ({@code AbstractExecutorServiceTest}, {@code
 * ThreadPoolExecutorTest}), on both built-in engines. Nothing here measures time: tasks block on
 * latches, and a short timeout appears only where the assertion is that a wait gives up.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("pools")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolExecutorServiceTest {
  static List<Arguments> pools() {
    return List.of(
        Arguments.of("Pool.cpu(2)", (Supplier<Pool>) () -> Pool.cpu(2)),
        Arguments.of("Pool.io(4)", (Supplier<Pool>) () -> Pool.io(4)));
  }

  @Parameter(0)
  String name;

  @Parameter(1)
  Supplier<Pool> pools;

  private Pool pool;
  private ExecutorService view;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();

  @BeforeEach
  void open() {
    pool = pools.get();
    view = pool.asExecutorService();
  }

  @AfterEach
  void closeEverything() throws InterruptedException {
    gate.countDown();
    for (Thread t : threads) {
      t.interrupt();
      t.join();
    }
    pool.shutdownNow();
    pool.close();
    assertThat(pool.isTerminated()).isTrue();
  }

  /** A task that blocks on {@link #gate} until released or interrupted, and says which. */
  private final class Blocker implements Callable<String>, Runnable {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public String call() throws InterruptedException {
      started.countDown();
      try {
        gate.await();
        return "released";
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      } finally {
        finished.countDown();
      }
    }

    @Override
    public void run() {
      try {
        call();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Fills every worker of the pool with a blocker of {@code through}, once they all run. */
  private List<Blocker> occupyAllWorkers(ExecutorService through) throws InterruptedException {
    List<Blocker> blockers = new ArrayList<>();
    for (int i = 0; i < pool.parallelism(); i++) {
      Blocker b = new Blocker();
      blockers.add(b);
      through.execute(b);
    }
    for (Blocker b : blockers) {
      b.started.await();
    }
    return blockers;
  }

  private Thread start(Runnable body) {
    Thread t = Thread.ofPlatform().name("test-" + name).start(body);
    threads.add(t);
    return t;
  }

  private static void awaitWaiting(Thread t) {
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
  }

  @Test
  void executeRunsTheTaskOnAWorkerOfThePool() throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    view.execute(() -> {
      ranOn.set(Thread.currentThread());
      done.countDown();
    });
    done.await();
    assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
  }

  @Test
  void submitReturnsFuturesWithTheResult() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Runnable increment = ran::incrementAndGet;
    Future<?> plain = view.submit(increment);
    Future<String> withResult = view.submit(increment, "given");
    Future<String> callable = view.submit(() -> "called");
    assertThat(plain.get()).isNull();
    assertThat(withResult.get()).isEqualTo("given");
    assertThat(callable.get()).isEqualTo("called");
    assertThat(ran).hasValue(2);
    for (Future<?> f : List.of(plain, withResult, callable)) {
      assertThat(f.isDone()).isTrue();
      assertThat(f.isCancelled()).isFalse();
      assertThat(f.state()).isEqualTo(Future.State.SUCCESS);
      assertThatThrownBy(f::exceptionNow).isInstanceOf(IllegalStateException.class);
    }
    assertThat(callable.resultNow()).isEqualTo("called");
  }

  @Test
  void aFailedTaskReportsItsExceptionThroughTheFuture() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    Future<String> f =
        view.submit(() -> {
          throw boom;
        });
    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
    assertThat(f.state()).isEqualTo(Future.State.FAILED);
    assertThat(f.exceptionNow()).isSameAs(boom);
    assertThatThrownBy(f::resultNow).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRunningTaskIsInStateRunningAndHasNoResultYet() throws Exception {
    Blocker b = new Blocker();
    Future<String> f = view.submit((Callable<String>) b);
    b.started.await();
    assertThat(f.state()).isEqualTo(Future.State.RUNNING);
    assertThat(f.isDone()).isFalse();
    assertThatThrownBy(f::resultNow).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(f::exceptionNow).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> f.get(1, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    gate.countDown();
    assertThat(f.get()).isEqualTo("released");
  }

  @Test
  void nullArgumentsThrowNullPointerException() {
    List<Callable<String>> withNull = new ArrayList<>();
    withNull.add(() -> "a");
    withNull.add(null);
    List<Callable<String>> one = List.of(() -> "a");
    assertThatThrownBy(() -> view.execute(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.submit((Runnable) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.submit((Runnable) null, "x"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.submit((Callable<String>) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAll(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAll(withNull)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAll(null, 1, TimeUnit.DAYS))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAll(withNull, 1, TimeUnit.DAYS))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAll(one, 1, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAny(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAny(withNull)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAny(null, 1, TimeUnit.DAYS))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAny(withNull, 1, TimeUnit.DAYS))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.invokeAny(one, 1, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> view.awaitTermination(1, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void invokeAnyOfNoTasksIsIllegal() {
    assertThatThrownBy(() -> view.invokeAny(List.<Callable<String>>of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> view.invokeAny(List.<Callable<String>>of(), 1, TimeUnit.DAYS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void assertRejectsEverything(ExecutorService v) {
    List<Callable<String>> one = List.of(() -> "a");
    assertThatThrownBy(() -> v.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> v.submit(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> v.submit(() -> {}, "x"))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> v.submit(() -> "x")).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> v.invokeAll(one)).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> v.invokeAll(one, 1, TimeUnit.DAYS))
        .isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> v.invokeAny(one)).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> v.invokeAny(one, 1, TimeUnit.DAYS))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void everyMethodRejectsAfterShutdownAndShutdownNow() {
    view.shutdown();
    assertRejectsEverything(view);
    ExecutorService other = pool.asExecutorService();
    assertThat(other.shutdownNow()).isEmpty();
    assertRejectsEverything(other);
  }

  @Test
  void shutdownLetsAcceptedTasksFinishAndAwaitTerminationWaitsForThem() throws Exception {
    List<Blocker> running = occupyAllWorkers(view);
    AtomicInteger queuedRan = new AtomicInteger();
    Future<?> queued = view.submit(queuedRan::incrementAndGet);
    assertThat(view.isShutdown()).isFalse();
    assertThat(view.awaitTermination(1, TimeUnit.MILLISECONDS)).isFalse();
    view.shutdown();
    assertThat(view.isShutdown()).isTrue();
    assertThat(view.isTerminated()).isFalse();
    assertThat(view.awaitTermination(1, TimeUnit.MILLISECONDS)).isFalse();
    gate.countDown();
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    assertThat(view.isTerminated()).isTrue();
    assertThat(queued.isDone()).isTrue();
    assertThat(queuedRan).hasValue(1);
    for (Blocker b : running) {
      assertThat(b.interrupted.getCount()).isOne();
      assertThat(b.finished.getCount()).isZero();
    }
  }

  @Test
  void shutdownNowInterruptsRunningTasksAndReturnsTheNeverStartedOnesCancelled() throws Exception {
    List<Blocker> running = occupyAllWorkers(view);
    AtomicInteger queuedRan = new AtomicInteger();
    Runnable plain = queuedRan::incrementAndGet;
    Future<?> submitted = view.submit(queuedRan::incrementAndGet);
    Future<String> called =
        view.submit(() -> {
          queuedRan.incrementAndGet();
          return "never";
        });
    view.execute(plain);

    List<Runnable> neverStarted = view.shutdownNow();

    assertThat(neverStarted).containsExactly((Runnable) submitted, (Runnable) called, plain);
    assertThat(submitted.isCancelled()).isTrue();
    assertThat(called.state()).isEqualTo(Future.State.CANCELLED);
    assertThatThrownBy(called::get).isInstanceOf(CancellationException.class);
    for (Blocker b : running) {
      b.interrupted.await();
    }
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    assertThat(view.isTerminated()).isTrue();
    assertThat(queuedRan).hasValue(0);
    assertThat(view.shutdownNow()).isEmpty();
    // The pool belongs to its owner: still open after its view was shut down.
    assertThat(pool.map(x -> x + 1, List.of(1, 2))).containsExactly(2, 3);
  }

  @Test
  void cancelTrueInterruptsARunningTask() throws Exception {
    Blocker b = new Blocker();
    Future<String> f = view.submit((Callable<String>) b);
    b.started.await();
    assertThat(f.cancel(true)).isTrue();
    assertThat(f.isCancelled()).isTrue();
    assertThat(f.isDone()).isTrue();
    assertThat(f.state()).isEqualTo(Future.State.CANCELLED);
    assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
    assertThatThrownBy(f::resultNow).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(f::exceptionNow).isInstanceOf(IllegalStateException.class);
    b.interrupted.await();
    assertThat(f.cancel(true)).isFalse();
  }

  @Test
  void cancelFalseLeavesTheTaskRunningAndTheViewWaitsForIt() throws Exception {
    Blocker b = new Blocker();
    Future<String> f = view.submit((Callable<String>) b);
    b.started.await();
    assertThat(f.cancel(false)).isTrue();
    assertThat(f.state()).isEqualTo(Future.State.CANCELLED);
    assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
    view.shutdown();
    // The task still runs, so the view is not terminated.
    assertThat(view.isTerminated()).isFalse();
    assertThat(view.awaitTermination(1, TimeUnit.MILLISECONDS)).isFalse();
    gate.countDown();
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    assertThat(b.finished.getCount()).isZero();
    assertThat(b.interrupted.getCount()).as("never interrupted").isOne();
    assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
  }

  @Test
  void aTaskCancelledBeforeItStartsNeverRunsAndLeavesThePool() throws Exception {
    occupyAllWorkers(view);
    AtomicInteger ran = new AtomicInteger();
    List<Future<?>> queued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      queued.add(view.submit(ran::incrementAndGet));
    }
    assertThat(queued.get(0).cancel(false)).isTrue();
    assertThat(queued.get(1).cancel(true)).isTrue();
    view.shutdown();
    gate.countDown();
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    assertThat(ran).hasValue(2);
    assertThat(queued.get(0).isCancelled()).isTrue();
    assertThat(queued.get(1).isCancelled()).isTrue();
    assertThat(queued.get(2).state()).isEqualTo(Future.State.SUCCESS);
  }

  @Test
  void aCancelledWaitingTaskLeavesThePoolAtOnce() throws Exception {
    // Another view's tasks hold every worker, so this view's task cannot start.
    occupyAllWorkers(pool.asExecutorService());
    AtomicInteger ran = new AtomicInteger();
    for (boolean mayInterrupt : List.of(false, true)) {
      ExecutorService v = pool.asExecutorService();
      Future<?> waiting = v.submit(ran::incrementAndGet);
      assertThat(waiting.cancel(mayInterrupt)).isTrue();
      v.shutdown();
      // Terminated while the workers are still blocked: the cancelled task no longer counts.
      assertThat(v.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    }
    gate.countDown();
    assertThat(view.submit(() -> "after").get()).isEqualTo("after");
    assertThat(ran).hasValue(0);
  }

  @Test
  void anExecuteInterruptedWhileThePoolIsFullIsRejectedWithTheInterruptKept() throws Exception {
    // Capacity 1: one task runs, one waits, and the next execute waits for room.
    Pool small =
        Pool.on(
            name.startsWith("Pool.io")
                ? new dev.weft.internal.VirtualEngine("small-io", 1, 1)
                : new dev.weft.internal.ThreadEngine("small-cpu", 1, 1));
    try {
      ExecutorService v = small.asExecutorService();
      Blocker running = new Blocker();
      v.execute(running);
      running.started.await();
      Runnable waiting = () -> {};
      v.execute(waiting);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean interruptKept = new AtomicBoolean();
      Thread submitter =
          start(() -> {
            thrown.set(catchThrowable(() -> v.execute(() -> {})));
            interruptKept.set(Thread.currentThread().isInterrupted());
          });
      awaitWaiting(submitter);
      submitter.interrupt();
      submitter.join();
      assertThat(thrown.get())
          .isInstanceOf(RejectedExecutionException.class)
          .cause()
          .isInstanceOf(InterruptedException.class);
      assertThat(interruptKept).isTrue();
      // The rejected task is not the view's: only the waiting one is returned.
      assertThat(v.shutdownNow()).containsExactly(waiting);
      running.interrupted.await();
      assertThat(v.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    } finally {
      small.shutdownNow();
      small.close();
    }
  }

  @Test
  void theInterruptOfACancelledTaskDoesNotReachLaterTasks() throws Exception {
    for (int round = 0; round < 3; round++) {
      List<Blocker> blockers = new ArrayList<>();
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < pool.parallelism(); i++) {
        Blocker b = new Blocker();
        blockers.add(b);
        futures.add(view.submit((Callable<String>) b));
      }
      for (Blocker b : blockers) {
        b.started.await();
      }
      futures.forEach(f -> f.cancel(true));
      for (Blocker b : blockers) {
        b.finished.await();
      }
    }
    List<Callable<Boolean>> probes = new ArrayList<>();
    for (int i = 0; i < 4 * pool.parallelism(); i++) {
      probes.add(() -> Thread.currentThread().isInterrupted());
    }
    for (Future<Boolean> f : view.invokeAll(probes)) {
      assertThat(f.get()).isFalse();
    }
  }

  @Test
  void invokeAllReturnsEveryFutureDoneInTheTasksOrder() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      tasks.add(() -> {
        if (n == 7) {
          throw boom;
        }
        return n * n;
      });
    }
    List<Future<Integer>> futures = view.invokeAll(tasks);
    assertThat(futures).hasSize(20).allMatch(Future::isDone);
    for (int i = 0; i < 20; i++) {
      if (i == 7) {
        assertThat(futures.get(i).exceptionNow()).isSameAs(boom);
      } else {
        assertThat(futures.get(i).resultNow()).isEqualTo(i * i);
      }
    }
    List<Future<Integer>> timed = view.invokeAll(tasks.subList(0, 5), 1, TimeUnit.DAYS);
    assertThat(timed).extracting(Future::resultNow).containsExactly(0, 1, 4, 9, 16);
    assertThat(view.invokeAll(List.<Callable<Integer>>of())).isEmpty();
  }

  @Test
  void timedInvokeAllCancelsWhatIsUnfinishedWhenTimeRunsOut() throws Exception {
    Blocker b = new Blocker();
    List<Callable<String>> tasks = List.of(() -> "quick", b, () -> "also quick");
    List<Future<String>> futures = view.invokeAll(tasks, 20, TimeUnit.MILLISECONDS);
    assertThat(futures).hasSize(3).allMatch(Future::isDone);
    assertThat(futures.get(1).isCancelled()).isTrue();
    for (Future<String> f : futures) {
      assertThat(f.state()).isIn(Future.State.SUCCESS, Future.State.CANCELLED);
    }
    view.shutdown();
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    // It was interrupted if it had started; it never ran to the end.
    assertThat(b.interrupted.getCount()).isEqualTo(b.started.getCount());
    assertThat(b.finished.getCount()).isEqualTo(b.started.getCount());
  }

  @Test
  void anInterruptedInvokeAllThrowsAndCancelsItsTasks() throws Exception {
    assertAnInterruptedCallThrowsAndCancelsBothTasks((tasks, timed) -> {
      if (timed) {
        view.invokeAll(tasks, 1, TimeUnit.DAYS);
      } else {
        view.invokeAll(tasks);
      }
    });
  }

  @Test
  void invokeAnyReturnsAResultOfASuccessfulTaskAndCancelsTheRest() throws Exception {
    Blocker slow = new Blocker();
    Callable<String> quick =
        () -> {
          slow.started.await();
          return "quick";
        };
    assertThat(view.invokeAny(List.of(slow, quick))).isEqualTo("quick");
    slow.interrupted.await();

    Blocker slowToo = new Blocker();
    Callable<String> quickToo =
        () -> {
          slowToo.started.await();
          return "quick too";
        };
    assertThat(view.invokeAny(List.of(slowToo, quickToo), 1, TimeUnit.DAYS)).isEqualTo("quick too");
    slowToo.interrupted.await();
    assertThat(view.invokeAny(List.<Callable<String>>of(() -> "only"))).isEqualTo("only");
  }

  @Test
  void invokeAnyThrowsExecutionExceptionWhenEveryTaskFails() {
    List<Callable<String>> failing = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      failing.add(() -> {
        throw new IllegalStateException("failure " + n);
      });
    }
    assertThatThrownBy(() -> view.invokeAny(failing))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("failure ");
    assertThatThrownBy(() -> view.invokeAny(failing, 1, TimeUnit.DAYS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTimedInvokeAnyThatRunsOutOfTimeThrowsTimeoutExceptionAndCancelsItsTasks() throws Exception {
    Blocker first = new Blocker();
    Blocker second = new Blocker();
    assertThatThrownBy(() -> view.invokeAny(List.of(first, second), 20, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    view.shutdown();
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    for (Blocker b : List.of(first, second)) {
      assertThat(b.interrupted.getCount()).isEqualTo(b.started.getCount());
      assertThat(b.finished.getCount()).isEqualTo(b.started.getCount());
    }
  }

  @Test
  void anInterruptedInvokeAnyThrowsAndCancelsItsTasks() throws Exception {
    assertAnInterruptedCallThrowsAndCancelsBothTasks((tasks, timed) -> {
      if (timed) {
        view.invokeAny(tasks, 1, TimeUnit.DAYS);
      } else {
        view.invokeAny(tasks);
      }
    });
  }

  /** invokeAll or invokeAny, timed or not. */
  private interface Invocation {
    void invoke(Collection<Callable<String>> tasks, boolean timed) throws Exception;
  }

  /** Interrupts a caller blocked in the invocation, timed and untimed, once both tasks started. */
  private void assertAnInterruptedCallThrowsAndCancelsBothTasks(Invocation invocation)
      throws Exception {
    for (boolean timed : List.of(false, true)) {
      Blocker first = new Blocker();
      Blocker second = new Blocker();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread caller =
          start(() ->
              thrown.set(catchThrowable(() -> invocation.invoke(List.of(first, second), timed))));
      first.started.await();
      second.started.await();
      caller.interrupt();
      caller.join();
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
      first.interrupted.await();
      second.interrupted.await();
    }
  }

  @Test
  void anInterruptedGetThrowsInterruptedException() throws Exception {
    Blocker b = new Blocker();
    Future<String> f = view.submit((Callable<String>) b);
    for (boolean timed : List.of(false, true)) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread waiter =
          start(() ->
              thrown.set(
                  catchThrowable(() -> {
                    if (timed) {
                      f.get(1, TimeUnit.DAYS);
                    } else {
                      f.get();
                    }
                  })));
      awaitWaiting(waiter);
      waiter.interrupt();
      waiter.join();
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }
    assertThat(f.isDone()).isFalse();
  }

  @Test
  void anInterruptedAwaitTerminationThrowsInterruptedException() throws Exception {
    occupyAllWorkers(view);
    view.shutdown();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter =
        start(() -> thrown.set(catchThrowable(() -> view.awaitTermination(1, TimeUnit.DAYS))));
    awaitWaiting(waiter);
    waiter.interrupt();
    waiter.join();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(view.isTerminated()).isFalse();
  }

  @Test
  void aRunnableThatThrowsReachesTheWorkersUncaughtExceptionHandlerAndTheWorkerLivesOn()
      throws Exception {
    Thread.UncaughtExceptionHandler original = Thread.getDefaultUncaughtExceptionHandler();
    Set<Throwable> seen = ConcurrentHashMap.newKeySet();
    Set<Thread> seenOn = ConcurrentHashMap.newKeySet();
    int n = 3 * pool.parallelism();
    CountDownLatch reported = new CountDownLatch(n);
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      seen.add(e);
      seenOn.add(t);
      reported.countDown();
    });
    try {
      List<Throwable> thrown = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        RuntimeException e = new IllegalStateException("thrown by runnable " + i);
        thrown.add(e);
        view.execute(() -> {
          throw e;
        });
      }
      reported.await();
      assertThat(seen).containsExactlyInAnyOrderElementsOf(thrown);
      assertThat(seenOn).doesNotContain(Thread.currentThread());
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(original);
    }
    assertThat(view.submit(() -> "still working").get()).isEqualTo("still working");
    assertThat(pool.map(x -> x * 2, List.of(1, 2, 3))).containsExactly(2, 4, 6);
  }

  @Test
  void completableFuturesRunAsyncStagesOnThePool() throws Exception {
    Thread caller = Thread.currentThread();
    CompletableFuture<Thread> where = CompletableFuture.supplyAsync(Thread::currentThread, view);
    CompletableFuture<String> chained =
        CompletableFuture.supplyAsync(() -> 20, view)
            .thenApplyAsync(x -> x + 1, view)
            .thenCombineAsync(CompletableFuture.supplyAsync(() -> 2, view), (a, b) -> a * b, view)
            .thenApplyAsync(x -> "answer " + x, view);
    assertThat(chained.get()).isEqualTo("answer 42");
    Thread worker = where.get();
    assertThat(worker).isNotSameAs(caller).isNotInstanceOf(ForkJoinWorkerThread.class);
    assertThat(worker.isVirtual()).isEqualTo(name.startsWith("Pool.io"));

    CompletableFuture<String> failed =
        CompletableFuture.supplyAsync(
            () -> {
              throw new IllegalStateException("async failure");
            },
            view);
    assertThatThrownBy(failed::join)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("async failure");
  }

  @Test
  void viewsOfOnePoolAreIndependent() throws Exception {
    ExecutorService other = pool.asExecutorService();
    assertThat(other).isNotSameAs(view);
    Blocker b = new Blocker();
    Future<String> blocked = view.submit((Callable<String>) b);
    b.started.await();
    other.shutdown();
    // The other view has no task of its own: terminated although the pool is busy with ours.
    assertThat(other.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    assertThat(other.isTerminated()).isTrue();
    assertThat(view.isShutdown()).isFalse();
    assertThat(view.submit(() -> "ok").get()).isEqualTo("ok");
    assertThat(other.shutdownNow()).isEmpty();
    assertThat(blocked.isDone()).isFalse();
    assertThat(b.interrupted.getCount()).isOne();
    gate.countDown();
    assertThat(blocked.get()).isEqualTo("released");
  }

  @Test
  void closeOfTheViewWaitsForItsTasksAndLeavesThePoolOpen() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    List<Blocker> blockers = occupyAllWorkers(view);
    for (int i = 0; i < 10; i++) {
      view.execute(ran::incrementAndGet);
    }
    Thread closer = start(view::close);
    awaitWaiting(closer);
    gate.countDown();
    closer.join();
    assertThat(view.isTerminated()).isTrue();
    assertThat(ran).hasValue(10);
    for (Blocker b : blockers) {
      assertThat(b.finished.getCount()).isZero();
    }
    assertThat(pool.map(x -> -x, List.of(1, 2))).containsExactly(-1, -2);
  }

  @Test
  void aClosedPoolMakesItsViewRejectAndTerminateOnceItsTasksAreDone() throws Exception {
    Blocker b = new Blocker();
    Future<String> accepted = view.submit((Callable<String>) b);
    b.started.await();
    AtomicReference<Object> waited = new AtomicReference<>();
    // Waits on a view nobody shuts down: only the pool's closing can end it.
    Thread waiter =
        start(() -> {
          try {
            waited.set(view.awaitTermination(1, TimeUnit.DAYS));
          } catch (InterruptedException e) {
            waited.set(e);
          }
        });
    Thread closer = start(pool::close);
    while (!view.isShutdown()) {
      Thread.onSpinWait();
    }
    assertRejectsEverything(view);
    assertThat(view.isTerminated()).isFalse();
    gate.countDown();
    closer.join();
    waiter.join();
    assertThat(waited.get()).isEqualTo(true);
    assertThat(view.isTerminated()).isTrue();
    assertThat(accepted.get()).isEqualTo("released");
    assertThat(pool.asExecutorService().isTerminated()).isTrue();
  }

  @Test
  void thePoolOwnersShutdownNowCancelsTheViewsWaitingFuturesSoNothingHangs() throws Exception {
    List<Blocker> running = occupyAllWorkers(view);
    AtomicInteger ran = new AtomicInteger();
    Future<?> queued = view.submit(ran::incrementAndGet);
    pool.shutdownNow();
    assertThatThrownBy(queued::get).isInstanceOf(CancellationException.class);
    for (Blocker b : running) {
      b.interrupted.await();
    }
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    assertThat(ran).hasValue(0);
  }

  @Test
  void shutdownNowWhileInvokeAllAndInvokeAnyWaitForQueuedTasksEndsThemWithoutAHang()
      throws Exception {
    // The workers are busy with another view's tasks, which this view's shutdownNow leaves alone.
    ExecutorService busy = pool.asExecutorService();
    List<Blocker> running = occupyAllWorkers(busy);
    AtomicReference<Object> all = new AtomicReference<>();
    AtomicReference<Throwable> any = new AtomicReference<>();
    Thread allCaller =
        start(() -> {
          try {
            all.set(view.invokeAll(List.<Callable<String>>of(() -> "a", () -> "b")));
          } catch (Throwable t) {
            all.set(t);
          }
        });
    Thread anyCaller =
        start(() ->
            any.set(catchThrowable(() -> view.invokeAny(List.<Callable<String>>of(() -> "c")))));
    awaitWaiting(allCaller);
    awaitWaiting(anyCaller);
    List<Runnable> neverStarted = view.shutdownNow();
    allCaller.join();
    anyCaller.join();
    // Either a call's tasks were accepted and drained, or the call met the shut-down view.
    if (all.get() instanceof List<?> futures) {
      assertThat(futures).allMatch(f -> ((Future<?>) f).isCancelled());
      assertThat(neverStarted).containsAll(futures.stream().map(f -> (Runnable) f).toList());
    } else {
      assertThat(all.get()).isInstanceOf(RejectedExecutionException.class);
    }
    assertThat(any.get())
        .isInstanceOfAny(ExecutionException.class, RejectedExecutionException.class);
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    for (Blocker b : running) {
      assertThat(b.interrupted.getCount()).isOne();
    }
  }

  @Test
  void concurrentSubmitsCancelsAndShutdownNowAccountForEveryTask() throws Exception {
    int n = System.getenv("CI") != null ? 2_000 : 20_000;
    AtomicInteger[] runs = new AtomicInteger[n];
    List<Future<Integer>> futures = new ArrayList<>(n);
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Integer>> shared = java.util.Collections.synchronizedList(futures);
    Thread canceller =
        start(() -> {
          int i = 0;
          while (!stop.get()) {
            int size = shared.size();
            if (size > 0) {
              shared.get(i++ % size).cancel(i % 2 == 0);
            }
            Thread.yield();
          }
        });
    List<Runnable> neverStarted = List.of();
    for (int i = 0; i < n; i++) {
      int k = i;
      runs[k] = new AtomicInteger();
      try {
        shared.add(
            view.submit(() -> {
              runs[k].incrementAndGet();
              return k;
            }));
      } catch (RejectedExecutionException e) {
        break;
      }
      if (i == n / 2) {
        neverStarted = view.shutdownNow();
      }
    }
    stop.set(true);
    canceller.join();
    assertThat(view.awaitTermination(1, TimeUnit.DAYS)).isTrue();
    Set<Object> drained = ConcurrentHashMap.newKeySet();
    drained.addAll(neverStarted);
    assertThat(futures).hasSize(n / 2 + 1);
    for (int i = 0; i < futures.size(); i++) {
      Future<Integer> f = futures.get(i);
      assertThat(f.isDone()).as("future %d done", i).isTrue();
      int ran = runs[i].get();
      assertThat(ran).as("runs of task %d", i).isLessThanOrEqualTo(1);
      if (drained.contains(f)) {
        assertThat(ran).as("drained task %d never ran", i).isZero();
        assertThat(f.isCancelled()).isTrue();
      } else if (f.state() == Future.State.SUCCESS) {
        assertThat(ran).isOne();
        assertThat(f.resultNow()).isEqualTo(i);
      } else {
        assertThat(f.state()).isEqualTo(Future.State.CANCELLED);
      }
    }
    assertThat(view.isTerminated()).isTrue();
  }
}
