package dev.weft.bench;

import dev.weft.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does it cost to pass one element from producer threads to consumer threads through weft's
 * {@link Channel}, compared with the JDK's blocking queues and jox's channels? One operation moves
 * {@value #ELEMENTS} pre-boxed {@code Integer}s from P producer threads to C consumer threads, all
 * started for the operation and joined at its end; {@code @OperationsPerInvocation} makes JMH's
 * score the time per element, in ns. Starting the threads is part of the operation (amortized over
 * the elements; {@link StartOnly} measures it alone), which is what lets the same body run on
 * virtual threads: JMH's own threads are platform threads.
 *
 * <p>Every implementation sits behind the same two-method {@link Pipe}, so the body is identical
 * for all; each (implementation, parameters) pair runs in its own fork, so the pipe's call sites
 * see one class. Producers send exactly their share and consumers receive exactly theirs (a count,
 * not a close or a poison pill), so no implementation needs close semantics. The consumers' sum of
 * the received values is checked after every operation: a lost or duplicated element fails the run
 * instead of reporting a number.
 *
 * <p>Not every combination is meaningful, so the classes split by capacity: {@link Buffered}
 * (capacity 16 and 1,024: weft, {@link ArrayBlockingQueue}, bounded {@link LinkedBlockingQueue},
 * jox) and {@link Rendezvous} (capacity 0: weft, {@link SynchronousQueue}, jox).
 *
 * <p>Run it with:
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar ChannelBenchmark -f 1 -wi 3 -i 5 \
 *     -rf json -rff weft-benchmarks/target/channel.json
 * </pre>
 */
public class ChannelBenchmark {
  static final int ELEMENTS = 100_000;

  /** Elements 1,000 and up, so none comes from the {@code Integer} cache and all are distinct. */
  static final Integer[] VALUES = new Integer[ELEMENTS];

  static final long EXPECTED_SUM;

  static {
    long sum = 0;
    for (int i = 0; i < ELEMENTS; i++) {
      VALUES[i] = i + 1_000;
      sum += i + 1_000;
    }
    EXPECTED_SUM = sum;
  }

  /** The one interface every implementation is used through. */
  interface Pipe {
    void send(Integer e) throws InterruptedException;

    Integer receive() throws InterruptedException;
  }

  static Pipe pipe(String impl, int capacity) {
    return switch (impl) {
      case "weft" -> {
        Channel<Integer> c = Channel.bounded(capacity);
        yield new Pipe() {
          @Override
          public void send(Integer e) throws InterruptedException {
            c.send(e);
          }

          @Override
          public Integer receive() throws InterruptedException {
            return c.receive();
          }
        };
      }
      case "jox" -> {
        com.softwaremill.jox.Channel<Integer> c =
            capacity == 0
                ? com.softwaremill.jox.Channel.newRendezvousChannel()
                : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        yield new Pipe() {
          @Override
          public void send(Integer e) throws InterruptedException {
            c.send(e);
          }

          @Override
          public Integer receive() throws InterruptedException {
            return c.receive();
          }
        };
      }
      case "arrayBlockingQueue" -> queue(new ArrayBlockingQueue<>(positive(impl, capacity)));
      case "linkedBlockingQueue" -> queue(new LinkedBlockingQueue<>(positive(impl, capacity)));
      case "synchronousQueue" -> {
        if (capacity != 0) {
          throw new IllegalArgumentException("SynchronousQueue has capacity 0 only: " + capacity);
        }
        yield queue(new SynchronousQueue<>());
      }
      default -> throw new IllegalArgumentException("unknown implementation: " + impl);
    };
  }

  private static int positive(String impl, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException(impl + " needs a capacity of 1 or more: " + capacity);
    }
    return capacity;
  }

  private static Pipe queue(java.util.concurrent.BlockingQueue<Integer> q) {
    return new Pipe() {
      @Override
      public void send(Integer e) throws InterruptedException {
        q.put(e);
      }

      @Override
      public Integer receive() throws InterruptedException {
        return q.take();
      }
    };
  }

  /**
   * The benchmark body: starts the producers and consumers on threads of the given kind, joins
   * them, checks that every element arrived once, and returns the consumers' sum.
   */
  static long transfer(Pipe pipe, String producersToConsumers, String threadKind)
      throws InterruptedException {
    int colon = producersToConsumers.indexOf(':');
    int producers = Integer.parseInt(producersToConsumers.substring(0, colon));
    int consumers = Integer.parseInt(producersToConsumers.substring(colon + 1));
    Thread.Builder builder =
        switch (threadKind) {
          case "platform" -> Thread.ofPlatform();
          case "virtual" -> Thread.ofVirtual();
          default -> throw new IllegalArgumentException("unknown thread kind: " + threadKind);
        };
    AtomicReference<Throwable> error = new AtomicReference<>();
    long[] sums = new long[consumers];
    List<Thread> threads = new ArrayList<>(producers + consumers);
    for (int c = 0; c < consumers; c++) {
      int from = share(c, consumers);
      int to = share(c + 1, consumers);
      int slot = c;
      threads.add(
          builder.start(() -> {
            long sum = 0;
            try {
              for (int i = from; i < to; i++) {
                sum += pipe.receive();
              }
            } catch (Throwable t) {
              error.compareAndSet(null, t);
            }
            sums[slot] = sum;
          }));
    }
    for (int p = 0; p < producers; p++) {
      int from = share(p, producers);
      int to = share(p + 1, producers);
      threads.add(
          builder.start(() -> {
            try {
              for (int i = from; i < to; i++) {
                pipe.send(VALUES[i]);
              }
            } catch (Throwable t) {
              error.compareAndSet(null, t);
            }
          }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (error.get() != null) {
      throw new IllegalStateException("a producer or consumer failed", error.get());
    }
    long total = 0;
    for (long s : sums) {
      total += s;
    }
    if (total != EXPECTED_SUM) {
      throw new IllegalStateException("elements lost or duplicated: sum " + total);
    }
    return total;
  }

  private static int share(int k, int parts) {
    return (int) ((long) ELEMENTS * k / parts);
  }

  /** Capacity 16 and 1,024: weft against the JDK's bounded queues and jox. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
  public static class Buffered {
    @Param({"weft", "arrayBlockingQueue", "linkedBlockingQueue", "jox"})
    public String impl;

    @Param({"16", "1024"})
    public int capacity;

    @Param({"1:1", "4:4"})
    public String producersToConsumers;

    @Param({"platform", "virtual"})
    public String threadKind;

    @Setup
    public void check() {
      pipe(impl, capacity); // fails the fork at once for an invalid combination
    }

    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long transfer() throws InterruptedException {
      return ChannelBenchmark.transfer(pipe(impl, capacity), producersToConsumers, threadKind);
    }
  }

  /** Capacity 0, a hand-off: weft's rendezvous channel, {@link SynchronousQueue} and jox's. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
  public static class Rendezvous {
    @Param({"weft", "synchronousQueue", "jox"})
    public String impl;

    @Param({"1:1", "4:4"})
    public String producersToConsumers;

    @Param({"platform", "virtual"})
    public String threadKind;

    @Setup
    public void check() {
      pipe(impl, 0);
    }

    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long transfer() throws InterruptedException {
      return ChannelBenchmark.transfer(pipe(impl, 0), producersToConsumers, threadKind);
    }
  }

  /**
   * The fixed cost inside every operation above: starting and joining the same threads with no
   * transfer, per element (divided by {@value #ELEMENTS} like the others).
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
  public static class StartOnly {
    @Param({"1:1", "4:4"})
    public String producersToConsumers;

    @Param({"platform", "virtual"})
    public String threadKind;

    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public int startAndJoin() throws InterruptedException {
      int colon = producersToConsumers.indexOf(':');
      int n =
          Integer.parseInt(producersToConsumers.substring(0, colon))
              + Integer.parseInt(producersToConsumers.substring(colon + 1));
      Thread.Builder builder =
          "virtual".equals(threadKind) ? Thread.ofVirtual() : Thread.ofPlatform();
      Thread[] threads = new Thread[n];
      int[] box = new int[n];
      for (int i = 0; i < n; i++) {
        int slot = i;
        threads[i] = builder.start(() -> box[slot] = slot);
      }
      for (Thread t : threads) {
        t.join();
      }
      return box[n - 1];
    }
  }
}
