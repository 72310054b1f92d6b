package dev.weft.testkit;

import dev.weft.NotShippableException;
import dev.weft.TaskFunction;
import dev.weft.policy.TaskTimeoutException;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.BatchRunner;
import dev.weft.spi.Engine;
import dev.weft.spi.Recorder;
import dev.weft.spi.Shipping;
import dev.weft.spi.WorkerRecorder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A test engine that behaves as if its workers ran in another JVM: every {@link Batch} is
 * serialized with Java serialization and run as a fresh deserialized copy, and every {@link
 * BatchResult} is serialized and deserialized again before the callback sees it. A task that writes
 * to state it captured writes to its copy, and the caller never sees it; a test or a library path
 * that secretly counts on memory shared between caller and task therefore fails here as it would on
 * worker processes, without the cost of starting any. {@link RemotePoolConformance} runs on it.
 *
 * <p>The workers are a fixed set of daemon platform threads named {@code weft-ser-<n>-<i>}, taking
 * batches from one FIFO queue and running each copy with {@link BatchRunner}, the loop every engine
 * shares (weft-core's own thread engine is not exported, so it cannot be wrapped). On top of
 * serialization, each batch's function is checked with {@link Shipping#check} (as a pool checks it
 * when a call starts), so a submitted task that captures an atomic, a lock or a pool fails instead
 * of silently running against its copy.
 *
 * <p>Per-input failures, never a lost batch: an input that cannot be serialized fails with a {@link
 * NotShippableException} naming its class, a result that cannot be serialized back fails its input
 * the same way, and a task error that cannot be serialized is replaced by an {@link
 * IllegalStateException} carrying its description. A function that cannot be shipped fails every
 * input of the batch.
 *
 * <p>Deadlines: a batch's {@link dev.weft.spi.TaskDeadline} is enforced per task by interrupting
 * the task's thread when its time is up; the input then fails with {@link
 * TaskTimeoutException#enforced}, whether the task stopped within the grace period or finished
 * later (this engine does not abandon a worker thread, so a task that ignores interrupts holds its
 * worker until it returns).
 *
 * <p>Thread-safe. {@link #execute} blocks while {@code capacity} accepted batches wait and throws
 * {@link InterruptedException} if interrupted there. Cancelling a batch before it starts reports it
 * cancelled; while it runs, its stop flag is set and its thread interrupted, and the inputs it
 * reached are reported. Happens-before: as the {@link Engine} contract says, plus a copy: the task
 * sees the caller's objects as they were when the batch was serialized, on the worker, just before
 * it runs.
 *
 * <p>Implementation note. A batch is enqueued only under {@code stateLock} while RUNNING, and
 * shutdown appends one stop marker per worker under the same lock, so no accepted batch stands
 * behind a marker. A job leaves NEW by a CAS: to RUNNING by the worker that claims it, or to
 * CANCELLED by a canceller, who then reports it; exactly one party calls the callback. A canceller
 * interrupts a running job only while holding the job's monitor and only in state RUNNING; the
 * worker moves it to DONE under the same monitor before it clears its interrupt status, so a cancel
 * interrupt never reaches the next batch. Deadline interrupts follow the same rule with the task's
 * own monitor.
 */
public final class SerializingEngine implements Engine {
  private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOP = 2;

  /** What a round trip costs before anything is measured: a message to another process. */
  static final long INITIAL_HANDOFF_NANOS = 50_000;

  private final String name;
  private final int workers;
  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Semaphore room;
  private final ReentrantLock stateLock = new ReentrantLock();
  private final List<Worker> workerList = new ArrayList<>();
  private final CountDownLatch terminated;
  private final Job stopMarker = new Job(null, null);
  private final AtomicReference<ScheduledThreadPoolExecutor> deadlines = new AtomicReference<>();
  private final Queue<Thread> timerThreads = new ConcurrentLinkedQueue<>();
  private volatile int runState = RUNNING;
  private volatile boolean started;
  private volatile long handoffNanos = INITIAL_HANDOFF_NANOS;

  /**
   * An engine of {@code workers} threads holding at most 1,024 waiting batches.
   *
   * @param workers how many batches run at once, at least 1
   */
  public SerializingEngine(int workers) {
    this(workers, 1_024);
  }

  /**
   * An engine of {@code workers} threads.
   *
   * @param workers how many batches run at once, at least 1
   * @param capacity how many accepted batches may wait, at least 1
   */
  public SerializingEngine(int workers, int capacity) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, was " + workers);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.name = "weft-ser-" + ENGINE_IDS.incrementAndGet();
    this.workers = workers;
    this.room = new Semaphore(capacity);
    this.terminated = new CountDownLatch(workers);
  }

  @Override
  public String name() {
    return "serializing";
  }

  @Override
  public int parallelism() {
    return workers;
  }

  @Override
  public int computeSlots() {
    return workers;
  }

  @Override
  public boolean shipsWork() {
    return true;
  }

  @Override
  public boolean supportsWorkLoops() {
    return false;
  }

  /**
   * The measured cost of a round trip beyond the tasks' run time: serializing the batch,
   * deserializing the copy, the same for the result, and the hand-offs between threads; an
   * exponentially weighted moving average over the batches so far (weight 1/8 for the newest).
   *
   * @return nanoseconds, positive
   */
  @Override
  public long handoffNanos() {
    return handoffNanos;
  }

  @Override
  public void start(Recorder recorder) {
    stateLock.lock();
    try {
      if (started) {
        throw new IllegalStateException("engine already started");
      }
      for (int i = 1; i <= workers; i++) {
        String threadName = name + "-" + i;
        Worker w = new Worker(recorder.worker(threadName));
        w.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(w);
        workerList.add(w);
      }
      for (Worker w : workerList) {
        w.thread.start();
      }
      started = true;
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public BatchControl execute(Batch<?, ?> batch, BatchCallback callback)
      throws InterruptedException {
    if (!started) {
      throw new IllegalStateException("engine not started");
    }
    Job job = new Job(batch, callback);
    room.acquire();
    stateLock.lock();
    try {
      if (runState != RUNNING) {
        room.release();
        throw new RejectedExecutionException("engine is shut down");
      }
      queue.add(job);
    } finally {
      stateLock.unlock();
    }
    return job;
  }

  @Override
  public void shutdown() {
    stateLock.lock();
    try {
      if (runState == RUNNING) {
        runState = SHUTDOWN;
        addStopMarkers();
      }
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public void shutdownNow() {
    stateLock.lock();
    try {
      if (runState == STOP) {
        return;
      }
      runState = STOP;
    } finally {
      stateLock.unlock();
    }
    List<Job> waiting = new ArrayList<>();
    queue.drainTo(waiting);
    for (Job job : waiting) {
      if (job != stopMarker) {
        room.release();
        job.cancel();
      }
    }
    for (Worker w : workerList) {
      Job running = w.current;
      if (running != null) {
        running.cancel();
      }
    }
    // After the drain, which may have taken shutdown()'s markers too: every worker needs one.
    for (int i = 0; i < workers; i++) {
      queue.add(stopMarker);
    }
  }

  /** Under {@code stateLock}. */
  private void addStopMarkers() {
    for (int i = 0; i < workers; i++) {
      queue.add(stopMarker);
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (!started) {
      return runState != RUNNING;
    }
    if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    for (Worker w : workerList) {
      w.thread.join();
    }
    ScheduledThreadPoolExecutor timer = deadlines.get();
    if (timer != null) {
      timer.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
      for (Thread t : timerThreads) {
        t.join(); // no thread of this engine outlives its termination
      }
    }
    return true;
  }

  @Override
  public boolean isTerminated() {
    return started ? terminated.getCount() == 0 : runState != RUNNING;
  }

  @Override
  public String toString() {
    return "SerializingEngine[" + name + ", " + workers + " workers]";
  }

  // ---------------------------------------------------------------- serialization

  /**
   * Java-serializes an object.
   *
   * @throws IOException if it or something it reaches cannot be serialized
   */
  static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  /** Reads back what {@link #serialize} wrote, as a fresh copy. */
  static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  /** Stands in for an input that could not be serialized: the task fails it on the far side. */
  private record Unshippable(String message, String className) implements Serializable {}

  /**
   * The function as shipped: fails the inputs that could not be shipped, applies the real function
   * to the others. Serializable, as it travels with the batch.
   */
  private record Shipped<T, R>(TaskFunction<? super T, ? extends R> function)
      implements TaskFunction<Object, Object> {
    @Override
    @SuppressWarnings("unchecked")
    public Object apply(Object input) throws Exception {
      if (input instanceof Unshippable u) {
        throw new NotShippableException(u.message(), u.className(), null);
      }
      return function.apply((T) input);
    }
  }

  private static NotShippableException unshippableInput(long index, Object input, Exception e) {
    String cls = input.getClass().getName();
    return new NotShippableException(
        "input #" + index + ", a " + cls + ", cannot be serialized to be sent to a worker: " + e,
        cls,
        e);
  }

  /** The batch as the worker receives it: its own copy, read back from bytes. */
  private static Batch<?, ?> shipOut(Batch<?, ?> batch) throws IOException, ClassNotFoundException {
    List<Object> inputs = new ArrayList<>(batch.inputs()); // may be a subList view
    TaskFunction<Object, Object> shipped = new Shipped<>(batch.function());
    Batch<Object, Object> whole =
        new Batch<>(
            batch.id(),
            batch.firstIndex(),
            inputs,
            shipped,
            batch.stopOnFailure(),
            batch.deadline());
    byte[] bytes;
    try {
      bytes = serialize(whole);
    } catch (IOException e) {
      // Find the inputs at fault; the function was checked before.
      for (int i = 0; i < inputs.size(); i++) {
        Object in = inputs.get(i);
        try {
          serialize(in);
        } catch (IOException bad) {
          NotShippableException why = unshippableInput(batch.firstIndex() + i, in, bad);
          inputs.set(i, new Unshippable(why.getMessage(), why.capturedClass()));
        }
      }
      bytes = serialize(whole);
    }
    return (Batch<?, ?>) deserialize(bytes);
  }

  /** The result as the caller receives it: a copy, with unserializable values and errors failed. */
  private static BatchResult shipBack(BatchResult result, long firstIndex)
      throws IOException, ClassNotFoundException {
    byte[] bytes;
    try {
      bytes = serialize(result);
    } catch (IOException e) {
      Object[] values = result.values().clone();
      Throwable[] errors =
          result.errors() == null ? new Throwable[values.length] : result.errors().clone();
      for (int i = 0; i < result.attempted(); i++) {
        if (errors[i] == null) {
          try {
            serialize(values[i]);
          } catch (IOException bad) {
            String cls = values[i].getClass().getName();
            errors[i] =
                new NotShippableException(
                    "the result of input #"
                        + (firstIndex + i)
                        + ", a "
                        + cls
                        + ", cannot be serialized to be sent back from the worker: "
                        + bad,
                    cls,
                    null);
            values[i] = null;
          }
        } else {
          try {
            serialize(errors[i]);
          } catch (IOException bad) {
            errors[i] =
                new IllegalStateException(
                    "input #"
                        + (firstIndex + i)
                        + " failed with "
                        + errors[i]
                        + ", which cannot be serialized to be sent back from the worker: "
                        + bad);
          }
        }
      }
      bytes =
          serialize(
              new BatchResult(
                  result.batchId(),
                  values,
                  errors,
                  result.attempted(),
                  result.startNanos(),
                  result.endNanos()));
    }
    return (BatchResult) deserialize(bytes);
  }

  /** Every input of the batch failed with {@code error}: when the batch as a whole cannot ship. */
  private static BatchResult allFailed(Batch<?, ?> batch, Throwable error, long now) {
    int n = batch.size();
    Throwable[] errors = new Throwable[n];
    int attempted = batch.stopOnFailure() ? Math.min(1, n) : n;
    for (int i = 0; i < attempted; i++) {
      errors[i] = error;
    }
    return new BatchResult(batch.id(), new Object[n], n == 0 ? null : errors, attempted, now, now);
  }

  // ---------------------------------------------------------------- deadlines

  private ScheduledThreadPoolExecutor deadlineTimer() {
    ScheduledThreadPoolExecutor timer = deadlines.get();
    if (timer == null) {
      ScheduledThreadPoolExecutor fresh =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = Thread.ofPlatform().name(name + "-deadlines").daemon(true).unstarted(r);
                timerThreads.add(t);
                return t;
              });
      fresh.setRemoveOnCancelPolicy(true);
      if (deadlines.compareAndSet(null, fresh)) {
        timer = fresh;
      } else {
        fresh.shutdownNow();
        timer = deadlines.get();
      }
    }
    return timer;
  }

  /**
   * Runs the tasks of a deserialized batch one by one under their deadline: the function each input
   * sees interrupts itself through the timer when its time is up.
   */
  private BatchResult runTimed(Batch<?, ?> copy, Job job) {
    ScheduledThreadPoolExecutor timer = deadlineTimer();
    long timeout = copy.deadline().timeoutNanos();
    long grace = copy.deadline().graceNanos();
    @SuppressWarnings("unchecked")
    TaskFunction<Object, Object> fn = (TaskFunction<Object, Object>) copy.function();
    long[] index = {copy.firstIndex()};
    TaskFunction<Object, Object> timed =
        input -> {
          long i = index[0]++;
          TimedTask task = new TimedTask(Thread.currentThread());
          ScheduledFuture<?> alarm = timer.schedule(task, timeout, TimeUnit.NANOSECONDS);
          long start = System.nanoTime();
          Object value = null;
          Throwable thrown = null;
          try {
            value = fn.apply(input);
          } catch (Throwable t) {
            thrown = t;
          } finally {
            alarm.cancel(false);
            task.finish();
          }
          if (task.fired) {
            long overran = System.nanoTime() - start - timeout;
            boolean stopped = overran <= grace;
            TaskTimeoutException e =
                TaskTimeoutException.enforced(
                    "task #" + i,
                    Duration.ofNanos(timeout),
                    stopped
                        ? "it was interrupted and stopped"
                        : "it was interrupted but ran on past its grace period",
                    stopped);
            if (thrown != null) {
              e.addSuppressed(thrown);
            }
            throw e;
          }
          if (thrown instanceof Exception ex) {
            throw ex;
          }
          if (thrown instanceof Error err) {
            throw err;
          }
          return value;
        };
    return BatchRunner.run(
        new Batch<>(
            copy.id(),
            copy.firstIndex(),
            copy.inputs(),
            timed,
            copy.stopOnFailure(),
            copy.deadline()),
        job);
  }

  /** The alarm of one task: interrupts its thread if the task is still running. */
  private static final class TimedTask implements Runnable {
    private final Thread thread;
    private boolean running = true; // guarded by this
    volatile boolean fired;

    TimedTask(Thread thread) {
      this.thread = thread;
    }

    @Override
    public synchronized void run() {
      if (running) {
        fired = true;
        thread.interrupt();
      }
    }

    /** The task returned: no interrupt of this alarm may land after this, and none is left. */
    synchronized void finish() {
      running = false;
      if (fired) {
        Thread.interrupted();
      }
    }
  }

  // ---------------------------------------------------------------- jobs and workers

  private static final int NEW = 0;
  private static final int CLAIMED = 1;
  private static final int DONE = 2;
  private static final int CANCELLED = 3;

  /** One accepted batch. */
  private static final class Job implements BatchControl, BooleanSupplier {
    final Batch<?, ?> batch;
    final BatchCallback callback;
    final AtomicInteger state = new AtomicInteger(NEW);
    volatile boolean stopRequested;
    private Thread runner; // guarded by this

    Job(Batch<?, ?> batch, BatchCallback callback) {
      this.batch = batch;
      this.callback = callback;
    }

    boolean claim(Thread worker) {
      synchronized (this) {
        runner = worker;
      }
      return state.compareAndSet(NEW, CLAIMED);
    }

    /** The worker is done with the task code: no cancel interrupt lands after this. */
    void finish() {
      synchronized (this) {
        state.set(DONE);
        runner = null;
      }
      Thread.interrupted();
    }

    @Override
    public boolean getAsBoolean() {
      return stopRequested;
    }

    @Override
    public void cancel() {
      stopRequested = true;
      if (state.compareAndSet(NEW, CANCELLED)) {
        callback.completed(BatchResult.cancelled(batch));
        return;
      }
      synchronized (this) {
        if (state.get() == CLAIMED && runner != null) {
          runner.interrupt();
        }
      }
    }
  }

  private final class Worker implements Runnable {
    private final WorkerRecorder recorder;
    private Thread thread;
    private volatile Job current;
    private TaskFunction<?, ?> lastChecked;

    Worker(WorkerRecorder recorder) {
      this.recorder = recorder;
    }

    @Override
    public void run() {
      try {
        while (true) {
          long waitStart = System.nanoTime();
          Job job;
          try {
            job = queue.take();
          } catch (InterruptedException e) {
            continue; // only shutdownNow interrupts an idle worker; a stop marker follows
          }
          recorder.idle(waitStart, System.nanoTime());
          if (job == stopMarker) {
            return;
          }
          room.release();
          current = job;
          if (runState == STOP) {
            job.cancel();
          }
          if (job.claim(thread)) {
            runJob(job);
          }
          current = null;
        }
      } finally {
        terminated.countDown();
        if (terminated.getCount() == 0) {
          ScheduledThreadPoolExecutor timer = deadlines.get();
          if (timer != null) {
            timer.shutdownNow();
          }
        }
      }
    }

    private void runJob(Job job) {
      Batch<?, ?> batch = job.batch;
      long begin = System.nanoTime();
      BatchResult result;
      try {
        if (batch.function() != lastChecked) {
          Shipping.check(batch.function(), "the function");
          lastChecked = batch.function();
        }
        long s0 = System.nanoTime();
        Batch<?, ?> copy = shipOut(batch);
        long s1 = System.nanoTime();
        recorder.serialization(s0, s1);
        BatchResult ran =
            copy.deadline().isSet() ? runTimed(copy, job) : BatchRunner.run(copy, job);
        job.finish();
        long s2 = System.nanoTime();
        result = shipBack(ran, batch.firstIndex());
        long s3 = System.nanoTime();
        recorder.serialization(s2, s3);
      } catch (NotShippableException e) {
        job.finish();
        result = allFailed(batch, e, System.nanoTime());
      } catch (Throwable t) {
        job.finish();
        result =
            allFailed(
                batch,
                new IllegalStateException(
                    "the batch could not be shipped to its worker and back: " + t, t),
                System.nanoTime());
      }
      int failed = 0;
      for (int i = 0; i < result.attempted(); i++) {
        if (result.error(i) != null) {
          failed++;
        }
      }
      recorder.batch(result.attempted(), failed, result.startNanos(), result.endNanos());
      long sample = System.nanoTime() - begin - result.runNanos();
      if (sample > 0) {
        // Workers race on this read-modify-write; a lost update only delays the estimate.
        handoffNanos = Math.max(1, handoffNanos + (sample - handoffNanos) / 8);
      }
      job.callback.completed(result);
    }
  }
}
