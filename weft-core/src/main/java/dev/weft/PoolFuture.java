package dev.weft;

import dev.weft.internal.Job;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future of one {@link Pool#submit} task: completed exactly once, by the engine or a cancel.
 *
 * <p>A {@code get} from inside a task of the same pool runs the submitted task on the calling
 * thread if no worker has claimed it yet, so {@code pool.submit(...).get()} inside a task cannot
 * wait for a worker that is itself waiting.
 */
final class PoolFuture<R> implements Future<R> {
  private static final int PENDING = 0;
  private static final int SUCCEEDED = 1;
  private static final int FAILED = 2;
  private static final int CANCELLED = 3;

  private final AtomicInteger state = new AtomicInteger(PENDING);
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile BatchControl control;
  private volatile boolean cancelRequested;
  private R value;
  private Throwable error;

  void bind(BatchControl control) {
    this.control = control;
    if (cancelRequested) {
      control.cancel();
    }
  }

  @SuppressWarnings("unchecked")
  void complete(BatchResult result) {
    if (result.attempted() == 0) {
      finish(CANCELLED, null, null);
    } else if (result.error(0) != null) {
      finish(FAILED, null, result.error(0));
    } else {
      finish(SUCCEEDED, (R) result.values()[0], null);
    }
  }

  private void finish(int outcome, R value, Throwable error) {
    if (state.get() == PENDING && state.compareAndSet(PENDING, -outcome)) {
      this.value = value;
      this.error = error;
      state.set(outcome);
      done.countDown();
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (state.get() != PENDING) {
      return false;
    }
    cancelRequested = true;
    BatchControl c = control;
    finish(CANCELLED, null, null);
    if (c != null) {
      c.cancel();
    }
    return isCancelled();
  }

  @Override
  public boolean isCancelled() {
    return state.get() == CANCELLED;
  }

  @Override
  public boolean isDone() {
    return done.getCount() == 0;
  }

  @Override
  public R get() throws InterruptedException, ExecutionException {
    helpIfNested();
    done.await();
    return report();
  }

  @Override
  public R get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    helpIfNested();
    if (!done.await(timeout, unit)) {
      throw new TimeoutException("task not done after " + timeout + " " + unit);
    }
    return report();
  }

  private void helpIfNested() throws InterruptedException {
    if (done.getCount() != 0 && control instanceof Job job) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      job.runInline();
    }
  }

  private R report() throws ExecutionException {
    return switch (state.get()) {
      case SUCCEEDED -> value;
      case FAILED -> throw new ExecutionException(error);
      default -> throw new CancellationException("task was cancelled");
    };
  }
}
