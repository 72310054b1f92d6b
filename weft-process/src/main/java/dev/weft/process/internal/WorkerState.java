package dev.weft.process.internal;

/** What a worker process knows about itself; read through {@code ProcessWorker}. */
public final class WorkerState {
  private WorkerState() {}

  static volatile String name;
  static volatile Object state;
  static volatile Throwable initFailure;

  /**
   * The worker's name.
   *
   * @return the name, or null outside a worker process
   */
  public static String name() {
    return name;
  }

  /**
   * The initializer's result.
   *
   * @return the state, or null if there was no initializer
   */
  public static Object state() {
    return state;
  }

  /**
   * Why the initializer failed.
   *
   * @return the failure, or null
   */
  public static Throwable initFailure() {
    return initFailure;
  }
}
