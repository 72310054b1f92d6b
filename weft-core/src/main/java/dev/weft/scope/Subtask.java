package dev.weft.scope;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One task forked in a {@link Scope}. Read its result after {@link Scope#join()}.
 *
 * <p>Thread-safe; no method blocks: {@link #get()} and {@link #exception()} report the outcome the
 * subtask has, and throw {@link IllegalStateException} while it runs. The subtask's actions happen
 * before {@link #state()} reports it finished.
 *
 * @param <T> the result type
 */
public final class Subtask<T> implements Supplier<T> {
  /** Where a subtask is. */
  public enum State {
    /** Not finished yet. */
    RUNNING,
    /** Returned a value. */
    SUCCEEDED,
    /** Threw. */
    FAILED,
    /** Was cancelled (interrupted by its scope) before it finished. */
    CANCELLED
  }

  private final int index;
  private volatile State state = State.RUNNING;
  private volatile Thread thread;
  private T value;
  private Throwable error;

  Subtask(int index) {
    this.index = index;
  }

  /**
   * The subtask's position in fork order, from 0.
   *
   * @return the index
   */
  public int index() {
    return index;
  }

  /**
   * Where the subtask is now.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * The result.
   *
   * @return the value the subtask returned
   * @throws IllegalStateException if it has not succeeded (not finished, failed or cancelled)
   */
  @Override
  public T get() {
    if (state != State.SUCCEEDED) {
      throw new IllegalStateException(
          "subtask #" + index + " is " + state + (error == null ? "" : ": " + error), error);
    }
    return value;
  }

  /**
   * What the subtask threw.
   *
   * @return the failure
   * @throws IllegalStateException if it did not fail
   */
  public Throwable exception() {
    if (state != State.FAILED) {
      throw new IllegalStateException("subtask #" + index + " is " + state + ", not FAILED");
    }
    return error;
  }

  void started(Thread t) {
    thread = t;
  }

  /** Lets go of the thread: a finished subtask the owner keeps should not keep its thread. */
  void finished() {
    thread = null;
  }

  /** The thread running the subtask, or null once it has finished. */
  Thread thread() {
    return thread;
  }

  void succeed(T v) {
    value = v;
    state = State.SUCCEEDED;
  }

  void fail(Throwable t) {
    error = t;
    state = State.FAILED;
  }

  void cancelled() {
    state = State.CANCELLED;
  }

  void interrupt() {
    Thread t = thread;
    if (t != null && state == State.RUNNING) {
      t.interrupt();
      LockSupport.unpark(t);
    }
  }

  @Override
  public String toString() {
    return "Subtask[#" + index + ", " + state + "]";
  }
}
