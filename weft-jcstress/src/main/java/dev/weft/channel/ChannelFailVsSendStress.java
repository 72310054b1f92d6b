package dev.weft.channel;

import static dev.weft.channel.StressChannels.A;
import static dev.weft.channel.StressChannels.ERROR;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.channel.StressChannels.Drained;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Claim: {@code fail(error)} racing {@code send(A)} never loses A silently: either the send throws
 * {@link ChannelClosedException}, or A is delivered, or A is dropped and returned by {@code fail}
 * (which drops what is buffered). After {@code fail}, receivers get the error, never an element.
 */
public final class ChannelFailVsSendStress {
  private ChannelFailVsSendStress() {}

  /**
   * Capacity 1, empty, so the send never waits for room; the arbiter drains after both.
   *
   * <p>Result: what {@code send} did (1 returned; 0 threw {@link ChannelClosedException} caused by
   * the error; 3 threw it otherwise; 2 interrupted); how many times A is in the list {@code fail}
   * returned (-1 if the list holds anything else); how many times the drain received A; how the
   * drain ended ({@link StressChannels#FAILED} 2 with the error; 0 still open; 1 done; 3 another
   * cause; 9 an element nobody sent).
   */
  @JCStressTest
  @Description("Channel (capacity 1): fail racing send reports the element it drops")
  @Outcome(
      id = "1, 1, 0, 2",
      expect = ACCEPTABLE,
      desc = "send won: A was buffered, and fail dropped it and returned it to its caller.")
  @Outcome(
      id = "0, 0, 0, 2",
      expect = ACCEPTABLE,
      desc = "fail won: send threw ChannelClosedException with the error; nothing was dropped.")
  @Outcome(
      id = "1, 0, 0, [0-9]",
      expect = FORBIDDEN,
      desc = "LOST: send returned normally, but fail did not report A and nobody received it.")
  @Outcome(
      id = "0, [1-9], [0-9]+, [0-9]|0, [0-9], [1-9][0-9]*, [0-9]",
      expect = FORBIDDEN,
      desc = "send threw, yet A was also reported dropped or received.")
  @Outcome(
      id = "[0-3], -?[0-9]+, [1-9][0-9]*, [0-9]",
      expect = FORBIDDEN,
      desc = "A was received after fail, which must drop everything buffered.")
  @Outcome(
      id = "[0-3], -?[0-9]+, [0-9]+, [013-9]",
      expect = FORBIDDEN,
      desc = "The drain did not end with the channel's error.")
  @Outcome(
      id = "[23], -?[0-9]+, [0-9]+, [0-9]|[0-3], -1, [0-9]+, [0-9]|[0-3], [2-9], [0-9]+, [0-9]",
      expect = FORBIDDEN,
      desc = "send was interrupted or threw with another cause, or fail returned a wrong list.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Buffered {
    private final Channel<String> channel = Channel.bounded(1);

    /** Sends A into the empty channel. */
    @Actor
    public void sender(IIII_Result r) {
      r.r1 = StressChannels.send(channel, A, ERROR);
    }

    /** Fails the channel. */
    @Actor
    public void failer(IIII_Result r) {
      r.r2 = countA(channel.fail(ERROR));
    }

    /** Drains after both. */
    @Arbiter
    public void drain(IIII_Result r) {
      Drained d = StressChannels.drain(channel);
      r.r3 = d.a;
      r.r4 = d.end;
    }
  }

  /**
   * Capacity 0 (rendezvous): {@code send(A)} blocks until a receiver takes A or the channel ends.
   * The other actor looks up to 128 times with {@code tryReceive()} ({@link
   * StressChannels#tryReceiveSpinning}), then fails the channel, which makes a sender still waiting
   * give up. A waiting sender's element is not buffered, so {@code fail} returns nothing: the
   * sender's exception is the report.
   *
   * <p>Result: what {@code send} did (1 returned; 0 threw {@link ChannelClosedException} caused by
   * the error; 3 threw it otherwise; 2 interrupted); what {@code tryReceive} got (1 A, 0 nothing, 9
   * something else, 5 it threw); how many elements {@code fail} returned; how a drain after both
   * ended ({@link StressChannels#FAILED} 2 with the error; 0 still open; 1 done; 3 another cause; 9
   * it received something).
   */
  @JCStressTest
  @Description("Channel (rendezvous): fail racing a waiting send never loses its element")
  @Outcome(
      id = "1, 1, 0, 2",
      expect = ACCEPTABLE,
      desc = "The sender came in time: tryReceive took A and send returned; then fail.")
  @Outcome(
      id = "0, 0, 0, 2",
      expect = ACCEPTABLE,
      desc = "The receiving actor gave up before the sender came; fail made send throw the error.")
  @Outcome(
      id = "1, [02-9], [0-9]+, [0-9]",
      expect = FORBIDDEN,
      desc = "LOST: send returned normally, but the receiver did not get A.")
  @Outcome(
      id = "0, 1, [0-9]+, [0-9]",
      expect = FORBIDDEN,
      desc = "send threw, yet A was delivered.")
  @Outcome(
      id = "[0-3], [0-9], [1-9][0-9]*, [0-9]",
      expect = FORBIDDEN,
      desc = "fail returned an element, though a rendezvous channel buffers none.")
  @Outcome(
      id = "[0-3], [0-9], [0-9]+, [013-9]",
      expect = FORBIDDEN,
      desc = "The drain did not end with the channel's error.")
  @Outcome(
      id = "[23], [0-9], [0-9]+, [0-9]|[0-3], 5, [0-9]+, [0-9]",
      expect = FORBIDDEN,
      desc = "Some call threw what nothing in the test explains.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Rendezvous {
    private final Channel<String> channel = Channel.rendezvous();

    /** Sends A and waits for a receiver or the end. */
    @Actor
    public void sender(IIII_Result r) {
      r.r1 = StressChannels.send(channel, A, ERROR);
    }

    /** Takes A if the sender comes in time, then fails the channel. */
    @Actor
    public void receiverThenFailer(IIII_Result r) {
      try {
        r.r2 = StressChannels.code(StressChannels.tryReceiveSpinning(channel));
      } catch (ChannelClosedException e) {
        r.r2 = 5;
      }
      r.r3 = channel.fail(ERROR).size();
    }

    /** Checks the end after both. */
    @Arbiter
    public void drain(IIII_Result r) {
      Drained d = StressChannels.drain(channel);
      r.r4 = d.a + d.b > 0 ? StressChannels.STRANGE : d.end;
    }
  }

  /** How many times A is in the list; -1 if the list holds anything else. */
  private static int countA(List<String> dropped) {
    int n = 0;
    for (String e : dropped) {
      if (e != A) {
        return -1;
      }
      n++;
    }
    return n;
  }
}
