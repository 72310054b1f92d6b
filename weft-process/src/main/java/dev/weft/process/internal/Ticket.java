package dev.weft.process.internal;

import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;

/**
 * One accepted batch and what has become of each of its inputs so far. Its inputs may run in
 * several {@link Attempt}s (a retry after a crash runs the unfinished ones one per attempt); the
 * ticket reports one {@link BatchResult} when no attempt of it is left, exactly once.
 *
 * <p>All fields are guarded by the supervisor's lock.
 */
final class Ticket implements BatchControl {
  static final byte PENDING = 0;
  static final byte OK = 1;
  static final byte FAILED = 2;
  static final byte SKIPPED = 3;

  final Supervisor owner;
  final Batch<?, ?> batch;
  final BatchCallback callback;
  final long timeoutNanos;
  final Object[] values;
  final Throwable[] errors;
  final byte[] status;
  final int[] attempts;
  Supervisor.FnEntry fn;
  final java.util.List<Attempt> sent = new java.util.ArrayList<>(1);
  int outstanding; // attempts queued or in flight
  boolean cancelled;
  boolean done;
  long startNanos;
  int failedAt = -1; // the first failed position, for fail-fast

  Ticket(Supervisor owner, Batch<?, ?> batch, BatchCallback callback, long timeoutNanos) {
    this.owner = owner;
    this.batch = batch;
    this.callback = callback;
    this.timeoutNanos = timeoutNanos;
    int n = batch.size();
    values = new Object[n];
    errors = new Throwable[n];
    status = new byte[n];
    attempts = new int[n];
  }

  @Override
  public void cancel() {
    owner.cancel(this);
  }

  /** Whether position {@code p} still matters: not after a fail-fast failure before it. */
  boolean needed(int p) {
    return !cancelled && (failedAt < 0 || p < failedAt);
  }

  void resolve(int p, Object value, Throwable error) {
    if (status[p] != PENDING) {
      return; // a result that came twice (never expected) is not counted twice
    }
    if (error != null) {
      status[p] = FAILED;
      errors[p] = error;
      if (batch.stopOnFailure() && (failedAt < 0 || p < failedAt)) {
        failedAt = p;
      }
    } else {
      status[p] = OK;
      values[p] = value;
    }
  }

  void skip(int p) {
    if (status[p] == PENDING) {
      status[p] = SKIPPED;
    }
  }

  BatchResult result(long endNanos) {
    int n = status.length;
    int attempted = 0;
    boolean failed = false;
    while (attempted < n) {
      byte s = status[attempted];
      if (s == PENDING || s == SKIPPED) {
        break;
      }
      attempted++;
      if (s == FAILED) {
        failed = true;
        if (batch.stopOnFailure()) {
          break;
        }
      }
    }
    Object[] v = new Object[n];
    System.arraycopy(values, 0, v, 0, attempted);
    Throwable[] e = null;
    if (failed) {
      e = new Throwable[n];
      System.arraycopy(errors, 0, e, 0, attempted);
    }
    return new BatchResult(batch.id(), v, e, attempted, startNanos, startNanos == 0 ? 0 : endNanos);
  }
}
