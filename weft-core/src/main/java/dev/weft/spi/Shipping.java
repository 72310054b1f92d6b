package dev.weft.spi;

import dev.weft.NotShippableException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before any work starts, that a task can be shipped to a worker in another JVM: every
 * object it reaches must be serializable, and none may be live shared state whose copy in a worker
 * would silently part from the original. Pools call it at the start of each call on an engine whose
 * {@link Engine#shipsWork()} is true; engines and policies may call it too.
 *
 * <p>What is refused, besides what Java serialization itself refuses: locks, atomics, synchronizers
 * ({@code Semaphore}, {@code CountDownLatch}, ...), threads, executors and futures, and weft's own
 * pools, channels and scopes. Policies ship as values where that is meaningful ({@code Retry},
 * {@code Timeout}, and a {@code Limiter}, which becomes one limit per worker).
 *
 * <p>Thread-safe and stateless. The walk serializes the object graph into nothing, so it costs
 * about what serializing the task once costs (microseconds for a lambda and a few captured values).
 */
public final class Shipping {
  private Shipping() {}

  /**
   * Checks that {@code task} can be shipped.
   *
   * @param task the task (a serializable lambda, say)
   * @param what how to name it in the message, such as {@code "the function"}
   * @throws NotShippableException if it cannot, naming the captured class
   */
  public static void check(Object task, String what) {
    check(task, what, false);
  }

  /**
   * Checks that a task whose only effect is what it writes (a loop body that returns nothing) can
   * be shipped: as {@link #check(Object, String)}, and it must not capture an array either, since
   * in a worker process it would write into a copy that this JVM never sees.
   *
   * @param task the task
   * @param what how to name it in the message
   * @throws NotShippableException if it cannot be shipped or captures an array
   */
  public static void checkWritesNoCopies(Object task, String what) {
    check(task, what, true);
  }

  private static void check(Object task, String what, boolean refuseArrays) {
    Walker walker;
    try {
      walker = new Walker(refuseArrays);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      walker.writeObject(task);
      walker.flush();
    } catch (Refused r) {
      throw new NotShippableException(
          what + where(walker.lambdas) + " captures " + r.getMessage(), r.className, null);
    } catch (NotSerializableException e) {
      String cls = e.getMessage();
      throw new NotShippableException(
          what
              + where(walker.lambdas)
              + " captures a "
              + cls
              + ", which is not serializable, so it cannot be sent to a worker process: capture"
              + " values, or pass what the task needs as its input",
          cls,
          e);
    } catch (IOException | RuntimeException e) {
      String cls = task == null ? "null" : task.getClass().getName();
      throw new NotShippableException(
          what + where(walker.lambdas) + " cannot be serialized: " + e, cls, e);
    }
  }

  private static String where(List<String> lambdas) {
    return lambdas.isEmpty() ? "" : " (" + String.join(", in ", lambdas) + ")";
  }

  /** Why a class is refused though it is serializable, or null if it is not refused. */
  static String refusal(Class<?> c) {
    String name = c.getName();
    if (name.equals("java.util.concurrent.ConcurrentHashMap$Segment")) {
      return null; // the lock-shaped placeholders of ConcurrentHashMap's own serial form
    }
    if (name.startsWith("java.util.concurrent.atomic.")) {
      return "an atomic variable, whose updates in a worker process would never reach this JVM:"
          + " return values from the task and combine them instead";
    }
    if (java.util.concurrent.locks.Lock.class.isAssignableFrom(c)
        || java.util.concurrent.locks.ReadWriteLock.class.isAssignableFrom(c)
        || java.util.concurrent.locks.Condition.class.isAssignableFrom(c)) {
      return "a lock, which cannot guard anything across processes (each worker would lock its"
          + " own copy)";
    }
    if (java.util.concurrent.Semaphore.class.isAssignableFrom(c)
        || java.util.concurrent.CountDownLatch.class.isAssignableFrom(c)
        || java.util.concurrent.CyclicBarrier.class.isAssignableFrom(c)
        || java.util.concurrent.Phaser.class.isAssignableFrom(c)
        || java.util.concurrent.Exchanger.class.isAssignableFrom(c)) {
      return "a synchronizer, which cannot coordinate across processes (each worker would get its"
          + " own copy)";
    }
    if (Thread.class.isAssignableFrom(c)
        || java.util.concurrent.Executor.class.isAssignableFrom(c)
        || java.util.concurrent.Future.class.isAssignableFrom(c)) {
      return "a thread, executor or future of this JVM, which a worker process cannot use";
    }
    if (name.equals("dev.weft.Pool")
        || name.equals("dev.weft.channel.Channel")
        || name.equals("dev.weft.scope.Scope")) {
      return "a "
          + c.getSimpleName()
          + " of this JVM, which a worker process cannot use (for a queue between processes, use"
          + " a shared-memory queue handle)";
    }
    return null;
  }

  /** Raised inside the walk when an object is refused; carries the class and the reason. */
  private static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    final String className;

    Refused(String className, String reason) {
      super("a " + className + ": " + reason);
      this.className = className;
    }
  }

  private static final class Walker extends ObjectOutputStream {
    final List<String> lambdas = new ArrayList<>();
    final boolean refuseArrays;

    Walker(boolean refuseArrays) throws IOException {
      super(OutputStream.nullOutputStream());
      this.refuseArrays = refuseArrays;
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) throws IOException {
      if (obj instanceof SerializedLambda lambda) {
        if (lambdas.size() < 3) {
          lambdas.add(
              "a lambda in "
                  + lambda.getCapturingClass().replace('/', '.')
                  + " ("
                  + lambda.getImplMethodName()
                  + ")");
        }
        if (refuseArrays) {
          // An array the body captures is what it writes into; arrays deeper in the graph (an
          // exception's stack trace, a collection's internals) are not.
          for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
            Object arg = lambda.getCapturedArg(i);
            if (arg != null && arg.getClass().isArray()) {
              throw new Refused(
                  arg.getClass().getComponentType().getName() + "[]",
                  "in a worker process it would write into a copy of the array, which this JVM"
                      + " never sees: return the results instead (mapInts, mapLongs, mapDoubles,"
                      + " reduceRange) or write into a SharedMemory segment that the body maps"
                      + " by its handle");
            }
          }
        }
        return obj;
      }
      if (obj != null) {
        String reason = refusal(obj.getClass());
        if (reason != null) {
          throw new Refused(obj.getClass().getName(), reason);
        }
      }
      return obj;
    }
  }
}
