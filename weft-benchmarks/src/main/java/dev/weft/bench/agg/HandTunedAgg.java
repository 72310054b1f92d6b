package dev.weft.bench.agg;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling that issue 4 measures weft against: a single-purpose min/mean/max per station of a
 * {@code station;temperature} file (the one billion row challenge's format), written for speed and
 * nothing else, the way the challenge's fast entries are. It knows the format: a temperature is
 * {@code -?\d?\d\.\d}, kept as whole tenths in an {@code int}.
 *
 * <ul>
 *   <li>One platform thread per core; each claims 16 MiB segments of the file from a shared cursor
 *       and maps each into its own confined arena, unmapped when done (so memory stays flat, as
 *       weft's does; mapping the whole file at once is no faster on a warm page cache).
 *   <li>A line belongs to the segment holding its first byte; a segment's mapping reaches a little
 *       past its end for the last line.
 *   <li>The {@code ';'} is found eight bytes at a time (SWAR); a station of up to 16 bytes is two
 *       masked words that are its hash key and its identity, compared without a loop.
 *   <li>The temperature is parsed without branches from one eight-byte word (the decimal point
 *       located by its bit pattern, the digits combined by one multiplication).
 *   <li>Per-thread open-addressing tables of primitive arrays, merged once at the end.
 * </ul>
 *
 * <p>Run by {@code weft-benchmarks/scripts/agg-showdown.sh}; on its own:
 *
 * <pre>
 * java -cp weft-benchmarks/target/benchmarks.jar dev.weft.bench.agg.HandTunedAgg measurements.txt
 * </pre>
 *
 * Prints the same lines as {@code weft agg FILE --key 1 --value 2 --delimiter ';'}.
 */
public final class HandTunedAgg {
  private HandTunedAgg() {}

  private static final long SEGMENT = 16L << 20;

  /** How far a segment's mapping reaches past its end: the longest line it accepts. */
  private static final long OVERLAP = 4096;

  /** Bytes a fast-path line may read from its start: 16 of station, ';', 8 of temperature. */
  private static final long FAST_READ = 32;

  private static final ValueLayout.OfLong WORD =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /**
   * Aggregates the file named by the first argument on as many threads as the second says (default:
   * the cores) and prints one line per station.
   *
   * @param args the file, and optionally the thread count
   * @throws Exception if the file cannot be read or a worker fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: HandTunedAgg FILE [THREADS]");
      System.exit(2);
    }
    long start = System.nanoTime();
    Path path = Path.of(args[0]);
    int threads =
        args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Table[] tables = new Table[threads];
    Throwable[] failures = new Throwable[threads];
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      AtomicLong cursor = new AtomicLong();
      Thread[] workers = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int id = t;
        tables[t] = new Table();
        workers[t] =
            Thread.ofPlatform()
                .name("hand-tuned-" + t)
                .start(() -> {
                  try {
                    long s;
                    while ((s = cursor.getAndAdd(SEGMENT)) < size) {
                      segment(ch, size, s, Math.min(size, s + SEGMENT), tables[id]);
                    }
                  } catch (Throwable e) {
                    failures[id] = e;
                  }
                });
      }
      for (Thread w : workers) {
        w.join();
      }
    }
    for (Throwable f : failures) {
      if (f != null) {
        throw new IllegalStateException("a worker failed", f);
      }
    }
    TreeMap<String, long[]> merged = new TreeMap<>();
    for (Table t : tables) {
      t.mergeInto(merged);
    }
    long rows = 0;
    PrintStream out =
        new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
    for (Map.Entry<String, long[]> e : merged.entrySet()) {
      long[] a = e.getValue(); // min, max, sum, count in tenths
      rows += a[3];
      out.printf(
          Locale.ROOT,
          "%s=%.1f/%.1f/%.1f%n",
          e.getKey(),
          a[0] / 10.0,
          a[2] / 10.0 / a[3],
          a[1] / 10.0);
    }
    out.flush();
    System.err.printf(
        Locale.ROOT, "hand-tuned: rows %d, %.3f s%n", rows, (System.nanoTime() - start) / 1e9);
  }

  /** Folds the lines that start in {@code [from, to)} into the table. */
  private static void segment(FileChannel ch, long size, long from, long to, Table table)
      throws IOException {
    long mapFrom = from == 0 ? 0 : from - 1; // to see whether a line starts exactly at from
    long mapTo = Math.min(size, to + OVERLAP);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, mapFrom, mapTo - mapFrom, arena);
      long len = seg.byteSize();
      long end = to - mapFrom; // lines starting before this are ours
      long p = 0;
      if (from > 0) {
        while (seg.get(ValueLayout.JAVA_BYTE, p) != '\n') {
          p++; // the line in progress at from belongs to the segment before
        }
        p++;
      }
      long fastEnd = len - FAST_READ;
      boolean eof = mapTo == size;
      while (p < end) {
        p = p <= fastEnd ? fastLine(seg, p, eof, table) : slowLine(seg, p, len, eof, table);
      }
    }
  }

  /** Bits 0x80 of each byte of {@code w} that equals ';' (exact for the lowest one). */
  private static long semicolons(long w) {
    long x = w ^ 0x3B3B3B3B3B3B3B3BL;
    return (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
  }

  /** One line from {@code p} with at least {@link #FAST_READ} readable bytes; returns the next. */
  private static long fastLine(MemorySegment seg, long p, boolean eof, Table table) {
    long w1 = seg.get(WORD, p);
    long m1 = semicolons(w1);
    long k1;
    long k2;
    int nameLen;
    if (m1 != 0) {
      long low = Long.lowestOneBit(m1);
      nameLen = Long.numberOfTrailingZeros(low) >>> 3;
      k1 = w1 & ((low >>> 7) - 1);
      k2 = 0;
    } else {
      long w2 = seg.get(WORD, p + 8);
      long m2 = semicolons(w2);
      if (m2 == 0) {
        return slowLine(seg, p, seg.byteSize(), eof, table); // a station over 16 bytes
      }
      long low = Long.lowestOneBit(m2);
      nameLen = 8 + (Long.numberOfTrailingZeros(low) >>> 3);
      k1 = w1;
      k2 = w2 & ((low >>> 7) - 1);
    }
    long numberAt = p + nameLen + 1;
    long n = seg.get(WORD, numberAt);
    // Digits (0x30-0x39) have bit 4 set; '.' (0x2E) and '-' (0x2D) have it clear. The point is
    // byte 1, 2 or 3 and only a '-' can be byte 0, so the lowest clear bit 4 of bytes 1-3 is the
    // point. Shifting puts it at byte 3, the digits at bytes 1, 2 and 4, and one multiplication
    // sums them times 100, 10 and 1 into bits 32-41.
    int dot = Long.numberOfTrailingZeros(~n & 0x10101000L);
    int shift = 28 - dot;
    long negative = (~n << 59) >> 63; // all ones when byte 0 is '-' (bit 4 of '-' is clear)
    long digits = ((n & ~(negative & 0xFF)) << shift) & 0x0F000F0F00L;
    long abs = ((digits * 0x640a0001L) >>> 32) & 0x3FF;
    int value = (int) ((abs ^ negative) - negative);
    table.add(k1, k2, nameLen, null, value);
    return numberAt + (dot >>> 3) + 3;
  }

  /**
   * One line read byte by byte, for the end of a mapping and for stations over 16 bytes (kept with
   * their bytes); {@code eof} says whether the mapping ends where the file does.
   */
  private static long slowLine(MemorySegment seg, long p, long len, boolean eof, Table table) {
    long q = p;
    long k1 = 0;
    long k2 = 0;
    while (true) {
      if (q >= len) {
        throw new IllegalStateException("a line without ';' at byte " + p);
      }
      byte b = seg.get(ValueLayout.JAVA_BYTE, q);
      if (b == ';') {
        break;
      }
      int i = (int) (q - p);
      if (i < 8) {
        k1 |= (b & 0xFFL) << (8 * i);
      } else if (i < 16) {
        k2 |= (b & 0xFFL) << (8 * (i - 8));
      }
      q++;
    }
    int nameLen = (int) (q - p);
    byte[] name = nameLen > 16 ? seg.asSlice(p, nameLen).toArray(ValueLayout.JAVA_BYTE) : null;
    q++;
    boolean negative = false;
    int value = 0;
    while (true) {
      if (q >= len) {
        if (!eof) {
          throw new IllegalStateException("a line longer than " + OVERLAP + " bytes at " + p);
        }
        break;
      }
      byte b = seg.get(ValueLayout.JAVA_BYTE, q++);
      if (b == '\n') {
        break;
      } else if (b == '-') {
        negative = true;
      } else if (b >= '0' && b <= '9') {
        value = value * 10 + (b - '0');
      } else if (b != '.' && b != '\r') {
        throw new IllegalStateException("not a temperature at byte " + q);
      }
    }
    table.add(k1, k2, nameLen, name, negative ? -value : value);
    return q;
  }

  /** One thread's stations: open addressing over parallel primitive arrays. */
  private static final class Table {
    private static final int CAPACITY = 1 << 16; // the challenge allows 10,000 stations

    private final long[] key1 = new long[CAPACITY];
    private final long[] key2 = new long[CAPACITY];
    private final int[] lengths = new int[CAPACITY]; // 0: empty slot
    private final byte[][] longNames = new byte[CAPACITY][];
    private final int[] min = new int[CAPACITY];
    private final int[] max = new int[CAPACITY];
    private final long[] sum = new long[CAPACITY];
    private final long[] count = new long[CAPACITY];
    private int size;

    void add(long k1, long k2, int len, byte[] name, int value) {
      long x = (k1 ^ Long.rotateLeft(k2, 29) ^ len) * 0x9E3779B97F4A7C15L;
      int i = (int) (x >>> 48) & (CAPACITY - 1);
      while (true) {
        int l = lengths[i];
        if (l == 0) {
          claim(i, k1, k2, len, name, value);
          return;
        }
        if (l == len
            && key1[i] == k1
            && key2[i] == k2
            && (len <= 16 || java.util.Arrays.equals(longNames[i], name))) {
          min[i] = Math.min(min[i], value);
          max[i] = Math.max(max[i], value);
          sum[i] += value;
          count[i]++;
          return;
        }
        i = (i + 1) & (CAPACITY - 1);
      }
    }

    private void claim(int i, long k1, long k2, int len, byte[] name, int value) {
      if (++size > CAPACITY / 2) {
        throw new IllegalStateException("more than " + CAPACITY / 2 + " stations");
      }
      if (len == 0) {
        throw new IllegalStateException("an empty station name");
      }
      lengths[i] = len;
      key1[i] = k1;
      key2[i] = k2;
      longNames[i] = name;
      min[i] = value;
      max[i] = value;
      sum[i] = value;
      count[i] = 1;
    }

    void mergeInto(TreeMap<String, long[]> merged) {
      for (int i = 0; i < CAPACITY; i++) {
        int len = lengths[i];
        if (len == 0) {
          continue;
        }
        byte[] bytes = longNames[i];
        if (bytes == null) {
          bytes = new byte[len];
          for (int b = 0; b < len; b++) {
            bytes[b] = (byte) ((b < 8 ? key1[i] >>> (8 * b) : key2[i] >>> (8 * (b - 8))) & 0xFF);
          }
        }
        long[] a = new long[] {min[i], max[i], sum[i], count[i]};
        merged.merge(
            new String(bytes, StandardCharsets.UTF_8),
            a,
            (x, y) ->
                new long[] {Math.min(x[0], y[0]), Math.max(x[1], y[1]), x[2] + y[2], x[3] + y[3]});
      }
    }
  }
}
