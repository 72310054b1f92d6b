package dev.weft.internal;

import dev.weft.Outcome;
import dev.weft.TaskFailedException;
import dev.weft.TaskFunction;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.Engine;
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
 * does all the pulling and submitting, so the input is touched by one thread only and is never read
 * ahead of the consumer by more than the window: {@code pulled - delivered <= window} holds at
 * every submission. At most {@code maxBatches} batches are in flight, so a stream of tiny batches
 * cannot flood the engine before the chunk sizer has learned the task time. Workers touch only
 * {@link #onResult}, which records the result under {@code lock} and wakes the consumer; in
 * fail-fast mode the first failing result also cancels every other running batch at once, without
 * waiting for the consumer. Memory: the slots held are the submitted, not yet consumed batches,
 * which the window bounds.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
public final class MapRun<T, R> {
  private static final int MAX_SUPPRESSED = 8;

  private final Engine engine;
  private final TaskFunction<? super T, ? extends R> function;
  private final ChunkSource<T> source;
  private final boolean ordered;
  private final boolean collect;
  private final long window;
  private final int maxBatches;
  private final long targetBatchNanos;
  private final long spread;
  private final boolean guided;
  private final ChunkSizer sizer;
  private final LongSupplier batchIds;

  // Owned by the consumer thread.
  private final ArrayDeque<Slot> order = new ArrayDeque<>();
  private long delivered;
  private RuntimeException terminal;
  private boolean ended;
  private boolean iterated;

  // Shared with the workers' callbacks, under lock.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Slot> done = new ArrayDeque<>();
  private final Set<Slot> running = new HashSet<>();
  private volatile int inflight;
  private int allowedBatches;
  private long completions;
  private TaskFailedException failure;
  private int suppressed;
  private boolean closed;

  private MapRun(
      Engine engine,
      TaskFunction<? super T, ? extends R> function,
      ChunkSource<T> source,
      boolean ordered,
      boolean collect,
      long window,
      int chunkSize,
      long targetBatchNanos,
      LongSupplier batchIds) {
    this.engine = engine;
    this.function = function;
    this.source = source;
    this.ordered = ordered;
    this.collect = collect;
    this.window = window;
    int parallelism = Math.max(1, engine.parallelism());
    this.maxBatches = Math.max(2, 2 * parallelism);
    // Batches are capped so that there are enough of them to spread over the workers that can
    // actually compute at once. An IO engine's parallelism (thousands of virtual threads) says how
    // many tasks may wait at once, not how many can run: capping by it would cut tiny tasks into
    // batches of a handful and pay a thread start for each.
    long spread = Math.min(parallelism, 4L * Runtime.getRuntime().availableProcessors());
    this.spread = spread;
    long maxChunk;
    if (source.size() >= 0 && window >= source.size()) {
      maxChunk = Math.max(1, (source.size() + 4 * spread - 1) / (4 * spread));
    } else {
      maxChunk = Math.max(1, window / (2 * spread));
    }
    this.sizer = new ChunkSizer(chunkSize, (int) Math.min(maxChunk, 1 << 20), targetBatchNanos);
    this.targetBatchNanos = targetBatchNanos;
    this.guided = chunkSize == 0;
    // Start with as many batches in flight as the CPUs can run; widen to the engine's full
    // concurrency only once tasks prove slow (see takeSlot), so that tiny tasks on an IO pool do
    // not start thousands of one-task threads before the sizer has measured anything.
    this.allowedBatches = (int) Math.min(maxBatches, Math.max(2, 2 * spread));
    this.batchIds = batchIds;
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
   * @param chunkSize the chunk size, 0 for automatic
   * @param targetBatchNanos the target batch time
   * @param batchIds the pool's batch numbering
   * @param <T> the input type
   * @param <R> the result type
   * @return the run
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
      LongSupplier batchIds) {
    ChunkSource<T> source =
        list != null ? ChunkSource.of(list) : ChunkSource.<T>of(inputs, resource);
    long effectiveWindow;
    if (window > 0) {
      effectiveWindow = window;
    } else if (list != null && eager) {
      effectiveWindow = Math.max(1, list.size());
    } else {
      effectiveWindow = Math.max(32_768, 2L * engine.parallelism());
    }
    return new MapRun<>(
        engine,
        function,
        source,
        ordered,
        collect,
        effectiveWindow,
        chunkSize,
        targetBatchNanos,
        batchIds);
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

  /** Cancels what is not yet consumed and releases the input. Idempotent; does not wait. */
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

  private Slot takeSlot() throws InterruptedException {
    if (terminal != null) {
      throw terminal;
    }
    if (ended) {
      return null;
    }
    try {
      while (true) {
        topUp();
        lock.lock();
        try {
          while (true) {
            if (failure != null) {
              throw fail(failure);
            }
            if (closed) {
              throw fail(new IllegalStateException("results are closed; the rest was cancelled"));
            }
            Slot slot;
            if (ordered) {
              Slot head = order.peekFirst();
              slot = head != null && head.result != null ? order.pollFirst() : null;
            } else {
              slot = done.poll();
            }
            if (slot != null) {
              sizer.observe(slot.result.attempted(), slot.result.runNanos());
              if (sizer.next() == 1 && slot.result.runNanos() >= targetBatchNanos) {
                allowedBatches = maxBatches; // tasks are long: let the engine run all it can
              }
              return slot;
            }
            if (inflight == 0 && source.exhausted()) {
              ended = true;
              source.close();
              return null;
            }
            if (wantMore()) {
              break;
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
            changed.await();
          }
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      close();
      throw e;
    }
  }

  private boolean wantMore() {
    if (source.exhausted() || closed || inflight >= allowedBatches) {
      return false;
    }
    long room = window - (source.pulled() - delivered);
    return room > 0 && (room >= sizer.next() || inflight == 0);
  }

  private void topUp() throws InterruptedException {
    while (wantMore()) {
      long room = window - (source.pulled() - delivered);
      int n = (int) Math.min(sizer.next(), room);
      if (guided && source.size() >= 0) {
        // Guided sizing (automatic chunks only; an explicit size is kept exactly): near the end of
        // an input of known size, batches shrink so that the
        // workers finish together instead of one waiting on the other's last long batch.
        long remaining = source.size() - source.pulled();
        n = (int) Math.min(n, Math.max(1, (remaining + 2 * spread - 1) / (2 * spread)));
      }
      long first = source.pulled();
      List<T> items;
      try {
        items = source.next(n);
      } catch (RuntimeException e) {
        close();
        throw fail(e);
      }
      if (items.isEmpty()) {
        return;
      }
      Slot slot = new Slot(new Batch<T, R>(batchIds.getAsLong(), first, items, function, !collect));
      lock.lock();
      try {
        if (closed || failure != null) {
          return;
        }
        running.add(slot);
        inflight++;
      } finally {
        lock.unlock();
      }
      if (ordered) {
        order.addLast(slot);
      }
      try {
        slot.control = engine.execute(slot.batch, result -> onResult(slot, result));
      } catch (InterruptedException | RuntimeException e) {
        lock.lock();
        try {
          running.remove(slot);
          inflight--;
        } finally {
          lock.unlock();
        }
        order.remove(slot);
        close();
        if (e instanceof RejectedExecutionException r) {
          CancellationException c =
              new CancellationException("the pool was shut down while this call was running");
          c.initCause(r);
          throw fail(c);
        }
        throw e;
      }
      if (slot.cancelRequested) {
        slot.control.cancel();
      }
    }
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
    BatchResult result;

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
