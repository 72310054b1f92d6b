package dev.weft.channel;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/** Operations over several channels at once. */
public final class Channels {
  private Channels() {}

  /**
   * What {@link #select} received, and from which channel.
   *
   * @param index the position of the channel in the list given to {@code select}
   * @param value the element
   * @param <T> the element type
   */
  public record Selected<T>(int index, T value) {}

  /**
   * Receives one element from whichever channel has one first, waiting while none has.
   *
   * <p>When several are ready, one is picked at random, so a busy channel cannot starve the others.
   * A channel that is closed and drained is passed over; when all are, select throws {@link
   * ChannelClosedException} (done). A failed channel makes select throw at once, with the channel's
   * error as the cause.
   *
   * {@snippet :
   * Channels.Selected<Event> s = Channels.select(List.of(clicks, keys));
   * String from = s.index() == 0 ? "mouse" : "keyboard";
   * }
   *
   * @param channels the channels, at least one
   * @param <T> the element type
   * @return the element and the index of its channel
   * @throws InterruptedException if interrupted while waiting; nothing was received
   * @throws ChannelClosedException if every channel is done, or one failed
   */
  public static <T> Selected<T> select(List<? extends Channel<? extends T>> channels)
      throws InterruptedException {
    Objects.requireNonNull(channels, "channels");
    int n = channels.size();
    if (n == 0) {
      throw new IllegalArgumentException("select needs at least one channel");
    }
    int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
    while (true) {
      Selected<T> got = pollAll(channels, start);
      if (got != null) {
        return got;
      }
      Waiter waiter = new Waiter(Thread.currentThread());
      for (Channel<? extends T> c : channels) {
        c.register(waiter);
      }
      try {
        // A send between the first poll and the registration would not have woken us: look again.
        got = pollAll(channels, start);
        if (got != null) {
          return got;
        }
        while (!waiter.woken) {
          LockSupport.park(waiter);
          if (Thread.interrupted()) {
            throw new InterruptedException("interrupted in select");
          }
        }
      } finally {
        for (Channel<? extends T> c : channels) {
          c.unregister(waiter);
        }
      }
    }
  }

  /**
   * As {@link #select(List)}, for channels given one by one.
   *
   * @param channels the channels, at least one
   * @param <T> the element type
   * @return the element and the index of its channel
   * @throws InterruptedException if interrupted while waiting
   */
  @SafeVarargs
  public static <T> Selected<T> select(Channel<? extends T>... channels)
      throws InterruptedException {
    return select(List.of(channels));
  }

  /** One pass over the channels; null if none had an element (and not all are done). */
  private static <T> Selected<T> pollAll(List<? extends Channel<? extends T>> channels, int start) {
    int n = channels.size();
    boolean allDone = true;
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      Received<? extends T> r = channels.get(i).pollForSelect();
      switch (r) {
        case null -> allDone = false;
        case Received.Value<? extends T> v -> {
          return new Selected<>(i, v.value());
        }
        case Received.Failed<? extends T> f ->
            throw new ChannelClosedException(
                "channel #" + i + " of the select failed: " + f.error(), f.error());
        case Received.Done<? extends T> d -> {}
      }
    }
    if (allDone) {
      throw new ChannelClosedException("every channel of the select is closed and drained", null);
    }
    return null;
  }

  /** A thread parked in select, woken by whichever channel gets an element or ends first. */
  static final class Waiter {
    private final Thread thread;
    volatile boolean woken;

    Waiter(Thread thread) {
      this.thread = thread;
    }

    void wake() {
      if (!woken) {
        woken = true;
        LockSupport.unpark(thread);
      }
    }
  }
}
