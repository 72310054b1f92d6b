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
  private final AtomicInteger finishes = new AtomicInteger();

  private Job job(Batch<?, ?> batch) {
    return new Job(
        batch,
        r -> {
          callbacks.incrementAndGet();
          result.set(r);
        },
        finishes::incrementAndGet);
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
    assertThat(finishes).hasValue(1);
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
                  new CountDownLatch(1).await();
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
}
