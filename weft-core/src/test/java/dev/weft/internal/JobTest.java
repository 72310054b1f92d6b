package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.spi.Batch;
import dev.weft.spi.BatchResult;
import dev.weft.spi.WorkerRecorder;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The job hand-off, in the orders a test can force; jcstress covers the races. */
class JobTest {
  private final AtomicInteger callbacks = new AtomicInteger();
  private final AtomicReference<BatchResult> result = new AtomicReference<>();

  private Job job(Batch<?, ?> batch) {
    return new Job(
        batch,
        r -> {
          callbacks.incrementAndGet();
          result.set(r);
        },
        this);
  }

  @Test
  void aJobCancelledBeforeItStartsReportsOnceAndNeverRuns() {
    AtomicInteger ran = new AtomicInteger();
    Job job =
        job(new Batch<Integer, Integer>(1, 0, List.of(1, 2), x -> ran.incrementAndGet(), true));
    job.cancel();
    job.cancel();
    assertThat(job.runOn(WorkerRecorder.NONE)).isFalse();
    assertThat(ran).hasValue(0);
    assertThat(callbacks).hasValue(1);
    assertThat(result.get().attempted()).isZero();
    assertThat(job.state()).isEqualTo(Job.CANCELLED);
  }

  @Test
  void aRunningJobIsInterruptedAndTheInterruptDoesNotOutliveIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Job job =
        job(
            new Batch<Integer, Integer>(
                1,
                0,
                List.of(1, 2, 3),
                x -> {
                  started.countDown();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    // The worst a task can do: swallow the cancel and leave the status set.
                    Thread.currentThread().interrupt();
                    throw e;
                  }
                  return x;
                },
                true));
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    Thread worker =
        Thread.ofPlatform()
            .start(() -> {
              job.runOn(WorkerRecorder.NONE);
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    started.await();
    job.cancel();
    worker.join();
    assertThat(interruptedAfter.get()).isFalse();
    assertThat(callbacks).hasValue(1);
    // The interrupted task counts as cancelled, not failed, and the rest did not run.
    assertThat(result.get().attempted()).isZero();
    assertThat(result.get().hasFailure()).isFalse();
    assertThat(job.state()).isEqualTo(Job.INTERRUPTED);
  }

  @Test
  void aCompletedJobIgnoresLateCancels() {
    Job job = job(new Batch<Integer, Integer>(1, 0, List.of(1, 2), x -> x * 2, true));
    assertThat(job.runOn(WorkerRecorder.NONE)).isTrue();
    job.cancel();
    assertThat(callbacks).hasValue(1);
    assertThat(result.get().values()).containsExactly(2, 4);
    assertThat(job.state()).isEqualTo(Job.DONE);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aJobRunsInlineOnlyInsideAJobOfTheSameEngine() {
    Object engine = new Object();
    AtomicReference<Boolean> ranInline = new AtomicReference<>();
    AtomicReference<BatchResult> innerResult = new AtomicReference<>();
    Job inner =
        new Job(
            new Batch<Integer, Integer>(2, 0, List.of(5), x -> x + 1, true),
            innerResult::set,
            engine);
    // Not inside any job: no inline run.
    assertThat(inner.runInline()).isFalse();
    Job foreign =
        new Job(
            new Batch<Integer, Boolean>(3, 0, List.of(1), x -> inner.runInline(), true),
            r -> {},
            new Object());
    foreign.runOn(WorkerRecorder.NONE);
    assertThat(innerResult.get()).isNull();
    Job outer =
        new Job(
            new Batch<Integer, Integer>(
                4,
                0,
                List.of(1),
                x -> {
                  ranInline.set(inner.runInline());
                  return x;
                },
                true),
            r -> {},
            engine);
    assertThat(outer.runOn(WorkerRecorder.NONE)).isTrue();
    assertThat(ranInline.get()).isTrue();
    assertThat(innerResult.get().values()).containsExactly(6);
    // Claimed: neither the engine's worker nor a second helper runs it again.
    assertThat(inner.runOn(WorkerRecorder.NONE)).isFalse();
    assertThat(Job.isWorkerOf(engine)).isFalse();
  }

  @Test
  void aCancelOfTheEnclosingJobSurvivesAnInlineRun() throws Exception {
    Object engine = new Object();
    CountDownLatch innerStarted = new CountDownLatch(1);
    AtomicReference<Boolean> interruptedAfterInline = new AtomicReference<>();
    Job inner =
        new Job(
            new Batch<Integer, Integer>(
                2,
                0,
                List.of(1),
                x -> {
                  innerStarted.countDown();
                  new CountDownLatch(1).await();
                  return x;
                },
                true),
            r -> {},
            engine);
    Job outer =
        new Job(
            new Batch<Integer, Integer>(
                1,
                0,
                List.of(1),
                x -> {
                  inner.runInline();
                  interruptedAfterInline.set(Thread.currentThread().isInterrupted());
                  return x;
                },
                true),
            r -> {},
            engine);
    Thread worker = Thread.ofPlatform().start(() -> outer.runOn(WorkerRecorder.NONE));
    innerStarted.await();
    outer.cancel();
    worker.join();
    assertThat(interruptedAfterInline.get()).isTrue();
  }
}
