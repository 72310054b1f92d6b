package dev.weft.bench;

import com.softwaremill.jox.Select;
import dev.weft.channel.Channel;
import dev.weft.channel.Channels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does one {@code select} over two channels cost? weft's {@code Channels.select(a, b)} against
 * jox's {@code Select.select(a.receiveClause(), b.receiveClause())}, the implementation a
 * {@code @Param}, in two settings:
 *
 * <ul>
 *   <li>{@link Prefilled}: the cost of select itself. Before each invocation (outside the timing)
 *       two channels of capacity {@value #SELECTS} are filled to the brim; the invocation then
 *       selects {@value #SELECTS} times on JMH's thread, so select always finds an element at once
 *       and never blocks or wakes anyone. Score: ns per select.
 *   <li>{@link Fed}: select in a live pipeline. Two platform producer threads, one per channel of
 *       capacity 16, send without pause for the whole trial; JMH's thread selects. A select may
 *       find both channels empty and park, and every select may have to wake a producer blocked on
 *       a full channel, so the score includes the hand-off and the contention on the channels (on 2
 *       cores, 3 busy threads). Score: ns per select.
 * </ul>
 *
 * <p>Run it with:
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar SelectBenchmark -f 1 -wi 3 -i 5 \
 *     -rf json -rff weft-benchmarks/target/select.json
 * </pre>
 */
public class SelectBenchmark {
  static final int SELECTS = 100_000;
  static final int FED_CAPACITY = 16;
  static final Integer ELEMENT = 1_000;

  /** Two channels and a select over them, whatever the implementation. */
  interface Pair {
    /** Sends to channel 0 or 1. */
    void send(int channel, Integer e) throws InterruptedException;

    /** Receives from whichever channel has an element; returns it. */
    Object select() throws InterruptedException;

    /** Ends both channels, so that blocked producers return. */
    void close();
  }

  static Pair pair(String impl, int capacity) {
    return switch (impl) {
      case "weft" -> {
        Channel<Integer> a = Channel.bounded(capacity);
        Channel<Integer> b = Channel.bounded(capacity);
        yield new Pair() {
          @Override
          public void send(int channel, Integer e) throws InterruptedException {
            (channel == 0 ? a : b).send(e);
          }

          @Override
          public Object select() throws InterruptedException {
            return Channels.select(a, b);
          }

          @Override
          public void close() {
            a.close();
            b.close();
          }
        };
      }
      case "jox" -> {
        com.softwaremill.jox.Channel<Integer> a =
            com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        com.softwaremill.jox.Channel<Integer> b =
            com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        yield new Pair() {
          @Override
          public void send(int channel, Integer e) throws InterruptedException {
            (channel == 0 ? a : b).send(e);
          }

          @Override
          public Object select() throws InterruptedException {
            return Select.select(a.receiveClause(), b.receiveClause());
          }

          @Override
          public void close() {
            a.doneOrClosed();
            b.doneOrClosed();
          }
        };
      }
      default -> throw new IllegalArgumentException("unknown implementation: " + impl);
    };
  }

  /** Select never blocks: both channels hold more elements than the invocation takes. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
  public static class Prefilled {
    @Param({"weft", "jox"})
    public String impl;

    private Pair pair;

    /**
     * Fresh channels per invocation, each filled with {@value #SELECTS} elements: even if every
     * select picked the same channel, neither empties. An invocation takes milliseconds, so the
     * per-invocation setup does not disturb the timing.
     */
    @Setup(Level.Invocation)
    public void fill() throws InterruptedException {
      pair = pair(impl, SELECTS);
      for (int i = 0; i < SELECTS; i++) {
        pair.send(0, ELEMENT);
        pair.send(1, ELEMENT);
      }
    }

    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public Object select() throws InterruptedException {
      Object last = null;
      for (int i = 0; i < SELECTS; i++) {
        last = pair.select();
      }
      return last;
    }
  }

  /** Select while two producers keep both channels fed. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
  public static class Fed {
    @Param({"weft", "jox"})
    public String impl;

    private Pair pair;
    private Thread[] producers;

    @Setup(Level.Trial)
    public void start() {
      pair = pair(impl, FED_CAPACITY);
      producers = new Thread[2];
      for (int c = 0; c < 2; c++) {
        int channel = c;
        producers[c] =
            Thread.ofPlatform()
                .daemon()
                .name("producer-" + c)
                .start(() -> {
                  try {
                    while (true) {
                      pair.send(channel, ELEMENT);
                    }
                  } catch (InterruptedException | RuntimeException endOfChannel) {
                    // closed at tear-down: done
                  }
                });
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      pair.close();
      for (Thread t : producers) {
        t.join();
      }
    }

    @Benchmark
    public Object select() throws InterruptedException {
      return pair.select();
    }
  }
}
