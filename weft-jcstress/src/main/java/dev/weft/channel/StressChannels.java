package dev.weft.channel;

/** Elements and a drain for the jcstress tests of {@link Channel}. */
final class StressChannels {
  /** The first element; compared by identity. */
  static final String A = "A";

  /** The second element; compared by identity. */
  static final String B = "B";

  /** The error that the fail tests end a channel with. */
  static final Throwable ERROR = new IllegalStateException("failed by the test");

  /**
   * More elements than any test channel can hold; a drain that gets this many is reading the same
   * element again and again.
   */
  private static final int MAX_DRAIN = 8;

  /**
   * How many times {@link #tryReceiveSpinning} looks. A single look almost always comes before a
   * rendezvous sender has started waiting (the sender won in about 2% of the samples); 128 looks
   * make the two outcomes of the race about equally frequent on 2 cores, so that both get tested.
   */
  static final int RECEIVE_SPINS = 128;

  private StressChannels() {}

  /**
   * An object whose fields are plain, neither final nor volatile: only the channel's happens-before
   * edge makes the producer's writes visible to the consumer.
   */
  static final class Payload {
    int x;
    int y;
  }

  /** A {@link #drain} ended with null: the channel is open and empty. */
  static final int OPEN = 0;

  /** A {@link #drain} ended with {@link ChannelClosedException}, done: closed and drained. */
  static final int DONE = 1;

  /** A {@link #drain} ended with {@link ChannelClosedException} caused by {@link #ERROR}. */
  static final int FAILED = 2;

  /** A {@link #drain} ended with {@link ChannelClosedException} with another cause. */
  static final int FAILED_OTHER = 3;

  /** An element that no actor sent came out, or the channel never ran dry. */
  static final int STRANGE = 9;

  /** What a {@link #drain} found. */
  static final class Drained {
    /** How often {@link #A} came out. */
    int a;

    /** How often {@link #B} came out. */
    int b;

    /**
     * {@link #OPEN}, {@link #DONE}, {@link #FAILED} or {@link #FAILED_OTHER}; {@link #STRANGE} if
     * an element that no actor sent came out, or the drain did not end.
     */
    int end;
  }

  /**
   * Takes every element with {@link Channel#tryReceive()} until it returns null (the channel is
   * open and empty) or throws {@link ChannelClosedException} (closed and drained, or failed). Never
   * blocks, and stops after {@link #MAX_DRAIN} elements.
   *
   * @param channel the channel, quiescent (the arbiter calls this after every actor finished)
   * @return the counts and how the drain ended
   */
  static Drained drain(Channel<?> channel) {
    Drained d = new Drained();
    for (int i = 0; i < MAX_DRAIN; i++) {
      Object e;
      try {
        e = channel.tryReceive();
      } catch (ChannelClosedException closed) {
        d.end = d.end == STRANGE ? STRANGE : endOf(closed);
        return d;
      }
      if (e == null) {
        d.end = d.end == STRANGE ? STRANGE : OPEN;
        return d;
      }
      switch (code(e)) {
        case 1 -> d.a++;
        case 2 -> d.b++;
        default -> d.end = STRANGE;
      }
    }
    d.end = STRANGE;
    return d;
  }

  /**
   * Classifies a {@link ChannelClosedException}.
   *
   * @param closed the exception
   * @return {@link #DONE}, {@link #FAILED} or {@link #FAILED_OTHER}
   */
  static int endOf(ChannelClosedException closed) {
    if (closed.isDone()) {
      return DONE;
    }
    return closed.getCause() == ERROR ? FAILED : FAILED_OTHER;
  }

  /**
   * A code for an element: 1 for {@link #A}, 2 for {@link #B}, 0 for null, 9 for anything else.
   *
   * @param e the element or null
   * @return the code
   */
  static int code(Object e) {
    if (e == null) {
      return 0;
    }
    if (e == A) {
      return 1;
    }
    return e == B ? 2 : 9;
  }

  /**
   * Sends with {@link Channel#send}, classifying how it ended.
   *
   * @param channel the channel
   * @param element the element
   * @param cause the cause a {@link ChannelClosedException} should have: null after {@code
   *     close()}, {@link #ERROR} after {@code fail(ERROR)}
   * @return 1 returned; 0 threw {@link ChannelClosedException} with the expected cause; 3 threw it
   *     with another cause; 2 interrupted
   */
  static int send(Channel<String> channel, String element, Throwable cause) {
    try {
      channel.send(element);
      return 1;
    } catch (ChannelClosedException e) {
      return e.getCause() == cause ? 0 : 3;
    } catch (InterruptedException e) {
      return 2;
    }
  }

  /**
   * Looks for an element up to {@link #RECEIVE_SPINS} times with {@link Channel#tryReceive()}.
   * Never blocks.
   *
   * @param channel the channel
   * @param <T> the element type
   * @return the element, or null if none came
   */
  static <T> T tryReceiveSpinning(Channel<T> channel) {
    for (int i = 0; i < RECEIVE_SPINS; i++) {
      T e = channel.tryReceive();
      if (e != null) {
        return e;
      }
      Thread.onSpinWait();
    }
    return null;
  }
}
