package dev.weft.channel;

import static dev.weft.channel.StressChannels.A;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.channel.StressChannels.Drained;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Claim: {@code close()} racing {@code send(A)} either lets the send through, and A is then
 * received, or makes the send throw {@link ChannelClosedException}, and A is never received. "Sent
 * but lost" and "refused but delivered" are both bugs.
 */
public final class ChannelCloseVsSendStress {
  private ChannelCloseVsSendStress() {}

  /**
   * Capacity 1, empty, so the send never waits for room. The arbiter drains: receivers still get
   * every buffered element after {@code close()}, then the end.
   *
   * <p>Result: what {@code send} did (1 returned; 0 threw {@link ChannelClosedException}, done; 3
   * threw it with a cause; 2 interrupted); how many times the drain received A; how the drain ended
   * ({@link StressChannels#DONE} 1 closed and drained, 0 still open, 2 or 3 failed, 9 an element
   * nobody sent).
   */
  @JCStressTest
  @Description("Channel (capacity 1): close racing send never loses an accepted element")
  @Outcome(
      id = "1, 1, 1",
      expect = ACCEPTABLE,
      desc = "send won: A was buffered before the close, and the drain still received it.")
  @Outcome(
      id = "0, 0, 1",
      expect = ACCEPTABLE,
      desc = "close won: send threw ChannelClosedException, and A was never received.")
  @Outcome(
      id = "1, 0, [0-9]",
      expect = FORBIDDEN,
      desc = "LOST: send returned normally, but A was never received.")
  @Outcome(
      id = "0, [1-9], [0-9]",
      expect = FORBIDDEN,
      desc = "send threw ChannelClosedException, yet A was delivered.")
  @Outcome(
      id = "[0-3], [0-9]+, [02-9]",
      expect = FORBIDDEN,
      desc = "The drain did not end with the normal end (closed and drained).")
  @Outcome(
      id = "[23], [0-9]+, [0-9]",
      expect = FORBIDDEN,
      desc = "send was interrupted, or threw an exception with a cause, though nobody failed it.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Buffered {
    private final Channel<String> channel = Channel.bounded(1);

    /** Sends A into the empty channel. */
    @Actor
    public void sender(III_Result r) {
      r.r1 = StressChannels.send(channel, A, null);
    }

    /** Closes the channel. */
    @Actor
    public void closer() {
      channel.close();
    }

    /** Drains after both. */
    @Arbiter
    public void drain(III_Result r) {
      Drained d = StressChannels.drain(channel);
      r.r2 = d.a;
      r.r3 = d.end;
    }
  }

  /**
   * Capacity 0 (rendezvous): {@code send(A)} blocks until a receiver takes A or the channel closes.
   * The other actor looks up to 128 times with {@code tryReceive()} ({@link
   * StressChannels#tryReceiveSpinning}), which takes A if the sender is already waiting, and then
   * closes the channel, which makes a sender still waiting give up. So the send returns if and only
   * if the receiving actor got A; it never blocks for ever.
   *
   * <p>Result: what {@code send} did (1 returned; 0 threw {@link ChannelClosedException}, done; 3
   * threw it with a cause; 2 interrupted); what {@code tryReceive} got (1 A, 0 nothing, 9 something
   * else, 5 it threw); how a drain after both ended ({@link StressChannels#DONE} 1 closed and
   * drained; 0 still open; 2 or 3 failed; 9 it received something).
   */
  @JCStressTest
  @Description("Channel (rendezvous): close racing a waiting send never loses its element")
  @Outcome(
      id = "1, 1, 1",
      expect = ACCEPTABLE,
      desc = "The sender came in time: tryReceive took A and send returned; then close.")
  @Outcome(
      id = "0, 0, 1",
      expect = ACCEPTABLE,
      desc = "The receiving actor gave up before the sender came; close then made send throw.")
  @Outcome(
      id = "1, [0-9], [0-9]",
      expect = FORBIDDEN,
      desc = "LOST: send returned normally, but the receiver did not get A.")
  @Outcome(
      id = "0, 1, [0-9]",
      expect = FORBIDDEN,
      desc = "send threw ChannelClosedException, yet A was delivered.")
  @Outcome(
      id = "[0-3], [0-9], [02-9]",
      expect = FORBIDDEN,
      desc = "The drain did not end with the normal end (closed and drained).")
  @Outcome(
      id = "[23], [0-9], [0-9]|[0-3], 5, [0-9]",
      expect = FORBIDDEN,
      desc = "Some call threw what nothing in the test explains.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Rendezvous {
    private final Channel<String> channel = Channel.rendezvous();

    /** Sends A and waits for a receiver or the end. */
    @Actor
    public void sender(III_Result r) {
      r.r1 = StressChannels.send(channel, A, null);
    }

    /** Takes A if the sender comes in time, then closes. */
    @Actor
    public void receiverThenCloser(III_Result r) {
      try {
        r.r2 = StressChannels.code(StressChannels.tryReceiveSpinning(channel));
      } catch (ChannelClosedException e) {
        r.r2 = 5;
      }
      channel.close();
    }

    /** Checks the end after both. */
    @Arbiter
    public void drain(III_Result r) {
      Drained d = StressChannels.drain(channel);
      r.r3 = d.a + d.b > 0 ? StressChannels.STRANGE : d.end;
    }
  }
}
