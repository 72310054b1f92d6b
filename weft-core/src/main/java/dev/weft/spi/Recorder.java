package dev.weft.spi;

/**
 * Hands each worker of an engine its {@link WorkerRecorder}. The pool gives one to its engine when
 * it {@linkplain Engine#start(Recorder) starts} it; the engine asks for a worker recorder once per
 * worker it creates and reports through it.
 */
@FunctionalInterface
public interface Recorder {
  /**
   * The recorder for a new worker.
   *
   * @param workerName a name that identifies the worker in diagnostics, unique within the engine
   * @return where that worker reports
   */
  WorkerRecorder worker(String workerName);

  /** A recorder that records nothing. */
  Recorder NONE = name -> WorkerRecorder.NONE;
}
