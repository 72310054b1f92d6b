package dev.weft.internal;

import dev.weft.InputFailedException;
import dev.weft.Outcome;
import dev.weft.TaskFailedException;
import dev.weft.TaskFunction;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.Engine;
import dev.weft.spi.TaskDeadline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One map call: pulls inputs in chunks, hands them to the engine as batches, and gives results back
 * in input order or completion order, as outcomes or as values.
 *
 * <p>Implementation note. The consumer thread (whoever iterates, or the caller of an eager map)
 * does all the batching and submitting, between results, from a source that never blocks: a
 * random-access list is cut in place; an iterator, which may block (a live feed, a channel, a
 * request/response loop waiting for results), is read by a reader thread of the call into a bounded
 * ring ({@link ChunkSource}), so results keep flowing whatever the input's pace. A partial chunk is
 * submitted at once when no batch of the call is running (idle workers are never kept waiting for a
 * chunk to fill, and an input that waits for a result is never waited for), or once it has waited
 * {@code targetBatchNanos} for more.
 *
 * <p>Bounds, checked before every submission: {@code pulled - delivered <= window} (the reader
 * checks the same against what it has read); at most {@code allowedBatches} batches running; at
 * most {@code 2 * allowedBatches} batches held (submitted and not yet taken by the consumer), so
 * the work done ahead of a slow consumer is a few batches per worker, not the whole window. {@code
 * allowedBatches} starts at what the CPUs can run and widens to twice the engine's parallelism once
 * tasks prove slow, so that tiny tasks on an IO pool do not start thousands of one-task threads
 * before the chunk sizer has measured anything.
 *
 * <p>Workers touch only {@link #onResult}, which records the result under {@code lock} and wakes
 * the consumer; in fail-fast mode the first failing result also cancels every other running batch
 * at once. A consumer that is itself running inside a job of the same engine (nested use of a pool)
 * does not just wait: it runs its own batches that no worker has claimed yet ({@link
 * Job#runInline}), so nested calls complete however many workers are waiting.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
public final class MapRun<T, R> {
  private static final int MAX_SUPPRESSED = 8;

  private final Engine engine;
  private final TaskFunction<? super T, ? extends R> function;
  private ChunkSource<T> source;
  private final boolean ordered;
  private final boolean collect;
  private final long window;
  private final int maxBatches;
  private final long targetBatchNanos;
  private final long spread;
  private final boolean guided;
  private final ChunkSizer sizer;
  private final LongSupplier batchIds;
  private final int chunkSize;
  private final TaskDeadline deadline;
  // Set when the whole call runs as work loops over this list (ListLoops).
  private List<? extends T> loopList;

  // Owned by the consumer thread.
  private RuntimeException terminal;
  private boolean ended;
  private boolean iterated;
  private long delivered;

  // Shared by the consumer, the reader and the workers' callbacks, under lock.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Slot> order = new ArrayDeque<>();
  private final ArrayDeque<Slot> done = new ArrayDeque<>();
  private final Set<Slot> running = new HashSet<>();
  private int inflight;
  private int held;
  private int allowedBatches;
  private long completions;
  private TaskFailedException failure;
  private RuntimeException submitFailure; // met by the reader while it submitted for the consumer
  private long deliveredShared; // the consumer's delivered, as of its last look under lock
  private long partialSince;
  // Whoever cuts and submits batches holds this: the consumer, or the reader while the consumer
  // is away between results (so that idle workers get inputs that arrive meanwhile).
  private final ReentrantLock submitLock = new ReentrantLock();
  private int suppressed;
  private boolean closed;
  // Set by the consumer before it waits for input, cleared by whoever wakes it.
  private volatile boolean wantInput;

  private MapRun(
      Engine engine,
      TaskFunction<? super T, ? extends R> function,
      ChunkSource<T> source,
      boolean ordered,
      boolean collect,
      long window,
      int chunkSize,
      long targetBatchNanos,
      TaskDeadline deadline,
      LongSupplier batchIds) {
    this.engine = engine;
    this.deadline = deadline;
    this.function = function;
    this.source = source;
    this.ordered = ordered;
    this.collect = collect;
    this.window = window;
    int parallelism = Math.max(1, engine.parallelism());
    this.maxBatches = Math.max(2, 2 * parallelism);
    // Batches are capped so that there are enough of them to spread over the workers that can
    // actually compute at once, which the engine says. An IO engine's parallelism (thousands of
    // virtual threads) says how many tasks may wait at once, not how many can run: capping by it
    // would cut tiny tasks into batches of a handful and pay a thread start for each.
    long spread = Math.max(1, Math.min(parallelism, engine.computeSlots()));
    this.spread = spread;
    long maxChunk;
    long size = source == null ? -1 : source.size();
    if (size >= 0 && window >= size) {
      maxChunk = Math.max(1, (size + 4 * spread - 1) / (4 * spread));
    } else {
      maxChunk = Math.max(1, window / (2 * spread));
    }
    this.sizer = new ChunkSizer(chunkSize, (int) Math.min(maxChunk, 1 << 20), targetBatchNanos);
    this.targetBatchNanos = targetBatchNanos;
    this.guided = chunkSize == 0;
    this.allowedBatches = (int) Math.min(maxBatches, Math.max(2, 2 * spread));
    this.batchIds = batchIds;
    this.chunkSize = chunkSize;
  }

  /**
   * Creates a run.
   *
   * @param engine where batches run
   * @param function the task
   * @param inputs an iterator, or null when {@code list} is given
   * @param list a random-access list taken as a whole, or null
   * @param resource closed when the run ends (a stream), or null
   * @param eager true when every result is kept (map), so a given list needs no window
   * @param ordered true for input order, false for completion order
   * @param collect true for outcomes, false for fail-fast values
   * @param window the window, 0 for automatic
   * @param chunkSize the chunk size, 0 for automatic; a fixed size is kept exactly
   * @param targetBatchNanos the target batch time
   * @param deadline the time limit per task, which the engine enforces
   * @param batchIds the pool's batch numbering
   * @param <T> the input type
   * @param <R> the result type
   * @return the run
   * @throws IllegalArgumentException if a fixed chunk size is larger than a fixed window
   */
  public static <T, R> MapRun<T, R> create(
      Engine engine,
      TaskFunction<? super T, ? extends R> function,
      Iterator<? extends T> inputs,
      List<? extends T> list,
      AutoCloseable resource,
      boolean eager,
      boolean ordered,
      boolean collect,
      int window,
      int chunkSize,
      long targetBatchNanos,
      TaskDeadline deadline,
      LongSupplier batchIds) {
    long effectiveWindow;
    if (window > 0) {
      if (chunkSize > window) {
        throw new IllegalArgumentException(
            "chunkSize "
                + chunkSize
                + " is larger than the window "
                + window
                + ": a batch cannot hold more inputs than the call may hold at once");
      }
      effectiveWindow = window;
    } else if (list != null && eager) {
      effectiveWindow = Math.max(1, list.size());
    } else {
      effectiveWindow =
          Math.max(Math.max(32_768, 2L * engine.parallelism()), 2L * Math.max(chunkSize, 0));
    }
    if (list != null) {
      MapRun<T, R> run =
          new MapRun<>(
              engine,
              function,
              ChunkSource.of(list),
              ordered,
              collect,
              effectiveWindow,
              chunkSize,
              targetBatchNanos,
              deadline,
              batchIds);
      // Work loops time no task: a call with a deadline goes through batches, which the engine
      // times.
      if (eager && effectiveWindow >= list.size() && !deadline.isSet() && ListLoops.suits(engine)) {
        run.loopList = list;
      }
      return run;
    }
    MapRun<T, R> run =
        new MapRun<>(
            engine,
            function,
            null,
            ordered,
            collect,
            effectiveWindow,
            chunkSize,
            targetBatchNanos,
            deadline,
            batchIds);
    // Reading ahead is bounded by two of the largest batches as well as by the window.
    run.source =
        ChunkSource.of(inputs, resource, effectiveWindow, 2L * run.sizer.max(), run::inputArrived);
    return run;
  }

  /**
   * Runs to the end and returns every element (values, or outcomes in collect mode) in input order,
   * as an unmodifiable list. Completion order is used internally; elements are placed by index.
   *
   * @param <E> the element type
   * @return the elements
   * @throws InterruptedException if interrupted; the run is cancelled first
   */
  @SuppressWarnings("unchecked")
  public <E> List<E> drainToList() throws InterruptedException {
    if (loopList != null) {
      ended = true;
      return ListLoops.map(engine, loopList, function, collect, chunkSize, targetBatchNanos);
    }
    long size = source.size();
    Object[] out = new Object[size >= 0 ? (int) size : 16];
    long count = 0;
    try {
      Slot slot;
      while ((slot = takeSlot()) != null) {
        Batch<T, R> batch = slot.batch;
        BatchResult result = slot.result;
        int n = batch.size();
        int first = Math.toIntExact(batch.firstIndex());
        if (first + n > out.length) {
          out = Arrays.copyOf(out, Math.max(first + n, out.length * 2));
        }
        if (!collect && result.attempted() == n && !result.hasFailure()) {
          System.arraycopy(result.values(), 0, out, first, n);
        } else {
          for (int i = 0; i < n; i++) {
            out[first + i] = element(slot, i);
          }
        }
        delivered += n;
        count = Math.max(count, first + n);
      }
    } catch (InterruptedException | RuntimeException | Error e) {
      close();
      throw e;
    }
    if (out.length != count) {
      out = Arrays.copyOf(out, (int) count);
    }
    return (List<E>) Collections.unmodifiableList(Arrays.asList(out));
  }

  /**
   * The elements one at a time, for a streaming call. Once only.
   *
   * @param <E> the element type
   * @return the iterator
   */
  public <E> Iterator<E> iterator() {
    if (iterated) {
      throw new IllegalStateException("results can be iterated only once");
    }
    iterated = true;
    return new Items<>();
  }

  /**
   * Cancels what is not yet consumed, stops the reader and releases the input. Idempotent; does not
   * wait (a reader blocked in an input that ignores interrupts leaves it by itself, and whatever it
   * reads then is dropped).
   */
  public void close() {
    List<Slot> toCancel;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      toCancel = new ArrayList<>(running);
      done.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    toCancel.forEach(Slot::cancel);
    source.close();
  }

  /**
   * The reader's signal that an input arrived or the input ended: wake a consumer waiting for it.
   */
  private void inputArrived() {
    if (wantInput) {
      lock.lock();
      try {
        wantInput = false;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private Slot takeSlot() throws InterruptedException {
    if (terminal != null) {
      throw terminal;
    }
    if (ended) {
      return null;
    }
    boolean mayHelp = Job.isWorkerOf(engine);
    source.consumerAway(false);
    source.start();
    lock.lock();
    try {
      while (true) {
        if (failure != null) {
          throw fail(failure);
        }
        // Before the closed check: a failure met while submitting for the consumer closed the run.
        if (submitFailure != null) {
          RuntimeException e = submitFailure;
          lock.unlock();
          try {
            close();
          } finally {
            lock.lock();
          }
          throw fail(e);
        }
        if (closed) {
          throw fail(new IllegalStateException("results are closed; the rest was cancelled"));
        }
        deliveredShared = delivered;
        source.progress(delivered, 2 * sizer.next());
        long lingerLeft = 0;
        if (wantMore()) {
          // Keep the workers fed before handing over a result: the source never blocks.
          lock.unlock();
          submitLock.lock();
          try {
            lingerLeft = topUp();
          } catch (RuntimeException e) {
            throw fail(e);
          } finally {
            submitLock.unlock();
            lock.lock();
          }
          if (failure != null || closed) {
            continue;
          }
        }
        Slot slot = ready();
        if (slot != null) {
          held--;
          sizer.observe(slot.result.attempted(), slot.result.runNanos());
          if (sizer.next() == 1 && slot.result.runNanos() >= targetBatchNanos) {
            allowedBatches = maxBatches; // tasks are long: let the engine run all it can
          }
          leave();
          return slot;
        }
        if (held == 0 && source.exhausted()) {
          ended = true;
          source.close();
          return null;
        }
        if (mayHelp && helpWithOwnBatch()) {
          continue;
        }
        if (lingerLeft > 0) {
          // A partial chunk waits a little for company while other batches run.
          wantInput = true;
          changed.awaitNanos(lingerLeft);
          continue;
        }
        if (allowedBatches < maxBatches && inflight >= allowedBatches) {
          // Nothing finished within a batch's target time: the tasks are slow (they wait on
          // IO, say), so more of them may run at once.
          long before = completions;
          if (changed.awaitNanos(targetBatchNanos) <= 0 && completions == before) {
            allowedBatches = (int) Math.min(maxBatches, 4L * allowedBatches);
          }
          continue;
        }
        // Wait for a result, or for input if there is room to submit it: the reader wakes us.
        wantInput = canSubmit();
        // wantInput before tail, which the reader publishes before it reads wantInput: a
        // store-load pair that needs a full fence on each side (ChunkSource.Reader.read).
        java.lang.invoke.VarHandle.fullFence();
        if (wantInput && source.available() > 0 || source.exhausted() && held == 0) {
          wantInput = false;
          continue;
        }
        changed.await();
        wantInput = false;
      }
    } catch (InterruptedException e) {
      lock.unlock();
      try {
        close();
      } finally {
        lock.lock();
      }
      throw e;
    } finally {
      source.consumerAway(true);
      lock.unlock();
    }
  }

  /**
   * Before the consumer goes away with a result: says so to the reader, then submits what has
   * arrived meanwhile, so that the workers have it while the consumer is busy. The reader submits
   * what arrives after that (the volatile flag, then the look at the ring, pair with the reader's
   * publish, then look at the flag). Under lock; releases it while it submits. A failure is kept
   * for the consumer's next call, which throws it: the result in hand is still delivered.
   */
  private void leave() {
    source.consumerAway(true);
    if (!wantMore()) {
      return;
    }
    lock.unlock();
    submitLock.lock();
    try {
      topUp();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the next wait throws
    } catch (RuntimeException e) {
      lock.lock();
      try {
        if (submitFailure == null) {
          submitFailure = e;
        }
      } finally {
        lock.unlock();
      }
    } finally {
      submitLock.unlock();
      lock.lock();
    }
  }

  /** The next slot the consumer may take, or null. Under lock. */
  private Slot ready() {
    if (ordered) {
      Slot head = order.peekFirst();
      return head != null && head.result != null ? order.pollFirst() : null;
    }
    return done.poll();
  }

  /**
   * Runs one of this call's batches that no worker has claimed yet on the consumer's own thread.
   * Under lock; releases it while the batch runs.
   *
   * @return true if the lock was released (whether the batch ran here or a worker claimed it
   *     first), so that the caller looks again before it waits: a result may have come meanwhile
   */
  private boolean helpWithOwnBatch() {
    if (Thread.currentThread().isInterrupted()) {
      return false; // let the wait below throw
    }
    Job candidate = null;
    // Input order first: in an ordered call the head is what the consumer waits for.
    for (Slot s : ordered ? order : running) {
      if (s.result == null && s.control instanceof Job job && job.state() == Job.NEW) {
        candidate = job;
        break;
      }
    }
    if (candidate == null) {
      return false;
    }
    lock.unlock();
    try {
      candidate.runInline();
    } finally {
      lock.lock();
    }
    return true;
  }

  /** Whether the bounds allow another batch now. Under lock. */
  private boolean canSubmit() {
    if (closed || failure != null || inflight >= allowedBatches || held >= 2 * allowedBatches) {
      return false;
    }
    long room = window - (source.pulled() - deliveredShared);
    // A fixed chunk size is kept exactly: wait for room for a whole batch (the window holds at
    // least one, and it all comes back once the consumer has taken what is held).
    return room > 0 && (room >= sizer.next() || (guided && inflight == 0));
  }

  /** Whether another chunk may be pulled now: the bounds allow it and an input is there. */
  private boolean wantMore() {
    return canSubmit() && (source.available() > 0 || source.size() < 0 && !source.exhausted());
  }

  /**
   * Pulls and submits while the bounds allow and inputs are there. Called without the lock.
   *
   * @return 0, or how long a partial chunk may still wait for more inputs
   */
  private long topUp() throws InterruptedException {
    while (true) {
      int n;
      long available;
      lock.lock();
      try {
        if (!canSubmit()) {
          return 0;
        }
        long room = window - (source.pulled() - deliveredShared);
        n = (int) Math.min(sizer.next(), room);
        if (guided && source.size() >= 0) {
          // Guided sizing (automatic chunks only; an explicit size is kept exactly): near the end
          // of an input of known size, batches shrink so that the workers finish together
          // instead of one waiting on the other's last long batch.
          long remaining = source.size() - source.pulled();
          n = (int) Math.min(n, Math.max(1, (remaining + 2 * spread - 1) / (2 * spread)));
        }
        available = source.available();
        if (available < n && !source.exhausted()) {
          if (available == 0) {
            partialSince = 0;
            if (source.size() < 0) {
              // A failed reader throws from next(); otherwise there is nothing to take yet.
              n = 0;
            } else {
              return 0;
            }
          } else if (inflight > 0) {
            long now = System.nanoTime();
            if (partialSince == 0) {
              partialSince = now;
            }
            long waited = now - partialSince;
            if (waited < targetBatchNanos) {
              return targetBatchNanos - waited;
            }
          }
        }
        partialSince = 0;
      } finally {
        lock.unlock();
      }
      if (!pullAndSubmit((int) Math.min(n, Math.max(available, 0)))) {
        return 0;
      }
    }
  }

  /**
   * Takes up to {@code n} available inputs and submits them as one batch.
   *
   * @return false when nothing was submitted
   * @throws InputFailedException if the input threw
   */
  private boolean pullAndSubmit(int n) throws InterruptedException {
    long first = source.pulled();
    List<T> items;
    try {
      items = source.next(n);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    if (items.isEmpty()) {
      return false;
    }
    Slot slot =
        new Slot(new Batch<T, R>(batchIds.getAsLong(), first, items, function, !collect, deadline));
    lock.lock();
    try {
      if (closed || failure != null) {
        return false;
      }
      running.add(slot);
      inflight++;
      held++;
      if (ordered) {
        order.addLast(slot);
      }
    } finally {
      lock.unlock();
    }
    try {
      slot.control = engine.execute(slot.batch, result -> onResult(slot, result));
    } catch (InterruptedException | RuntimeException e) {
      lock.lock();
      try {
        if (running.remove(slot)) {
          inflight--;
          held--;
          order.remove(slot);
        }
      } finally {
        lock.unlock();
      }
      close();
      if (e instanceof RejectedExecutionException r) {
        CancellationException c =
            new CancellationException("the pool was shut down while this call was running");
        c.initCause(r);
        throw c;
      }
      throw e;
    }
    if (slot.cancelRequested) {
      slot.control.cancel();
    }
    return true;
  }

  private void onResult(Slot slot, BatchResult result) {
    List<Slot> toCancel = null;
    lock.lock();
    try {
      slot.result = result;
      running.remove(slot);
      inflight--;
      completions++;
      if (!closed) {
        if (!ordered) {
          done.add(slot);
        }
        if (!collect && result.hasFailure()) {
          TaskFailedException e = failureOf(slot, result);
          if (failure == null) {
            failure = e;
            toCancel = new ArrayList<>(running);
          } else if (suppressed < MAX_SUPPRESSED) {
            suppressed++;
            failure.addSuppressed(e);
          }
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (toCancel != null) {
      toCancel.forEach(Slot::cancel);
    }
  }

  private TaskFailedException failureOf(Slot slot, BatchResult result) {
    for (int i = 0; i < result.attempted(); i++) {
      Throwable error = result.error(i);
      if (error != null) {
        return new TaskFailedException(
            slot.batch.firstIndex() + i, slot.batch.inputs().get(i), error);
      }
    }
    throw new IllegalStateException("no failure in batch " + result.batchId());
  }

  private RuntimeException fail(RuntimeException e) {
    terminal = e;
    ended = true;
    source.close();
    return e;
  }

  private Object element(Slot slot, int i) {
    BatchResult result = slot.result;
    long index = slot.batch.firstIndex() + i;
    T input = slot.batch.inputs().get(i);
    if (collect) {
      if (i >= result.attempted()) {
        return new Outcome.Cancelled<T, R>(index, input);
      }
      Throwable error = result.error(i);
      if (error != null) {
        return new Outcome.Failure<T, R>(index, input, error);
      }
      @SuppressWarnings("unchecked")
      R value = (R) result.values()[i];
      return new Outcome.Success<T, R>(index, input, value);
    }
    if (i >= result.attempted()) {
      CancellationException e =
          new CancellationException(
              "task #" + index + " was cancelled before it finished (the pool was shut down)");
      close();
      throw fail(e);
    }
    return result.values()[i];
  }

  private final class Items<E> implements Iterator<E> {
    private Slot current;
    private int cursor;

    @Override
    public boolean hasNext() {
      if (current != null && cursor < current.batch.size()) {
        return true;
      }
      current = null;
      try {
        current = takeSlot();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        CancellationException c =
            new CancellationException(
                "interrupted while waiting for results; the rest is cancelled");
        c.initCause(e);
        throw fail(c);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      cursor = 0;
      return current != null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public E next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      E e = (E) element(current, cursor);
      cursor++;
      delivered++;
      return e;
    }
  }

  private final class Slot {
    final Batch<T, R> batch;
    volatile BatchControl control;
    volatile boolean cancelRequested;
    volatile BatchResult result;

    Slot(Batch<T, R> batch) {
      this.batch = batch;
    }

    void cancel() {
      cancelRequested = true;
      BatchControl c = control;
      if (c != null) {
        c.cancel();
      }
    }
  }
}
