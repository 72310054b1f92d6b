package dev.weft.internal;

import dev.weft.InputFailedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a run takes its inputs from, a chunk at a time. {@link #next} never blocks: it hands over
 * what is there. Everything but {@link #close} is called by the run's consumer thread.
 *
 * @param <T> the input type
 */
abstract sealed class ChunkSource<T> {
  /**
   * The reader threads of every pool: platform daemon threads, started on demand, one per map call
   * over an iterator that is reading at the moment, each kept 10 s for the next call. In a holder
   * class, so that a map over a list never loads the executor.
   */
  private static final class Readers {
    static final ThreadPoolExecutor READERS =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            Thread.ofPlatform().name("weft-reader-", 1).daemon(true).factory());
  }

  protected long pulled;

  /** Inputs handed out so far. */
  final long pulled() {
    return pulled;
  }

  /** The total number of inputs, or -1 if unknown. */
  abstract long size();

  /** How many inputs {@link #next} could hand over now without waiting. */
  abstract long available();

  /** True once every input has been handed out and no more will come. */
  abstract boolean exhausted();

  /**
   * Up to {@code max} of the inputs available now; never blocks.
   *
   * @throws InputFailedException if the input threw at the position reached
   */
  abstract List<T> next(int max);

  /**
   * Tells the source how far the consumer has got, so that a reader bounds what it reads ahead.
   *
   * @param delivered inputs handed to the caller so far
   * @param readAhead how many inputs may wait read and not yet taken
   */
  void progress(long delivered, int readAhead) {}

  /** Starts reading, if the source reads on a thread of its own. Idempotent. */
  void start() {}

  /**
   * Tells a reader whether the consumer is away between results (so that it submits arriving inputs
   * itself) or waiting in the run.
   *
   * @param away true when the consumer leaves the run with a result
   */
  void consumerAway(boolean away) {}

  /** Whether the consumer is away between results, as it last said. */
  boolean isConsumerAway() {
    return false;
  }

  /** Releases the input (closes a stream, stops the reader). Idempotent; any thread. */
  abstract void close();

  static <T> ChunkSource<T> of(
      Iterator<? extends T> iterator,
      AutoCloseable resource,
      long window,
      long readAheadMax,
      Runnable onInput) {
    return new Reader<>(iterator, resource, window, readAheadMax, onInput);
  }

  static <T> ChunkSource<T> of(List<? extends T> list) {
    return new FromList<>(list);
  }

  /**
   * An iterator read by a reader thread into a bounded ring, because an iterator may block (a live
   * feed, a channel, a request/response loop that waits for results): the consumer keeps delivering
   * results and cutting batches from what has arrived while the reader waits.
   *
   * <p>Readers are platform threads, kept a while for reuse ({@link Readers#READERS}), not virtual
   * threads: an interrupt must get a reader out of a blocking read of a file channel (a pipe), and
   * on a virtual thread that interrupt waits forever for the read to end (seen on JDK 25: the
   * interrupter hangs in {@code FileChannelImpl.implCloseChannel}). The interrupt is sent only
   * while the reader runs this source's loop, under {@code threadLock}, and cleared before the
   * thread goes back to the pool, so it never reaches another call.
   *
   * <p>Implementation note: a single-producer, single-consumer ring. The reader writes a slot and
   * then publishes {@code tail} with a release store; the consumer reads {@code tail} with an
   * acquire load, takes the slots and publishes {@code head} the same way. The reader reads at most
   * {@code readAhead} inputs past {@code head} and at most {@code window} past what the caller has
   * been handed ({@code delivered}); when it may not, it parks, and the consumer unparks it after
   * it takes inputs or reports progress. {@code done} is published after the last {@code tail}.
   */
  private static final class Reader<T> extends ChunkSource<T> {
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle DELIVERED;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        TAIL = l.findVarHandle(Reader.class, "tail", long.class);
        HEAD = l.findVarHandle(Reader.class, "head", long.class);
        DELIVERED = l.findVarHandle(Reader.class, "delivered", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Iterator<? extends T> iterator;
    private final AutoCloseable resource;
    private final long window;
    private final Runnable onInput;
    private final Object[] ring;
    private final int mask;
    private final AtomicBoolean closed = new AtomicBoolean();

    @SuppressWarnings("unused") // accessed through TAIL as well
    private long tail;

    @SuppressWarnings("unused") // accessed through HEAD as well
    private long head;

    @SuppressWarnings("unused") // accessed through DELIVERED as well
    private long delivered;

    private volatile int readAhead = 1;
    private volatile boolean done;
    private volatile boolean parked;
    private volatile boolean consumerAway;
    private volatile int awayEpoch; // counts the consumer's departures
    private int seenEpoch; // the reader's own
    private final Object threadLock = new Object();
    private boolean started;
    private volatile Thread thread; // the reader while it runs this loop; written under threadLock
    private RuntimeException failure; // published by done

    Reader(
        Iterator<? extends T> iterator,
        AutoCloseable resource,
        long window,
        long readAheadMax,
        Runnable onInput) {
      this.iterator = Objects.requireNonNull(iterator, "inputs");
      this.resource = resource;
      this.window = window;
      this.onInput = onInput;
      long most = Math.max(2, Math.min(Math.min(window, readAheadMax), 1 << 21));
      int capacity = Integer.highestOneBit((int) most - 1) << 1;
      this.ring = new Object[capacity];
      this.mask = capacity - 1;
    }

    @Override
    long size() {
      return -1;
    }

    @Override
    void start() {
      synchronized (threadLock) {
        if (started || closed.get()) {
          return;
        }
        started = true;
      }
      Readers.READERS.execute(this::runReader);
    }

    private void runReader() {
      synchronized (threadLock) {
        if (closed.get()) {
          done = true;
          onInput.run();
          return;
        }
        thread = Thread.currentThread();
      }
      try {
        read();
      } finally {
        synchronized (threadLock) {
          thread = null;
          Thread.interrupted(); // a close() that raced the end must not reach the next call
        }
      }
    }

    private void read() {
      long t = tail;
      long read = 0;
      try {
        while (true) {
          while (!hasRoom(t, read)) {
            if (closed.get()) {
              return;
            }
            parked = true;
            // Store-load: the consumer writes head (or delivered) and then reads parked; we write
            // parked and then read head. Release and acquire do not order a store before a later
            // load (x86's store buffer reorders exactly that), so without a full fence on both
            // sides each can miss the other's write and the reader parks for good (seen: 1 run in
            // ~10 of a 10M-input imap on two loaded cores).
            VarHandle.fullFence();
            if (!hasRoom(t, read)) {
              LockSupport.park(this);
            }
            parked = false;
            // Only close() interrupts the reader; any other interrupt must not make it spin.
            if (Thread.interrupted() && closed.get()) {
              return;
            }
          }
          if (closed.get() || !iterator.hasNext()) {
            return;
          }
          T x = iterator.next();
          read++;
          ring[(int) (t & mask)] = x;
          t++;
          TAIL.setRelease(this, t);
          // Store-load again: the tail just published must be visible before we read head and the
          // consumer's flags (wantInput, consumerAway), which the consumer writes before it reads
          // tail; see the fence in read's park above.
          VarHandle.fullFence();
          // Only a consumer that had taken everything can be waiting for this input; one that has
          // inputs left looks again by itself (or waits at most a batch's time for more). Reading
          // head after publishing tail pairs with the consumer's wantInput-then-available check,
          // and keeps the reader off the consumer's hot fields while the ring is not empty. A
          // consumer away between results gets its submitting done by the reader: on the first
          // input after it left (it submitted what it saw when it left) and then every 64 inputs,
          // so that a fast input does not pay for it on each one.
          if ((long) HEAD.getAcquire(this) == t - 1) {
            onInput.run();
          } else if (consumerAway) {
            int epoch = awayEpoch;
            if (epoch != seenEpoch || (t & 63) == 0) {
              seenEpoch = epoch;
              onInput.run();
            }
          }
        }
      } catch (RuntimeException | Error e) {
        failure = new InputFailedException(read, e);
      } finally {
        // Closed before the end is published: a caller who has seen the end sees it closed.
        closeResource();
        done = true;
        onInput.run();
      }
    }

    private boolean hasRoom(long t, long read) {
      return t - (long) HEAD.getAcquire(this) < readAhead
          && read - (long) DELIVERED.getAcquire(this) < window;
    }

    @Override
    long available() {
      return (long) TAIL.getAcquire(this) - head;
    }

    @Override
    boolean exhausted() {
      return done && failure == null && available() == 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    List<T> next(int max) {
      boolean ended = done; // read before tail: if it was done, every input is visible
      long t = (long) TAIL.getAcquire(this);
      int n = (int) Math.min(max, t - head);
      if (n == 0) {
        if (ended && failure != null) {
          throw failure;
        }
        return List.of();
      }
      List<T> chunk = new ArrayList<>(n);
      long h = head;
      for (int i = 0; i < n; i++) {
        int at = (int) (h & mask);
        chunk.add((T) ring[at]);
        ring[at] = null;
        h++;
      }
      HEAD.setRelease(this, h);
      pulled += n;
      wake();
      return chunk;
    }

    @Override
    void consumerAway(boolean away) {
      if (away) {
        if (!consumerAway) {
          awayEpoch++; // the consumer alone writes it
          consumerAway = true;
        }
      } else if (consumerAway) {
        consumerAway = false;
      }
      // The flag before the consumer's next look at tail, which the reader wrote before it
      // reads the flag: store-load, so a full fence (see read()).
      VarHandle.fullFence();
    }

    @Override
    boolean isConsumerAway() {
      return consumerAway;
    }

    @Override
    void progress(long deliveredSoFar, int readAhead) {
      this.readAhead = Math.max(1, Math.min(readAhead, ring.length));
      DELIVERED.setRelease(this, deliveredSoFar);
      wake();
    }

    private void wake() {
      VarHandle.fullFence(); // head or delivered, just written, before parked: see read()
      if (parked) {
        Thread r = thread;
        if (r != null) {
          LockSupport.unpark(r);
        }
      }
    }

    @Override
    void close() {
      if (closed.compareAndSet(false, true)) {
        synchronized (threadLock) {
          Thread r = thread;
          if (r != null && r != Thread.currentThread()) {
            r.interrupt();
          }
        }
        closeResource();
      }
    }

    private final AtomicBoolean resourceClosed = new AtomicBoolean();

    private void closeResource() {
      if (resource != null && resourceClosed.compareAndSet(false, true)) {
        try {
          resource.close();
        } catch (Exception e) {
          // The input's own close failing does not change any result already computed.
        }
      }
    }
  }

  private static final class FromList<T> extends ChunkSource<T> {
    private final List<? extends T> list;
    private final int size;

    FromList(List<? extends T> list) {
      this.list = list;
      this.size = list.size();
    }

    @Override
    long size() {
      return size;
    }

    @Override
    long available() {
      return size - pulled;
    }

    @Override
    boolean exhausted() {
      return pulled == size;
    }

    @Override
    @SuppressWarnings("unchecked")
    List<T> next(int max) {
      int from = (int) pulled;
      int to = (int) Math.min(size, pulled + max);
      pulled = to;
      return (List<T>) list.subList(from, to);
    }

    @Override
    void close() {}
  }
}
