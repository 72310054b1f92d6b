package dev.weft.process.internal;

import dev.weft.WorkerLostException;
import dev.weft.policy.TaskTimeoutException;
import dev.weft.spi.Batch;
import dev.weft.spi.WorkerRecorder;
import java.time.Duration;

/**
 * The few places that use weft-core's SPI for engines beyond this JVM (task deadlines, the lost
 * worker error, the enforced timeout error, serialization time), kept together so that the rest of
 * the engine does not depend on their exact shape.
 */
final class Core {
  private Core() {}

  /** The per-task time limit of a batch in nanoseconds, 0 for none. */
  static long timeoutNanos(Batch<?, ?> batch) {
    return batch.deadline().isSet() ? batch.deadline().timeoutNanos() : 0;
  }

  static RuntimeException lost(
      String worker, long pid, int exitCode, String signal, int attempts, String detail) {
    return new WorkerLostException(worker, pid, exitCode, signal, attempts, detail);
  }

  static Exception timedOut(String task, Duration limit, String worker, long pid) {
    // A killed process is stopped for sure: taskStopped is true.
    return TaskTimeoutException.enforced(
        task, limit, "its worker " + worker + " (pid " + pid + ") was killed and replaced", true);
  }

  static void serialization(WorkerRecorder recorder, long start, long end) {
    recorder.serialization(start, end);
  }
}
