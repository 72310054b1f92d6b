package dev.weft.bench;

import dev.weft.shm.Codec;
import dev.weft.shm.SharedMemory;
import dev.weft.shm.SharedQueue;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How many small messages per second does {@link SharedQueue} carry from one JVM to another, and
 * how long is a round trip, compared with a Unix-domain socket between the same two JVMs? The
 * question behind ADR 10 (the cross-process queue is a ring in shared memory); the target is ten
 * times Python's {@code multiprocessing.Queue} (about 90,000 messages/s), so 900,000 messages/s.
 *
 * <p>Each run starts a fresh producer JVM (this class, in a child mode) that sends {@code n} longs
 * 0..n-1, encoded by {@link Codec#longs()}; this JVM receives them and times from the first message
 * to the last, so the child's start is not counted, and checks the sum, so a lost or duplicated
 * message fails the run instead of reporting a number. Transports:
 *
 * <ul>
 *   <li>{@code shm}: a {@code SharedQueue} of capacity 1,024.
 *   <li>{@code uds-each}: a Unix-domain stream socket, one {@code write} per message (a 4-byte
 *       length and the codec's 8 bytes), which is what {@code multiprocessing.Queue} does per
 *       object.
 *   <li>{@code uds-batched}: the same records, written 64 KiB at a time: the best a socket can do,
 *       but only for a sender that can wait to fill a buffer.
 * </ul>
 *
 * The round trip sends one long and waits for it to come back, {@code n / 20} times, one child
 * echoing: two {@code SharedQueue}s, or one socket with a write per message. The median of the runs
 * is printed, with all of them.
 *
 * <p>Run it with (after {@code ./mvnw -o -B -ntp -pl weft-benchmarks -am package -DskipTests}):
 *
 * <pre>
 * java -cp weft-benchmarks/target/benchmarks.jar dev.weft.bench.SharedQueueThroughput 5000000 5
 * </pre>
 */
public final class SharedQueueThroughput {
  private static final int CAPACITY = 1024;
  private static final int BATCH_BYTES = 64 * 1024;
  private static final int RECORD = 12;

  private SharedQueueThroughput() {}

  /**
   * Measures, or runs a child mode.
   *
   * @param args {@code [n [runs [only]]]} to measure (only: run the measurements whose name
   *     contains it), or a child mode (internal)
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].startsWith("child-")) {
      child(args);
      return;
    }
    long n = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String only = args.length > 2 ? args[2] : "";
    SharedMemory.reclaimOrphans();
    for (String t : List.of("shm", "uds-each", "uds-batched")) {
      if ((t + " one-way").contains(only)) {
        report(t + " one-way", "msgs/s", runs, () -> oneWay(t, n));
      }
    }
    long trips = n / 20;
    for (String t : List.of("shm", "uds-each")) {
      if ((t + " round trip").contains(only)) {
        report(t + " round trip", "us", runs, () -> roundTrip(t, trips));
      }
    }
  }

  interface Run {
    double once() throws Exception;
  }

  private static void report(String what, String unit, int runs, Run run) throws Exception {
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) {
      v[i] = run.once();
    }
    List<String> all = new ArrayList<>();
    for (double d : v) {
      all.add(String.format(d < 100 ? "%.2f" : "%.0f", d));
    }
    System.out.printf(
        "%-24s median %,12.2f %s   runs %s%n", what, EfficiencyTable.median(v), unit, all);
  }

  /** Messages per second from a producer JVM to this one (also used by {@link ProcessTable}). */
  static double oneWay(String transport, long n) throws Exception {
    String name = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    long sum = 0;
    long first = 0;
    long last;
    if (transport.equals("shm")) {
      try (SharedQueue<Long> q = SharedQueue.create(name, CAPACITY, 8, Codec.longs())) {
        Process p = start("child-shm-send", name, String.valueOf(n));
        for (long i = 0; i < n; i++) {
          long v = q.receive();
          if (i == 0) {
            first = System.nanoTime();
          }
          sum += v;
        }
        last = System.nanoTime();
        await(p);
      }
    } else {
      Path path = socketPath(name);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(path));
        Process p = start("child-" + transport + "-send", path.toString(), String.valueOf(n));
        try (SocketChannel ch = server.accept()) {
          ByteBuffer buf = ByteBuffer.allocateDirect(BATCH_BYTES).order(ByteOrder.nativeOrder());
          MemorySegment seg = MemorySegment.ofBuffer(buf);
          Codec<Long> codec = Codec.longs();
          long got = 0;
          while (got < n) {
            if (ch.read(buf) < 0) {
              throw new IOException("producer ended after " + got + " messages");
            }
            buf.flip();
            while (buf.remaining() >= RECORD) {
              int at = buf.position();
              int len = buf.getInt(at);
              sum += codec.read(seg, at + 4, len);
              buf.position(at + 4 + len);
              if (got++ == 0) {
                first = System.nanoTime();
              }
            }
            buf.compact();
          }
          last = System.nanoTime();
        } finally {
          Files.deleteIfExists(path);
        }
        await(p);
      }
    }
    if (sum != n * (n - 1) / 2) {
      throw new AssertionError(transport + ": sum " + sum + " is not that of 0.." + (n - 1));
    }
    return (n - 1) / ((last - first) / 1e9);
  }

  /** Microseconds per round trip through an echoing child JVM. */
  private static double roundTrip(String transport, long trips) throws Exception {
    String name = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    long t0;
    long t1;
    if (transport.equals("shm")) {
      try (SharedQueue<Long> ping = SharedQueue.create(name + "-ping", 16, 8, Codec.longs());
          SharedQueue<Long> pong = SharedQueue.create(name + "-pong", 16, 8, Codec.longs())) {
        Process p = start("child-shm-echo", name, String.valueOf(trips));
        t0 = 0;
        for (long i = 0; i < trips; i++) {
          if (i == trips / 10) {
            t0 = System.nanoTime(); // the first tenth warms up
          }
          ping.send(i);
          if (pong.receive() != i) {
            throw new AssertionError("echo out of order at " + i);
          }
        }
        t1 = System.nanoTime();
        await(p);
      }
    } else {
      Path path = socketPath(name);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(path));
        Process p = start("child-uds-echo", path.toString(), String.valueOf(trips));
        try (SocketChannel ch = server.accept()) {
          ByteBuffer out = ByteBuffer.allocateDirect(RECORD).order(ByteOrder.nativeOrder());
          ByteBuffer in = ByteBuffer.allocateDirect(RECORD).order(ByteOrder.nativeOrder());
          t0 = 0;
          for (long i = 0; i < trips; i++) {
            if (i == trips / 10) {
              t0 = System.nanoTime();
            }
            out.clear();
            out.putInt(8).putLong(i).flip();
            while (out.hasRemaining()) {
              ch.write(out);
            }
            in.clear();
            while (in.hasRemaining()) {
              if (ch.read(in) < 0) {
                throw new IOException("echo ended");
              }
            }
            if (in.getLong(4) != i) {
              throw new AssertionError("echo out of order at " + i);
            }
          }
          t1 = System.nanoTime();
        } finally {
          Files.deleteIfExists(path);
        }
        await(p);
      }
    }
    long measured = trips - trips / 10;
    return (t1 - t0) / 1e3 / measured;
  }

  private static Path socketPath(String name) {
    return Path.of(System.getProperty("java.io.tmpdir"), name + ".sock");
  }

  private static Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SharedQueueThroughput.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).inheritIO().start();
  }

  private static void await(Process p) throws InterruptedException {
    int rc = p.waitFor();
    if (rc != 0) {
      throw new AssertionError("child exited with " + rc);
    }
  }

  // ---------------------------------------------------------------- the child JVM

  private static void child(String[] args) throws Exception {
    String mode = args[0];
    String where = args[1];
    long n = Long.parseLong(args[2]);
    switch (mode) {
      case "child-shm-send" -> {
        try (SharedQueue<Long> q = SharedQueue.open(where, Codec.longs())) {
          for (long i = 0; i < n; i++) {
            q.send(i);
          }
        }
      }
      case "child-shm-echo" -> {
        try (SharedQueue<Long> ping = SharedQueue.open(where + "-ping", Codec.longs());
            SharedQueue<Long> pong = SharedQueue.open(where + "-pong", Codec.longs())) {
          for (long i = 0; i < n; i++) {
            pong.send(ping.receive());
          }
        }
      }
      case "child-uds-each-send", "child-uds-batched-send" -> {
        boolean each = mode.equals("child-uds-each-send");
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(where))) {
          ByteBuffer buf =
              ByteBuffer.allocateDirect(each ? RECORD : BATCH_BYTES).order(ByteOrder.nativeOrder());
          MemorySegment seg = MemorySegment.ofBuffer(buf);
          Codec<Long> codec = Codec.longs();
          for (long i = 0; i < n; i++) {
            Long v = i;
            int len = codec.size(v);
            if (buf.remaining() < 4 + len) {
              drain(ch, buf);
            }
            int at = buf.position();
            buf.putInt(at, len);
            codec.write(v, seg, at + 4);
            buf.position(at + 4 + len);
            if (each) {
              drain(ch, buf);
            }
          }
          drain(ch, buf);
        }
      }
      case "child-uds-echo" -> {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(where))) {
          ByteBuffer buf = ByteBuffer.allocateDirect(RECORD).order(ByteOrder.nativeOrder());
          for (long i = 0; i < n; i++) {
            buf.clear();
            while (buf.hasRemaining()) {
              if (ch.read(buf) < 0) {
                return;
              }
            }
            buf.flip();
            while (buf.hasRemaining()) {
              ch.write(buf);
            }
          }
        }
      }
      default -> throw new IllegalArgumentException(mode);
    }
  }

  private static void drain(SocketChannel ch, ByteBuffer buf) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
  }
}
