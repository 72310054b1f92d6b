package dev.weft.shm;

import dev.weft.channel.ChannelClosedException;
import dev.weft.channel.Received;
import java.io.IOException;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A bounded queue between processes on one machine: any number of senders and receivers in any
 * number of JVMs, a fixed capacity, and an end that is part of the protocol. The cross-process
 * sibling of {@link dev.weft.channel.Channel}, and weft's answer to Python's {@code
 * multiprocessing.Queue} and {@code Pipe}.
 *
 * {@snippet :
 * // parent
 * try (SharedQueue<Long> q = SharedQueue.create("results", 1024, 8, Codec.longs())) {
 *   startWorker(q.handle());              // the handle is Serializable
 *   for (long v : q) total += v;          // ends when a sender closes the queue and it is drained
 * }
 * // worker, in another JVM
 * try (SharedQueue<Long> q = handle.open()) {
 *   for (long v : work) q.send(v);
 * }                                       // close(): the end of the stream, for every process
 * }
 *
 * <ul>
 *   <li><b>Bound</b>: at most {@link #capacity()} elements of at most {@link #maxElementBytes()}
 *       encoded bytes each; the memory is {@code capacity × (16 + maxElementBytes)} bytes (rounded
 *       up to 8), fixed at creation. A larger element is refused with {@link
 *       IllegalArgumentException}, without taking a slot. Elements are encoded by the queue's
 *       {@link Codec}.
 *   <li><b>Blocking</b>: {@link #send} waits while the queue is full, {@link #receive} while it is
 *       empty; {@link #trySend} and {@link #tryReceive} never wait; {@link #receiveOrClosed}
 *       reports the end as a value. A wait spins for 20 us, yields until 200 us, then parks for
 *       growing pauses of at most 1 ms: an idle waiter costs little CPU, a busy queue never enters
 *       the kernel, and a wait ends at most about 1 ms after what it waits for happened. A receive
 *       waits forever only while the queue is open and every process holding an end is alive: as
 *       with a {@code Channel}, a queue that nobody closes does not end.
 *   <li><b>Interrupts</b>: a waiting {@code send} or {@code receive} that is interrupted throws
 *       {@link InterruptedException} and leaves the queue as if it had not been called: an element
 *       is neither lost nor delivered twice (a slot is claimed only when it can be filled at once).
 *   <li><b>End</b>: {@link #close()} ends the queue for every process: sends fail at once,
 *       receivers still get every element sent before, then {@link ChannelClosedException}
 *       ({@linkplain ChannelClosedException#isDone() done}). {@link #fail(Throwable)} ends it with
 *       an error: the elements still buffered are dropped and every process's receivers and senders
 *       get {@link ChannelClosedException} whose cause is a {@link RemoteFailureException} carrying
 *       the error's text (only the text crosses processes).
 *   <li><b>Crashes</b>: each process's end is a reference to the queue's {@link SharedMemory}. A
 *       waiting {@code send} or {@code receive} checks every few milliseconds that no process died
 *       holding an end; if one did, it fails the queue ({@link RemoteFailureException#died()},
 *       naming the pid): a killed peer is an error, never a hang. A process that is done with a
 *       queue it should not end calls {@link #detach()}; leaving without {@code close} or {@code
 *       detach} counts as dying.
 *   <li><b>Cleanup</b>: the queue's segment is removed when its last end is released; {@link
 *       SharedMemory#reclaimOrphans()} removes it if all its processes died.
 *   <li><b>Nulls</b> are not allowed as elements.
 * </ul>
 *
 * <p>Thread-safety: any number of threads of any number of processes may send and receive at once.
 * {@code detach} or {@code close} while another thread still uses the same end unmaps the memory
 * under it and makes that thread's call throw {@link IllegalStateException}: parts of a program
 * with lifetimes of their own should each {@linkplain Handle#open() open} an end, in the same
 * process too.
 *
 * <p>Memory consistency: actions in a thread before it sends an element happen before the actions
 * of the thread, in whatever process, that receives that element, after its {@code receive}
 * returns.
 *
 * <p>Implementation note: Dmitry Vyukov's bounded MPMC queue
 * (https://www.1024cores.net/home/lock-free-algorithms/queues/bounded-mpmc-queue) in the shared
 * segment. Each slot carries a sequence number: a sender at position {@code p} may claim the slot
 * when its sequence is {@code 2p} (CAS on the tail), writes the element and publishes it with a
 * release store of {@code 2p + 1}; a receiver claims it when the sequence is {@code 2p + 1} (CAS on
 * the head), reads it and frees it with a release store of {@code 2(p + capacity)}. (Vyukov's
 * {@code p}, {@code p + 1}, {@code p + capacity} cannot tell full from free at capacity 1; doubling
 * can, at any capacity, so the capacity need not be a power of two either.) Sends are linearized at
 * the tail CAS, receives at the head CAS. A sender re-reads the state after its claim and, if the
 * queue was closed meanwhile, publishes its slot as a skip marker and throws; a receiver of a
 * closed queue returns the end only when the head has reached the tail, so an element whose send
 * returned is never stranded behind the end. The state (open, closed, failing, failed), the failing
 * pid, the error text and the codec's class name live in the segment's first 1.5 KiB; head and tail
 * have lines of their own.
 *
 * @param <T> the element type
 */
public final class SharedQueue<T> implements Iterable<T>, AutoCloseable {
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final long MAGIC = 0x5745_4654_5155_4531L; // "WEFTQUE1"

  private static final long OFF_MAGIC = 0;
  private static final long OFF_CAPACITY = 8; // int
  private static final long OFF_MAX_BYTES = 12; // int
  private static final long OFF_TAIL = 64;
  private static final long OFF_HEAD = 128;
  private static final long OFF_STATE = 192;
  private static final long OFF_FAIL_PID = 200;
  private static final long OFF_FAIL_DIED = 208;
  private static final long OFF_FAIL_LEN = 216;
  private static final long OFF_FAIL_TEXT = 256;
  private static final int FAIL_TEXT_BYTES = 1024;
  private static final long OFF_CODEC_LEN = 16; // int
  private static final long OFF_CODEC_NAME = OFF_FAIL_TEXT + FAIL_TEXT_BYTES;
  private static final int CODEC_NAME_BYTES = 256;
  private static final long OFF_SLOTS = OFF_CODEC_NAME + CODEC_NAME_BYTES;
  private static final long SLOT_HEADER = 16; // sequence (8), length (4), padding (4)
  private static final int SKIPPED = -1;

  private static final long OPEN = 0;
  private static final long CLOSED = 1;
  private static final long FAILING = 2;
  private static final long FAILED = 3;

  /** The largest element a queue may be created for. */
  public static final int MAX_ELEMENT_BYTES = 1 << 24;

  private static final long PEER_CHECK_NANOS = 5_000_000;
  private static final long MAX_PARK_NANOS = 1_000_000;
  private static final long SPIN_NANOS = 20_000;
  private static final long YIELD_NANOS = 200_000;

  private final SharedMemory memory;
  private final MemorySegment mem;
  private final Codec<T> codec;
  private final int capacity;
  private final int maxBytes;
  private final long stride;
  private volatile boolean detached;

  private SharedQueue(SharedMemory memory, Codec<T> codec) {
    this.memory = memory;
    this.mem = memory.segment();
    this.codec = codec;
    this.capacity = mem.get(ValueLayout.JAVA_INT, OFF_CAPACITY);
    this.maxBytes = mem.get(ValueLayout.JAVA_INT, OFF_MAX_BYTES);
    this.stride = strideFor(maxBytes);
  }

  private static long strideFor(int maxBytes) {
    return (SLOT_HEADER + maxBytes + 7) & ~7L;
  }

  /**
   * Creates a queue and opens this process's end of it.
   *
   * @param name the name, as for {@link SharedMemory#create}
   * @param capacity how many elements it buffers, at least 1
   * @param maxElementBytes the most bytes an encoded element may have, 1 to {@value
   *     #MAX_ELEMENT_BYTES}
   * @param codec how elements are encoded; the other processes must use an equal one
   * @param <T> the element type
   * @return this process's end
   * @throws java.nio.file.FileAlreadyExistsException if a segment of that name exists
   * @throws IOException if the segment cannot be created
   */
  public static <T> SharedQueue<T> create(
      String name, int capacity, int maxElementBytes, Codec<T> codec) throws IOException {
    Objects.requireNonNull(codec, "codec");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    if (maxElementBytes < 1 || maxElementBytes > MAX_ELEMENT_BYTES) {
      throw new IllegalArgumentException(
          "maxElementBytes must be 1 to " + MAX_ELEMENT_BYTES + ": " + maxElementBytes);
    }
    long bytes = OFF_SLOTS + capacity * strideFor(maxElementBytes);
    SharedMemory m = SharedMemory.create(name, bytes);
    try {
      MemorySegment s = m.segment();
      s.set(ValueLayout.JAVA_INT, OFF_CAPACITY, capacity);
      s.set(ValueLayout.JAVA_INT, OFF_MAX_BYTES, maxElementBytes);
      byte[] codecName = codecName(codec);
      s.set(ValueLayout.JAVA_INT, OFF_CODEC_LEN, codecName.length);
      MemorySegment.copy(codecName, 0, s, ValueLayout.JAVA_BYTE, OFF_CODEC_NAME, codecName.length);
      long stride = strideFor(maxElementBytes);
      for (long i = 0; i < capacity; i++) {
        s.set(ValueLayout.JAVA_LONG, OFF_SLOTS + i * stride, 2 * i);
      }
      // The segment is attachable by name already; openers wait for this last store.
      LONG.setVolatile(s, OFF_MAGIC, MAGIC);
      return new SharedQueue<>(m, codec);
    } catch (RuntimeException | Error e) {
      try {
        m.close(); // an opener waits for the set-up only while we hold the segment
      } catch (IOException x) {
        e.addSuppressed(x);
      }
      throw e;
    }
  }

  /**
   * Opens this process's end of an existing queue.
   *
   * @param name the queue's name
   * @param codec how elements are encoded: equal to the creator's
   * @param <T> the element type
   * @return a new end
   * @throws java.nio.file.NoSuchFileException if there is no such queue
   * @throws IOException if it cannot be attached, is not a queue, or its creator died before
   *     setting it up
   * @throws IllegalArgumentException if the queue was created with a codec of another class
   */
  public static <T> SharedQueue<T> open(String name, Codec<T> codec) throws IOException {
    Objects.requireNonNull(codec, "codec");
    SharedMemory m = SharedMemory.attach(name);
    try {
      MemorySegment s = m.segment();
      if (s.byteSize() < OFF_SLOTS) {
        throw new IOException("the weft segment '" + name + "' is not a queue");
      }
      // The creator sets the queue up right after creating the segment; wait for it while it lives.
      while ((long) LONG.getVolatile(s, OFF_MAGIC) != MAGIC) {
        if ((long) LONG.getVolatile(s, OFF_MAGIC) != 0) {
          throw new IOException("the weft segment '" + name + "' is not a queue");
        }
        if (!m.deadHolders().isEmpty()) {
          throw new IOException("the creator of queue '" + name + "' died before setting it up");
        }
        Thread.onSpinWait();
      }
      String created = codecNameIn(s);
      String mine = new String(codecName(codec), StandardCharsets.UTF_8);
      if (!created.equals(mine)) {
        throw new IllegalArgumentException(
            "queue '" + name + "' was created with codec " + created + ", not " + mine);
      }
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
    return new SharedQueue<>(m, codec);
  }

  /** The codec's class: what another process must use too, recorded so a mismatch is an error. */
  private static byte[] codecName(Codec<?> codec) {
    byte[] b = codec.getClass().getName().getBytes(StandardCharsets.UTF_8);
    return b.length <= CODEC_NAME_BYTES ? b : java.util.Arrays.copyOf(b, CODEC_NAME_BYTES);
  }

  private static String codecNameIn(MemorySegment s) {
    int n = s.get(ValueLayout.JAVA_INT, OFF_CODEC_LEN);
    byte[] b = new byte[Math.clamp(n, 0, CODEC_NAME_BYTES)];
    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, OFF_CODEC_NAME, b, 0, b.length);
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * The queue's name.
   *
   * @return the name it was created with
   */
  public String name() {
    return memory.name();
  }

  /**
   * The most elements the queue buffers.
   *
   * @return the capacity
   */
  public int capacity() {
    return capacity;
  }

  /**
   * The most bytes an encoded element may have.
   *
   * @return the slot size
   */
  public int maxElementBytes() {
    return maxBytes;
  }

  /**
   * A serializable handle by which another process opens its end.
   *
   * @return the handle
   */
  public Handle<T> handle() {
    return new Handle<>(name(), codec);
  }

  // ---------------------------------------------------------------- sending

  /**
   * Sends an element, waiting while the queue is full.
   *
   * @param element the element, not null
   * @throws InterruptedException if interrupted while waiting; the element was not sent
   * @throws ChannelClosedException if the queue is or becomes closed or failed before the element
   *     is sent (also when a process holding an end is found dead)
   * @throws IllegalArgumentException if the element's encoding is larger than {@link
   *     #maxElementBytes()}
   */
  public void send(T element) throws InterruptedException {
    int len = sizeOf(element);
    Backoff backoff = null;
    while (true) {
      if (offer(element, len)) {
        return;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while sending to queue '" + name() + "'");
      }
      if (backoff == null) {
        backoff = new Backoff();
      }
      backoff.pause();
    }
  }

  /**
   * Sends an element if that is possible without waiting.
   *
   * @param element the element, not null
   * @return true if sent, false if the queue is full
   * @throws ChannelClosedException if the queue is closed or failed
   * @throws IllegalArgumentException if the element is too large
   */
  public boolean trySend(T element) {
    return offer(element, sizeOf(element));
  }

  private int sizeOf(T element) {
    Objects.requireNonNull(element, "element");
    checkAttached();
    int len = codec.size(element);
    if (len > maxBytes || len < 0) {
      throw new IllegalArgumentException(
          "an element of "
              + len
              + " bytes does not fit queue '"
              + name()
              + "', whose elements have at most "
              + maxBytes
              + " bytes");
    }
    return len;
  }

  /** One attempt: true if sent, false if full; throws if ended. */
  private boolean offer(T element, int len) {
    long pos = (long) LONG.getVolatile(mem, OFF_TAIL);
    while (true) {
      long state = (long) LONG.getVolatile(mem, OFF_STATE);
      if (state != OPEN) {
        throw endedForSend(state);
      }
      long slot = slotOffset(pos);
      long seq = (long) LONG.getAcquire(mem, slot);
      long dif = seq - 2 * pos;
      if (dif == 0) {
        long witness = (long) LONG.compareAndExchange(mem, OFF_TAIL, pos, pos + 1);
        if (witness == pos) {
          fill(slot, pos, element, len);
          return true;
        }
        pos = witness;
      } else if (dif < 0) {
        return false;
      } else {
        pos = (long) LONG.getVolatile(mem, OFF_TAIL);
      }
    }
  }

  /** The slot at {@code pos} is ours: fill and publish it, or publish a skip if we must not. */
  private void fill(long slot, long pos, T element, int len) {
    long state = (long) LONG.getVolatile(mem, OFF_STATE);
    if (state != OPEN) {
      // Closed between our check and our claim: receivers may have seen the end already.
      publish(slot, pos, SKIPPED);
      throw endedForSend(state);
    }
    try {
      codec.write(element, mem, slot + SLOT_HEADER);
    } catch (RuntimeException | Error e) {
      publish(slot, pos, SKIPPED); // a failing codec must not leave a hole receivers wait at
      throw e;
    }
    publish(slot, pos, len);
  }

  private void publish(long slot, long pos, int len) {
    mem.set(ValueLayout.JAVA_INT, slot + 8, len);
    LONG.setRelease(mem, slot, 2 * pos + 1);
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Receives an element, waiting while the queue is empty.
   *
   * @return the element
   * @throws InterruptedException if interrupted while waiting; nothing was received
   * @throws ChannelClosedException once the queue is closed and drained, or failed
   */
  public T receive() throws InterruptedException {
    T e = await(false, 0);
    if (e == null) {
      throw endedForReceive();
    }
    return e;
  }

  /**
   * Receives an element, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return the element, or null if none came in time
   * @throws InterruptedException if interrupted while waiting; nothing was received
   * @throws ChannelClosedException once the queue is closed and drained, or failed
   */
  public T receive(Duration timeout) throws InterruptedException {
    T e = await(true, Math.max(0, timeout.toNanos()));
    if (e == null && isEnded()) {
      throw endedForReceive();
    }
    return e;
  }

  /**
   * Receives an element if one is ready.
   *
   * @return the element, or null if the queue is empty
   * @throws ChannelClosedException once the queue is closed and drained, or failed
   */
  public T tryReceive() {
    checkAttached();
    long state = (long) LONG.getVolatile(mem, OFF_STATE);
    if (state >= FAILING) {
      throw endedForReceive();
    }
    T e = poll();
    if (e == null && state == CLOSED && drained()) {
      throw endedForReceive();
    }
    return e;
  }

  /**
   * Receives an element or learns that the queue has ended, without an exception for the end.
   *
   * @return the element, {@link Received.Done} or {@link Received.Failed} (with a {@link
   *     RemoteFailureException})
   * @throws InterruptedException if interrupted while waiting; nothing was received
   */
  public Received<T> receiveOrClosed() throws InterruptedException {
    T e = await(false, 0);
    if (e != null) {
      return new Received.Value<>(e);
    }
    long state = (long) LONG.getVolatile(mem, OFF_STATE);
    return state >= FAILING ? new Received.Failed<>(failure()) : new Received.Done<>();
  }

  /** An element, or null once the queue has ended (closed and drained, or failed) or timed out. */
  private T await(boolean timed, long nanos) throws InterruptedException {
    checkAttached();
    long deadline = timed ? System.nanoTime() + nanos : 0;
    Backoff backoff = null;
    while (true) {
      long state = (long) LONG.getVolatile(mem, OFF_STATE);
      if (state >= FAILING) {
        return null;
      }
      T e = poll();
      if (e != null) {
        return e;
      }
      if (state == CLOSED && drained()) {
        return null;
      }
      if (timed && System.nanoTime() - deadline >= 0) {
        return null;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while receiving from queue '" + name() + "'");
      }
      if (backoff == null) {
        backoff = new Backoff();
      }
      backoff.pause();
    }
  }

  /** One attempt: an element, or null if none is published at the head. */
  private T poll() {
    long pos = (long) LONG.getVolatile(mem, OFF_HEAD);
    while (true) {
      long slot = slotOffset(pos);
      long seq = (long) LONG.getAcquire(mem, slot);
      long dif = seq - (2 * pos + 1);
      if (dif == 0) {
        long witness = (long) LONG.compareAndExchange(mem, OFF_HEAD, pos, pos + 1);
        if (witness == pos) {
          T e = take(slot, pos);
          if (e != null) {
            return e;
          }
          pos = (long) LONG.getVolatile(mem, OFF_HEAD); // a skip marker: look further
        } else {
          pos = witness;
        }
      } else if (dif < 0) {
        return null;
      } else {
        pos = (long) LONG.getVolatile(mem, OFF_HEAD);
      }
    }
  }

  /** The slot at {@code pos} is ours: read it and free it, even if decoding fails. */
  private T take(long slot, long pos) {
    try {
      int len = mem.get(ValueLayout.JAVA_INT, slot + 8);
      return len == SKIPPED ? null : codec.read(mem, slot + SLOT_HEADER, len);
    } finally {
      LONG.setRelease(mem, slot, 2 * (pos + capacity));
    }
  }

  private boolean drained() {
    return (long) LONG.getVolatile(mem, OFF_HEAD) >= (long) LONG.getVolatile(mem, OFF_TAIL);
  }

  private long slotOffset(long pos) {
    return OFF_SLOTS + (pos % capacity) * stride;
  }

  // ---------------------------------------------------------------- the end

  /**
   * Ends the queue for every process (sends fail at once; receivers drain, then see the end) and
   * releases this process's end. Idempotent; on a failed queue it only releases the end.
   */
  @Override
  public void close() {
    if (detached) {
      return;
    }
    LONG.compareAndSet(mem, OFF_STATE, OPEN, CLOSED);
    detach();
  }

  /**
   * Releases this process's end without ending the queue: for one of several senders that has sent
   * its share. The queue's segment is removed when the last end is released. Idempotent.
   */
  public void detach() {
    if (detached) {
      return;
    }
    detached = true;
    try {
      memory.close();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot release queue '" + name() + "'", e);
    }
  }

  /**
   * Ends the queue with an error: no more sends, buffered elements are dropped, and every process's
   * receivers get {@link ChannelClosedException} caused by a {@link RemoteFailureException} with
   * {@code error}'s text. A no-op on a queue already closed or failed. Does not release this end.
   *
   * @param error the reason, not null
   */
  public void fail(Throwable error) {
    Objects.requireNonNull(error, "error");
    checkAttached();
    failWith(OPEN, ProcessHandle.current().pid(), false, String.valueOf(error));
  }

  /** Moves from {@code from} to failed with the text; false if the state was not {@code from}. */
  private boolean failWith(long from, long pid, boolean died, String text) {
    if (!LONG.compareAndSet(mem, OFF_STATE, from, FAILING)) {
      return false;
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(b.length, FAIL_TEXT_BYTES);
    MemorySegment.copy(b, 0, mem, ValueLayout.JAVA_BYTE, OFF_FAIL_TEXT, n);
    mem.set(ValueLayout.JAVA_LONG, OFF_FAIL_PID, pid);
    mem.set(ValueLayout.JAVA_LONG, OFF_FAIL_DIED, died ? 1 : 0);
    mem.set(ValueLayout.JAVA_LONG, OFF_FAIL_LEN, n);
    LONG.setVolatile(mem, OFF_STATE, FAILED);
    return true;
  }

  /** The failure as written by whoever failed the queue. */
  private RemoteFailureException failure() {
    // FAILING lasts a few stores; a process that died in them leaves an unknown reason.
    for (int i = 0; i < 1 << 20 && (long) LONG.getVolatile(mem, OFF_STATE) == FAILING; i++) {
      Thread.onSpinWait();
    }
    if ((long) LONG.getVolatile(mem, OFF_STATE) != FAILED) {
      return new RemoteFailureException(
          0, true, "queue '" + name() + "' failed for an unknown reason");
    }
    int n = (int) mem.get(ValueLayout.JAVA_LONG, OFF_FAIL_LEN);
    byte[] b = new byte[n];
    MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, OFF_FAIL_TEXT, b, 0, n);
    return new RemoteFailureException(
        mem.get(ValueLayout.JAVA_LONG, OFF_FAIL_PID),
        mem.get(ValueLayout.JAVA_LONG, OFF_FAIL_DIED) != 0,
        new String(b, StandardCharsets.UTF_8));
  }

  /**
   * Fails the queue if a process died holding an end. Called by waiters only: a dead sender may
   * have left a claimed slot unpublished, and a dead receiver will never make room.
   */
  private void checkPeers() {
    List<Long> dead = memory.deadHolders();
    if (dead.isEmpty()) {
      return;
    }
    String text = "process " + dead.getFirst() + " died holding an end of queue '" + name() + "'";
    if (!failWith(OPEN, dead.getFirst(), true, text)) {
      // Closed: only the elements in flight are at stake, so only a waiting receiver gets here.
      failWith(CLOSED, dead.getFirst(), true, text);
    }
  }

  private boolean isEnded() {
    long state = (long) LONG.getVolatile(mem, OFF_STATE);
    return state >= FAILING || (state == CLOSED && drained());
  }

  private ChannelClosedException endedForSend(long state) {
    if (state >= FAILING) {
      RemoteFailureException f = failure();
      return new ChannelClosedException("queue '" + name() + "' failed: " + f.getMessage(), f);
    }
    return new ChannelClosedException("queue '" + name() + "' is closed", null);
  }

  private ChannelClosedException endedForReceive() {
    long state = (long) LONG.getVolatile(mem, OFF_STATE);
    if (state >= FAILING) {
      RemoteFailureException f = failure();
      return new ChannelClosedException("queue '" + name() + "' failed: " + f.getMessage(), f);
    }
    return new ChannelClosedException("queue '" + name() + "' is closed and drained", null);
  }

  private void checkAttached() {
    if (detached) {
      throw new IllegalStateException("this process's end of queue '" + name() + "' is released");
    }
  }

  /**
   * Whether sends are refused: the queue was closed or failed.
   *
   * @return true once ended for sending
   */
  public boolean isClosedForSend() {
    checkAttached();
    return (long) LONG.getVolatile(mem, OFF_STATE) != OPEN;
  }

  /**
   * Whether receives are over: the queue was closed and is drained, or it failed.
   *
   * @return true once nothing more can be received
   */
  public boolean isClosedForReceive() {
    checkAttached();
    return isEnded();
  }

  /**
   * How many elements are buffered or being sent now; a snapshot for diagnostics.
   *
   * @return the number, 0 to capacity
   */
  public int size() {
    checkAttached();
    long head = (long) LONG.getVolatile(mem, OFF_HEAD);
    long tail = (long) LONG.getVolatile(mem, OFF_TAIL);
    return (int) Math.max(0, Math.min(capacity, tail - head));
  }

  /**
   * The remaining elements, until the queue ends. Iteration blocks like {@link #receive()}; a
   * failed queue makes it throw {@link ChannelClosedException}; an interrupt while waiting makes it
   * throw {@link CancellationException} with the interrupt status kept.
   *
   * @return a blocking iterator
   */
  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        Received<T> r;
        try {
          r = receiveOrClosed();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          CancellationException c = new CancellationException("interrupted while receiving");
          c.initCause(e);
          throw c;
        }
        return switch (r) {
          case Received.Value<T> v -> {
            next = v.value();
            yield true;
          }
          case Received.Done<T> d -> false;
          case Received.Failed<T> f -> throw endedForReceive();
        };
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T e = next;
        next = null;
        return e;
      }
    };
  }

  /**
   * The remaining elements as a sequential stream, as {@link #iterator()}.
   *
   * @return a blocking stream
   */
  public Stream<T> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /**
   * Spins for {@link #SPIN_NANOS}, yields until {@link #YIELD_NANOS}, then parks for growing pauses
   * up to {@link #MAX_PARK_NANOS}; every {@link #PEER_CHECK_NANOS} of waiting, looks for dead
   * peers. Spinning first because a peer that is running answers within a microsecond, while a
   * park, however short, sleeps for the kernel's timer slack (about 50 us); yielding next because
   * on a machine with fewer cores than busy threads the peer may need this core. A new one per
   * wait, so it costs nothing on a queue that never waits.
   */
  private final class Backoff {
    private final long start = System.nanoTime();
    private long lastCheck = start;
    private long park = 10_000;
    private int calls;

    void pause() {
      calls++;
      if (calls < 64) {
        Thread.onSpinWait();
        return;
      }
      long now = System.nanoTime();
      long waited = now - start;
      if (waited < SPIN_NANOS) {
        Thread.onSpinWait();
      } else if (waited < YIELD_NANOS) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(park);
        park = Math.min(MAX_PARK_NANOS, park * 2);
      }
      if (now - lastCheck >= PEER_CHECK_NANOS) {
        lastCheck = now;
        checkPeers();
      }
    }
  }

  /**
   * What another process needs to open its end of a queue: the name and the codec. Serializable, so
   * a task shipped to a worker process can carry it.
   *
   * @param name the queue's name
   * @param codec its codec
   * @param <T> the element type
   */
  public record Handle<T>(String name, Codec<T> codec) implements Serializable {
    /**
     * Checks the parts.
     *
     * @param name the queue's name
     * @param codec its codec
     */
    public Handle {
      SharedMemory.validateName(name);
      Objects.requireNonNull(codec, "codec");
    }

    /**
     * Opens this process's end of the queue.
     *
     * @return a new end
     * @throws IOException as {@link SharedQueue#open}
     */
    public SharedQueue<T> open() throws IOException {
      return SharedQueue.open(name, codec);
    }
  }
}
