package dev.weft.channel;

import static dev.weft.channel.StressChannels.A;
import static dev.weft.channel.StressChannels.B;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.channel.StressChannels.Drained;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * Claim: an element that {@code trySend} accepted is received exactly once, and nothing that was
 * refused is ever received; {@code trySend} refuses only when the channel is full.
 *
 * <p>Two actors each {@code trySend} one element (A, B) and then {@code tryReceive} once, so sends
 * race sends, receives race receives and sends race receives; the arbiter then drains the channel.
 * (jcstress does not run a test with more actors than CPUs, so there is no third actor.) Elements
 * are compared by identity.
 *
 * <p>Result: A accepted (1) or refused (0); B accepted or refused; what actor 1 received (0
 * nothing, 1 A, 2 B); what actor 2 received; how many times A was received in all (by the actors
 * and the drain; -1 if the drain found an element nobody sent); how many times B was.
 */
public final class ChannelNoLossStress {
  private ChannelNoLossStress() {}

  /**
   * Capacity 1: the second send is refused unless a receive made room in between. Every receive
   * comes after its actor's send, so the drain always finds the channel empty.
   */
  @JCStressTest
  @Description("Channel (capacity 1): racing trySends and tryReceives lose and duplicate nothing")
  @Outcome(
      id = "1, 0, 1, 0, 1, 0",
      expect = ACCEPTABLE,
      desc = "A went in, B was refused (full); actor 1 took A back, actor 2 found nothing.")
  @Outcome(
      id = "1, 0, 0, 1, 1, 0",
      expect = ACCEPTABLE,
      desc = "A went in, B was refused (full); actor 2 took A, actor 1 found nothing.")
  @Outcome(
      id = "0, 1, 0, 2, 0, 1",
      expect = ACCEPTABLE,
      desc = "B went in, A was refused (full); actor 2 took B back, actor 1 found nothing.")
  @Outcome(
      id = "0, 1, 2, 0, 0, 1",
      expect = ACCEPTABLE,
      desc = "B went in, A was refused (full); actor 1 took B, actor 2 found nothing.")
  @Outcome(
      id = "1, 1, 1, 2, 1, 1",
      expect = ACCEPTABLE,
      desc = "One actor sent and received its own element before the other sent: both went in.")
  @Outcome(
      id = "1, [01], [0-9], [0-9], 0, -?[0-9]+|[01], 1, [0-9], [0-9], -?[0-9]+, 0",
      expect = FORBIDDEN,
      desc = "LOST: an accepted element was never received.")
  @Outcome(
      id =
          "0, [01], [0-9], [0-9], [1-9][0-9]*, [0-9]+|[01], 0, [0-9], [0-9], -?[0-9]+, [1-9][0-9]*",
      expect = FORBIDDEN,
      desc = "PHANTOM: a refused element was received.")
  @Outcome(
      id =
          "[01], [01], [0-9], [0-9], ([2-9]|[1-9][0-9]+), [0-9]+|"
              + "[01], [01], [0-9], [0-9], -?[0-9]+, ([2-9]|[1-9][0-9]+)",
      expect = FORBIDDEN,
      desc = "DUPLICATE: an element was received twice.")
  @Outcome(
      id = "0, 0, [0-9], [0-9], -?[0-9]+, [0-9]+",
      expect = FORBIDDEN,
      desc = "Both sends were refused, though the channel started empty.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Capacity1 {
    private final Channel<String> channel = Channel.bounded(1);

    /** Offers A, then receives once. */
    @Actor
    public void actor1(IIIIII_Result r) {
      r.r1 = channel.trySend(A) ? 1 : 0;
      r.r3 = StressChannels.code(channel.tryReceive());
    }

    /** Offers B, then receives once. */
    @Actor
    public void actor2(IIIIII_Result r) {
      r.r2 = channel.trySend(B) ? 1 : 0;
      r.r4 = StressChannels.code(channel.tryReceive());
    }

    /** Drains the rest and counts. */
    @Arbiter
    public void drain(IIIIII_Result r) {
      count(channel, r);
    }
  }

  /**
   * Capacity 2: both sends are accepted, and the two receives share out A and B between them in one
   * way or the other (first in, first out).
   */
  @JCStressTest
  @Description("Channel (capacity 2): racing trySends and tryReceives lose and duplicate nothing")
  @Outcome(
      id = "1, 1, 1, 2, 1, 1",
      expect = ACCEPTABLE,
      desc = "Both went in; each actor received its own element.")
  @Outcome(
      id = "1, 1, 2, 1, 1, 1",
      expect = ACCEPTABLE_INTERESTING,
      desc = "Both went in before either receive; each actor received the other's element.")
  @Outcome(
      id = "1, [01], [0-9], [0-9], 0, -?[0-9]+|[01], 1, [0-9], [0-9], -?[0-9]+, 0",
      expect = FORBIDDEN,
      desc = "LOST: an accepted element was never received.")
  @Outcome(
      id = "0, [01], [0-9], [0-9], -?[0-9]+, [0-9]+|[01], 0, [0-9], [0-9], -?[0-9]+, [0-9]+",
      expect = FORBIDDEN,
      desc = "A send was refused, though the channel had room for both.")
  @Outcome(
      id =
          "1, 1, [0-9], [0-9], ([2-9]|[1-9][0-9]+), [0-9]+|"
              + "1, 1, [0-9], [0-9], -?[0-9]+, ([2-9]|[1-9][0-9]+)",
      expect = FORBIDDEN,
      desc = "DUPLICATE: an element was received twice.")
  @Outcome(
      id = "1, 1, 0, [0-9], 1, 1|1, 1, [0-9], 0, 1, 1",
      expect = FORBIDDEN,
      desc = "A receive found nothing, though each receive follows its own actor's send.")
  @Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channel.")
  @State
  public static class Capacity2 {
    private final Channel<String> channel = Channel.bounded(2);

    /** Offers A, then receives once. */
    @Actor
    public void actor1(IIIIII_Result r) {
      r.r1 = channel.trySend(A) ? 1 : 0;
      r.r3 = StressChannels.code(channel.tryReceive());
    }

    /** Offers B, then receives once. */
    @Actor
    public void actor2(IIIIII_Result r) {
      r.r2 = channel.trySend(B) ? 1 : 0;
      r.r4 = StressChannels.code(channel.tryReceive());
    }

    /** Drains the rest and counts. */
    @Arbiter
    public void drain(IIIIII_Result r) {
      count(channel, r);
    }
  }

  /**
   * Drains the channel and writes how many times A and B were received in all into {@code r5} and
   * {@code r6}, counting what the actors got ({@code r3}, {@code r4}).
   */
  static void count(Channel<String> channel, IIIIII_Result r) {
    Drained d = StressChannels.drain(channel);
    int a = d.a + (r.r3 == 1 ? 1 : 0) + (r.r4 == 1 ? 1 : 0);
    int b = d.b + (r.r3 == 2 ? 1 : 0) + (r.r4 == 2 ? 1 : 0);
    // an element nobody sent, or a drain that never ended: make the result match no outcome
    r.r5 = d.end == StressChannels.STRANGE ? -1 : a;
    r.r6 = b;
  }
}
