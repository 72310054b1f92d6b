package dev.weft.channel;

import static dev.weft.channel.StressChannels.A;
import static dev.weft.channel.StressChannels.B;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.channel.StressChannels.Drained;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Claim: {@link Channels#select} receives exactly one element, from the channel it names, and
 * leaves the other channel's element where it is; a select waiting on empty channels wakes up when
 * an element arrives.
 *
 * <p>Actor 1 selects over two empty channels of capacity 1, {@code a} and {@code b}, blocking until
 * one has an element. Actor 2 sends A to {@code a} and then B to {@code b}. (The brief's third
 * actor, a second sender, is folded into actor 2: jcstress does not run a test with more actors
 * than CPUs, and the CI machines have 2.) The select always completes: A always arrives. The
 * arbiter then drains both channels. Depending on when the select polls, it finds A (before or
 * after parking) or B: select starts each pass at a random channel, so a select woken by A may look
 * at {@code b} first and find B there already.
 *
 * <p>Result: what select returned (1 A from index 0; 2 B from index 1; 9 an element from the wrong
 * index or an unknown one; 5 it threw {@link ChannelClosedException}; 6 interrupted); A accepted by
 * {@code trySend} (1); B accepted (1); how many times A was left in {@code a} (-1 if the drain
 * found something strange); how many times B was left in {@code b}.
 */
@JCStressTest
@Description("Channels.select racing sends takes exactly one element and leaves the other")
@Outcome(
    id = "1, 1, 1, 0, 1",
    expect = ACCEPTABLE,
    desc = "select returned A from a; B is still in b.")
@Outcome(
    id = "2, 1, 1, 1, 0",
    expect = ACCEPTABLE,
    desc = "select found a empty, and looked at b (first, or again) after B came: B; A is in a.")
@Outcome(
    id = "1, 1, 1, [1-9][0-9]*, [0-9]+|2, 1, 1, [0-9]+, [1-9][0-9]*",
    expect = FORBIDDEN,
    desc = "DUPLICATE: the element select returned is also still in its channel.")
@Outcome(
    id = "1, 1, 1, [0-9]+, 0|2, 1, 1, 0, [0-9]+",
    expect = FORBIDDEN,
    desc = "LOST: the element select did not return is gone from its channel.")
@Outcome(
    id = "[0-9], 0, [01], -?[0-9]+, [0-9]+|[0-9], [01], 0, -?[0-9]+, [0-9]+",
    expect = FORBIDDEN,
    desc = "trySend refused, though each channel was empty or drained by select.")
@Outcome(
    id = "[5-9], [01], [01], -?[0-9]+, [0-9]+",
    expect = FORBIDDEN,
    desc = "select threw, was interrupted or returned something wrong.")
@Outcome(expect = FORBIDDEN, desc = "Any other result is a bug in the test or in Channels.select.")
@State
public class ChannelSelectVsSendStress {
  private final Channel<String> a = Channel.bounded(1);
  private final Channel<String> b = Channel.bounded(1);

  /** Selects over a and b, waiting for an element. */
  @Actor
  public void selector(IIIII_Result r) {
    try {
      Channels.Selected<String> s = Channels.select(a, b);
      if (s.index() == 0 && s.value() == A) {
        r.r1 = 1;
      } else if (s.index() == 1 && s.value() == B) {
        r.r1 = 2;
      } else {
        r.r1 = 9;
      }
    } catch (ChannelClosedException e) {
      r.r1 = 5;
    } catch (InterruptedException e) {
      r.r1 = 6;
    }
  }

  /** Sends A to a, then B to b. */
  @Actor
  public void sender(IIIII_Result r) {
    r.r2 = a.trySend(A) ? 1 : 0;
    r.r3 = b.trySend(B) ? 1 : 0;
  }

  /** Drains both channels. */
  @Arbiter
  public void drain(IIIII_Result r) {
    Drained da = StressChannels.drain(a);
    Drained db = StressChannels.drain(b);
    boolean strange = da.b > 0 || db.a > 0 || da.end != 0 || db.end != 0;
    r.r4 = strange ? -1 : da.a;
    r.r5 = db.b;
  }
}
