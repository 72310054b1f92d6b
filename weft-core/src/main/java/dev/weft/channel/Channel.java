package dev.weft.channel;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A bounded channel between threads: any number of senders and receivers, a fixed capacity, and an
 * end that is part of the protocol, so no sentinel values are needed.
 *
 * {@snippet :
 * Channel<String> lines = Channel.bounded(16);
 * Thread.ofVirtual().start(() -> {
 *   try (lines) {                       // close() when done: receivers drain, then see the end
 *     for (String l : source) lines.send(l);
 *   } catch (InterruptedException e) {
 *     lines.fail(e);                    // receivers see the error instead of the end
 *   }
 * });
 * for (String line : lines) {           // ends when the channel is closed and drained
 *   handle(line);
 * }
 * }
 *
 * <ul>
 *   <li><b>Bound</b>: at most {@link #capacity()} elements are buffered; {@link #send} blocks while
 *       the channel is full. Capacity 0 is a <i>rendezvous</i> channel: each {@code send} waits
 *       until a receiver has taken its element.
 *   <li><b>Blocking</b>: {@link #send} and {@link #receive} block; {@link #trySend} and {@link
 *       #tryReceive()} never do; {@link #receiveOrClosed()} reports the end as a value instead of
 *       an exception. {@link Channels#select} receives from whichever of several channels is ready
 *       first.
 *   <li><b>Interrupts</b>: a blocked {@code send} or {@code receive} that is interrupted throws
 *       {@link InterruptedException} and leaves the channel as if it had not been called: an
 *       element is neither lost nor delivered twice. (A rendezvous {@code send} whose element was
 *       taken just as the interrupt came returns normally with the interrupt status set.)
 *   <li><b>End</b>: {@link #close()} stops sends at once; receivers still get every buffered
 *       element, then {@link ChannelClosedException} ({@link ChannelClosedException#isDone()
 *       done}). {@link #fail(Throwable)} ends the channel with an error: buffered elements are
 *       dropped and returned to the caller of {@code fail}, and receivers get the error. Senders
 *       blocked at the end get {@link ChannelClosedException}: their elements were not delivered.
 *   <li><b>Nulls</b> are not allowed as elements.
 * </ul>
 *
 * <p>Memory consistency: actions in a thread before it sends an element happen before the actions
 * of the thread that receives that element, after its {@code receive} returns.
 *
 * <p>Implementation note: one lock guards the ring buffer, the queue of rendezvous offers and the
 * registered selectors; two conditions wait for room and for elements. A rendezvous sender enqueues
 * an offer and waits until a receiver marks it taken; an offer that is not taken is removed when
 * its sender gives up, so it is never delivered after {@code send} threw. Elements are linearized
 * at the moment they enter the ring (or their offer is taken) under the lock.
 *
 * @param <T> the element type
 */
public final class Channel<T> implements Iterable<T>, AutoCloseable {
  private final int capacity;
  private final Object[] ring;
  private int head;
  private int count;
  private final ArrayDeque<Offer<T>> offers;
  private final ArrayDeque<Receiver<T>> receivers;
  private final List<Channels.Waiter> selectors = new ArrayList<>(2);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private boolean closed;
  private Throwable failure;

  private Channel(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be 0 (rendezvous) or more: " + capacity);
    }
    this.capacity = capacity;
    this.ring = new Object[Math.max(capacity, 1)];
    this.offers = capacity == 0 ? new ArrayDeque<>() : null;
    this.receivers = capacity == 0 ? new ArrayDeque<>() : null;
  }

  /**
   * A channel that buffers up to {@code capacity} elements; 0 makes a rendezvous channel.
   *
   * @param capacity the bound, at least 0
   * @param <T> the element type
   * @return the channel
   */
  public static <T> Channel<T> bounded(int capacity) {
    return new Channel<>(capacity);
  }

  /**
   * A channel without a buffer: every {@code send} waits for a receiver.
   *
   * @param <T> the element type
   * @return the channel
   */
  public static <T> Channel<T> rendezvous() {
    return new Channel<>(0);
  }

  /**
   * The most elements this channel buffers.
   *
   * @return the capacity, 0 for a rendezvous channel
   */
  public int capacity() {
    return capacity;
  }

  /**
   * Sends an element, waiting while the channel is full (for a rendezvous channel: until a receiver
   * takes it).
   *
   * @param element the element, not null
   * @throws InterruptedException if interrupted while waiting; the element was not sent
   * @throws ChannelClosedException if the channel is or becomes closed before the element is sent
   */
  public void send(T element) throws InterruptedException {
    Objects.requireNonNull(element, "element");
    lock.lockInterruptibly();
    try {
      if (capacity == 0) {
        rendezvousSend(element);
        return;
      }
      while (true) {
        checkOpenForSend();
        if (count < capacity) {
          enqueue(element);
          return;
        }
        notFull.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private void rendezvousSend(T element) throws InterruptedException {
    checkOpenForSend();
    if (handToWaitingReceiver(element)) {
      return;
    }
    Offer<T> offer = new Offer<>(element);
    offers.addLast(offer);
    notEmpty.signal();
    wakeSelectors();
    try {
      while (!offer.taken) {
        if (closed) {
          offers.remove(offer);
          throw closedForSend();
        }
        notFull.await();
      }
    } catch (InterruptedException e) {
      if (offer.taken) {
        Thread.currentThread().interrupt();
        return;
      }
      offers.remove(offer);
      throw e;
    }
  }

  /**
   * Sends an element if that is possible without waiting.
   *
   * @param element the element, not null
   * @return true if sent; false if the channel is full (for a rendezvous channel: if no receiver is
   *     waiting)
   * @throws ChannelClosedException if the channel is closed
   */
  public boolean trySend(T element) {
    Objects.requireNonNull(element, "element");
    lock.lock();
    try {
      checkOpenForSend();
      if (capacity == 0) {
        return handToWaitingReceiver(element);
      }
      if (count == capacity) {
        return false;
      }
      enqueue(element);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Receives an element, waiting while the channel is empty.
   *
   * @return the element
   * @throws InterruptedException if interrupted while waiting; nothing was received
   * @throws ChannelClosedException once the channel is closed and drained, or failed
   */
  public T receive() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      T e = awaitElement(false, 0);
      if (e == null) {
        throw closedForReceive();
      }
      return e;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Receives an element, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return the element, or null if none came in time
   * @throws InterruptedException if interrupted while waiting; nothing was received
   * @throws ChannelClosedException once the channel is closed and drained, or failed
   */
  public T receive(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      T e = awaitElement(true, nanos);
      if (e == null && closed) {
        throw closedForReceive();
      }
      return e;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Receives an element if one is ready.
   *
   * @return the element, or null if the channel is empty (for a rendezvous channel: if no sender is
   *     waiting)
   * @throws ChannelClosedException once the channel is closed and drained, or failed
   */
  public T tryReceive() {
    lock.lock();
    try {
      T e = takeOrNull();
      if (e == null && closed) {
        throw closedForReceive();
      }
      return e;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Receives an element or learns that the channel has ended, without an exception for the end.
   *
   * @return the element, {@link Received.Done} or {@link Received.Failed}
   * @throws InterruptedException if interrupted while waiting; nothing was received
   */
  public Received<T> receiveOrClosed() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      T e = awaitElement(false, 0);
      if (e != null) {
        return new Received.Value<>(e);
      }
      return failure == null ? new Received.Done<>() : new Received.Failed<>(failure);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the channel normally: no more sends; receivers drain the buffer and then see the end.
   * Senders blocked now get {@link ChannelClosedException}. Idempotent, and a no-op on a failed
   * channel.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      endWaiters();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the channel with an error: no more sends, buffered elements are dropped, and receivers get
   * {@link ChannelClosedException} with {@code error} as its cause. A no-op on a channel that is
   * already closed or failed.
   *
   * @param error the reason, not null
   * @return the buffered elements that will now never be received, oldest first (empty if the
   *     channel was already closed)
   */
  public List<T> fail(Throwable error) {
    Objects.requireNonNull(error, "error");
    lock.lock();
    try {
      if (closed) {
        return List.of();
      }
      closed = true;
      failure = error;
      List<T> dropped = new ArrayList<>(count);
      T e;
      while ((e = dequeueOrNull()) != null) {
        dropped.add(e);
      }
      endWaiters();
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether sends are refused: the channel was closed or failed.
   *
   * @return true once closed
   */
  public boolean isClosedForSend() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether receives are over: the channel was closed and is drained, or it failed.
   *
   * @return true once nothing more can be received
   */
  public boolean isClosedForReceive() {
    lock.lock();
    try {
      return closed && count == 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many elements are buffered now (a rendezvous channel: how many senders wait). A snapshot
   * for diagnostics; it may be stale as soon as it returns.
   *
   * @return the number
   */
  public int size() {
    lock.lock();
    try {
      return capacity == 0 ? offers.size() : count;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The remaining elements, until the channel ends. Iteration blocks like {@link #receive()}; a
   * failed channel makes it throw {@link ChannelClosedException}; an interrupt while waiting makes
   * it throw {@link CancellationException} with the interrupt status kept. Several threads may
   * iterate the same channel at once; each element goes to one of them.
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
          case Received.Failed<T> f -> throw closedForReceive();
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

  // ---------------------------------------------------------------- under the lock

  private void checkOpenForSend() {
    if (closed) {
      throw closedForSend();
    }
  }

  private ChannelClosedException closedForSend() {
    return failure == null
        ? new ChannelClosedException("channel is closed", null)
        : new ChannelClosedException("channel failed: " + failure, failure);
  }

  private ChannelClosedException closedForReceive() {
    return failure == null
        ? new ChannelClosedException("channel is closed and drained", null)
        : new ChannelClosedException("channel failed: " + failure, failure);
  }

  private void enqueue(T element) {
    int tail = head + count;
    if (tail >= ring.length) {
      tail -= ring.length;
    }
    ring[tail] = element;
    count++;
    notEmpty.signal();
    wakeSelectors();
  }

  @SuppressWarnings("unchecked")
  private T dequeueOrNull() {
    if (count == 0) {
      return null;
    }
    T e = (T) ring[head];
    ring[head] = null;
    if (++head == ring.length) {
      head = 0;
    }
    count--;
    return e;
  }

  /** Takes a buffered element or a waiting rendezvous offer; null if there is none. */
  private T takeOrNull() {
    if (capacity == 0) {
      Offer<T> offer = offers.pollFirst();
      if (offer == null) {
        return null;
      }
      offer.taken = true;
      notFull.signalAll();
      return offer.element;
    }
    T e = dequeueOrNull();
    if (e != null) {
      notFull.signal();
    }
    return e;
  }

  /**
   * Waits for an element: returns it, or null once the channel is closed and drained (or, when
   * {@code timed}, the time ran out). A rendezvous receiver parks a {@link Receiver} node that a
   * sender fills under the lock; once filled it is delivered even if an interrupt arrives at the
   * same time (the interrupt status is then kept), so a handed-off element is never lost.
   */
  private T awaitElement(boolean timed, long nanos) throws InterruptedException {
    while (true) {
      T e = takeOrNull();
      if (e != null) {
        return e;
      }
      if (closed || (timed && nanos <= 0)) {
        return null;
      }
      if (capacity > 0) {
        nanos = timed ? notEmpty.awaitNanos(nanos) : awaitForever(notEmpty);
        continue;
      }
      Receiver<T> node = new Receiver<>();
      receivers.addLast(node);
      try {
        while (node.element == null && !closed && (!timed || nanos > 0)) {
          nanos = timed ? notEmpty.awaitNanos(nanos) : awaitForever(notEmpty);
        }
      } catch (InterruptedException ie) {
        if (node.element != null) {
          Thread.currentThread().interrupt();
          return node.element;
        }
        receivers.remove(node);
        throw ie;
      }
      if (node.element != null) {
        return node.element;
      }
      receivers.remove(node);
    }
  }

  private static long awaitForever(Condition condition) throws InterruptedException {
    condition.await();
    return 0;
  }

  /** Rendezvous: gives the element to the longest-waiting blocked receiver, if there is one. */
  private boolean handToWaitingReceiver(T element) {
    Receiver<T> node = receivers.pollFirst();
    if (node == null) {
      return false;
    }
    node.element = element;
    notEmpty.signalAll();
    return true;
  }

  private void endWaiters() {
    if (offers != null) {
      offers.clear();
    }
    notEmpty.signalAll();
    notFull.signalAll();
    wakeSelectors();
  }

  private void wakeSelectors() {
    if (!selectors.isEmpty()) {
      for (Channels.Waiter w : selectors) {
        w.wake();
      }
    }
  }

  // ---------------------------------------------------------------- for Channels.select

  /** One attempt for select: an element, the end, or null if neither is there yet. */
  Received<T> pollForSelect() {
    lock.lock();
    try {
      T e = takeOrNull();
      if (e != null) {
        return new Received.Value<>(e);
      }
      if (closed) {
        return failure == null ? new Received.Done<>() : new Received.Failed<>(failure);
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  void register(Channels.Waiter w) {
    lock.lock();
    try {
      selectors.add(w);
    } finally {
      lock.unlock();
    }
  }

  void unregister(Channels.Waiter w) {
    lock.lock();
    try {
      selectors.remove(w);
    } finally {
      lock.unlock();
    }
  }

  private static final class Receiver<T> {
    T element;
  }

  private static final class Offer<T> {
    final T element;
    boolean taken;

    Offer(T element) {
      this.element = element;
    }
  }
}
