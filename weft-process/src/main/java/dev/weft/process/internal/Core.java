package dev.weft.process.internal;

import dev.weft.spi.Batch;
import dev.weft.spi.WorkerRecorder;
import java.time.Duration;

/**
 * The few places that use weft-core's SPI additions for remote engines (task deadlines, the lost
 * worker error, the timeout error, serialization time), kept together so that the rest of the
 * engine does not depend on their exact shape.
 */
final class Core {
  private Core() {}

  /** The per-task time limit of a batch in nanoseconds, 0 for none. */
  static long timeoutNanos(Batch<?, ?> batch) {
    return 0;
  }

  static RuntimeException lost(
      String worker, long pid, int exitCode, String signal, int attempts, String detail) {
    StringBuilder b = new StringBuilder("worker ").append(worker);
    if (pid >= 0) {
      b.append(" (pid ").append(pid).append(')');
    }
    b.append(" died");
    if (signal != null) {
      b.append(", killed by ").append(signal);
    } else if (exitCode >= 0) {
      b.append(" with exit code ").append(exitCode);
    }
    b.append(", before the task finished; tried ")
        .append(attempts)
        .append(attempts == 1 ? " time" : " times");
    if (detail != null && !detail.isBlank()) {
      b.append(": ").append(detail);
    }
    return new IllegalStateException(b.toString());
  }

  static Exception timedOut(String task, Duration limit, String worker, long pid) {
    return new java.util.concurrent.TimeoutException(
        task
            + " timed out after "
            + limit
            + "; its worker "
            + worker
            + " (pid "
            + pid
            + ") was killed and replaced");
  }

  static void serialization(WorkerRecorder recorder, long start, long end) {}
}
