package dev.weft.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.channel.StressChannels.Payload;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Claim: "actions in a thread before it sends an element happen before the actions of the thread
 * that receives that element, after its {@code receive} returns" ({@link Channel}).
 *
 * <p>The producer allocates a {@link Payload}, writes its plain fields {@code x = 1} and {@code y =
 * 2} and a plain field of the test, {@code side = 3}, then sends the payload. A consumer that
 * received the payload must see all three writes; a default value (0) would mean the channel
 * published the reference without the writes before it.
 *
 * <p>Result: {@code x}, {@code y}, {@code side} as the consumer read them (-1 if it received
 * nothing), and what the send did (1 sent; 0 refused; 2 interrupted).
 */
public final class ChannelHappensBeforeStress {
  private ChannelHappensBeforeStress() {}

  /**
   * Capacity 1, one {@code trySend} into the empty channel and one {@code tryReceive} at the same
   * time. A single look (rather than a loop) makes the consumer read the payload right at the
   * moment it is published, where a missing edge would show.
   */
  @JCStressTest
  @Description("Channel (capacity 1): writes before trySend are visible after tryReceive")
  @Outcome(
      id = "1, 2, 3, 1",
      expect = ACCEPTABLE,
      desc = "The consumer received the payload and saw every write made before the send.")
  @Outcome(
      id = "-1, -1, -1, 1",
      expect = ACCEPTABLE,
      desc = "The consumer looked before the send: nothing to receive yet.")
  @Outcome(
      id = "0, [0-9]+, [0-9]+, 1|[0-9]+, 0, [0-9]+, 1|[0-9]+, [0-9]+, 0, 1",
      expect = FORBIDDEN,
      desc = "STALE: the consumer received the payload but missed a write made before the send.")
  @Outcome(
      id = "-?[0-9]+, -?[0-9]+, -?[0-9]+, 0",
      expect = FORBIDDEN,
      desc = "trySend refused the payload although the channel was empty.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Buffered {
    private final Channel<Payload> channel = Channel.bounded(1);
    private int side;

    /** Writes, then sends. */
    @Actor
    public void producer(IIII_Result r) {
      Payload p = new Payload();
      p.x = 1;
      p.y = 2;
      side = 3;
      r.r4 = channel.trySend(p) ? 1 : 0;
    }

    /** Receives once, then reads. */
    @Actor
    public void consumer(IIII_Result r) {
      Payload p = channel.tryReceive();
      if (p == null) {
        r.r1 = -1;
        r.r2 = -1;
        r.r3 = -1;
      } else {
        r.r1 = p.x;
        r.r2 = p.y;
        r.r3 = side;
      }
    }
  }

  /**
   * Capacity 0 (rendezvous): a blocking {@code send} and a blocking {@code receive} in two actors.
   * Each waits for the other, and both always come, so neither blocks for ever.
   */
  @JCStressTest
  @Description("Channel (rendezvous): writes before send are visible after receive")
  @Outcome(
      id = "1, 2, 3, 1",
      expect = ACCEPTABLE,
      desc = "The consumer received the payload and saw every write made before the send.")
  @Outcome(
      id = "0, [0-9]+, [0-9]+, 1|[0-9]+, 0, [0-9]+, 1|[0-9]+, [0-9]+, 0, 1",
      expect = FORBIDDEN,
      desc = "STALE: the consumer received the payload but missed a write made before the send.")
  @Outcome(
      id = "-1, -1, -1, [0-9]+",
      expect = FORBIDDEN,
      desc = "receive was interrupted, though nothing interrupts the actors.")
  @Outcome(
      id = "[0-9]+, [0-9]+, [0-9]+, 2",
      expect = FORBIDDEN,
      desc = "send was interrupted, though nothing interrupts the actors.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Rendezvous {
    private final Channel<Payload> channel = Channel.rendezvous();
    private int side;

    /** Writes, then sends and waits for the consumer. */
    @Actor
    public void producer(IIII_Result r) {
      Payload p = new Payload();
      p.x = 1;
      p.y = 2;
      side = 3;
      try {
        channel.send(p);
        r.r4 = 1;
      } catch (InterruptedException e) {
        r.r4 = 2;
      }
    }

    /** Waits for the payload, then reads. */
    @Actor
    public void consumer(IIII_Result r) {
      try {
        Payload p = channel.receive();
        r.r1 = p.x;
        r.r2 = p.y;
        r.r3 = side;
      } catch (InterruptedException e) {
        r.r1 = -1;
        r.r2 = -1;
        r.r3 = -1;
      }
    }
  }
}
