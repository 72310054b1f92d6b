package dev.weft.cli;

import dev.weft.Pool;
import dev.weft.process.ProcessOptions;
import dev.weft.shm.SharedMemory;
import java.io.IOException;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The showdown's large-array workload: the sum of a large array of doubles, computed in this JVM
 * and by two worker processes that get the array either by shared memory (a handle of a few bytes;
 * each worker maps the same pages and sums its half) or by serialized copies of it.
 *
 * <p>Every element is a multiple of 1/256 below 256, so every partial sum up to 2^45 is exact and
 * the sum is the same in any order: the strategies' answers can be compared for equality, as the
 * other workloads' are.
 */
final class LargeArray {
  /** Bytes per element. */
  static final long DOUBLE_BYTES = Double.BYTES;

  /** The worker processes of the process strategies, as the workload's definition says. */
  static final int WORKERS = 2;

  /**
   * The most bytes one copied piece has: a batch travels in one frame of the process protocol,
   * which takes at most 256 MiB, so the copy strategy cuts each worker's half into pieces of this
   * size at most.
   */
  static final long COPY_PIECE_BYTES = 128_000_000;

  /** The largest array, in elements: a Java array's limit, rounded down. */
  static final long MAX_ELEMENTS = 2_000_000_000L;

  private LargeArray() {}

  /**
   * The workload's data: the array in this JVM's heap, its copy in a shared segment, or both.
   *
   * @param heap the array, or null if no strategy reads it from the heap
   * @param shared the segment, or null if no strategy reads it by shared memory
   * @param length the elements
   */
  record Data(double[] heap, SharedMemory shared, long length) {}

  /**
   * What a worker sums: a range of a shared segment.
   *
   * @param handle the segment's handle
   * @param from the first element
   * @param to one past the last
   */
  record Slice(SharedMemory.Handle handle, long from, long to) implements Serializable {}

  /** Element {@code i}: a multiple of 1/256 in [0, 256), from SplitMix64 of the index. */
  static double value(long i) {
    long z = i + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z & 0xFFFF) / 256.0;
  }

  /** The array of {@code n} elements. */
  static double[] heapArray(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = value(i);
    }
    return a;
  }

  /** Fills a segment with the elements, copying them from the heap array when there is one. */
  static void fill(SharedMemory m, double[] heap, long n) {
    MemorySegment s = m.segment();
    if (heap != null) {
      MemorySegment.copy(heap, 0, s, ValueLayout.JAVA_DOUBLE, 0, heap.length);
      return;
    }
    for (long i = 0; i < n; i++) {
      s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, value(i));
    }
  }

  /** The answer every strategy must reproduce, computed untimed from whichever copy exists. */
  static double reference(Data d) {
    return d.heap() != null ? sum(d.heap()) : sum(d.shared().segment(), 0, d.length());
  }

  static double sum(double[] a) {
    double sum = 0;
    for (double x : a) {
      sum += x;
    }
    return sum;
  }

  static double sum(MemorySegment s, long from, long to) {
    double sum = 0;
    for (long i = from; i < to; i++) {
      sum += s.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
    }
    return sum;
  }

  /** The tasks shipped to the workers: one object each, which the warm-up ships first. */
  private static final dev.weft.TaskFunction<Slice, Double> SUM_SHARED = LargeArray::sumShared;

  private static final dev.weft.TaskFunction<double[], Double> SUM_PIECE = LargeArray::sumPiece;

  /** The elements of a warm-up piece: enough for the JIT to compile the loop over it. */
  static final int WARM_LENGTH = 1 << 18;

  /**
   * In a worker: attaches the segment by its handle (no copy) and sums the slice; a slice that
   * starts below 0 is the warm-up's.
   */
  static double sumShared(Slice slice) throws IOException {
    if (slice.from() < 0) {
      return warmShared(slice);
    }
    try (SharedMemory m = slice.handle().attachReadOnly()) {
      return sum(m.segment(), slice.from(), slice.to());
    }
  }

  /** In a worker: sums a piece that arrived as a serialized copy. */
  static double sumPiece(double[] piece) {
    if (piece.length == WARM_LENGTH) {
      warm();
    }
    return sum(piece);
  }

  /**
   * In a worker, before the clock starts: runs both sums over a small array of its own until the
   * JIT has compiled them, as the parent's warm-up rounds compile its own loops; otherwise a fresh
   * worker would sum its first elements in the interpreter, which for segment accesses costs
   * microseconds each.
   */
  static double warmShared(Slice slice) throws IOException {
    // Creates, attaches and removes a segment of its own: the first attach in a JVM loads and
    // links the classes of mapping a file, which otherwise costs a round tens of milliseconds.
    String name = "showdown-warm-" + ProcessHandle.current().pid() + "-" + -slice.from();
    double sum;
    try (SharedMemory own = SharedMemory.create(name, 8 * DOUBLE_BYTES)) {
      try (SharedMemory attached = own.handle().attachReadOnly()) {
        sum = warm() + sum(attached.segment(), 0, 8);
      } finally {
        own.unlink();
      }
    }
    return sum;
  }

  private static double warm() {
    int n = 1 << 20;
    double sum = 0;
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      MemorySegment s = arena.allocate(n * DOUBLE_BYTES, DOUBLE_BYTES);
      double[] a = new double[n];
      for (int round = 0; round < 5; round++) {
        sum += sum(s, 0, n) + sum(a);
      }
    }
    return sum;
  }

  /** How many pieces the copy strategy sends: at least one per worker, each within a frame. */
  static int pieces(long bytes) {
    long pieces = Math.max(WORKERS, (bytes + COPY_PIECE_BYTES - 1) / COPY_PIECE_BYTES);
    // A multiple of the workers, so that each gets the same share.
    return (int) ((pieces + WORKERS - 1) / WORKERS * WORKERS);
  }

  /** The largest piece of the copy strategy, in bytes. */
  static long pieceBytes(long elements) {
    int pieces = pieces(elements * DOUBLE_BYTES);
    return (elements + pieces - 1) / pieces * DOUBLE_BYTES;
  }

  /**
   * A worker's heap for the copy strategy: the piece being read from the socket and its decoded
   * array, another piece pipelined behind it, the codec's buffers, and room for the JVM's own.
   */
  static long copyWorkerHeapBytes(long elements) {
    return 5 * pieceBytes(elements) + 128_000_000;
  }

  /**
   * This JVM's heap that the copy strategy needs at its peak, beyond the array: the pieces (a copy
   * of the array), and per worker two frames in flight and one being encoded, which the codec and
   * the protocol's growing buffer hold several times over (a 1,024 MB run peaked at 4.9 GB of heap
   * used, garbage included, with a 6.3 GB heap).
   */
  static long copyParentHeapBytes(long elements) {
    long piece = pieceBytes(elements);
    return elements * DOUBLE_BYTES + WORKERS * 8 * piece;
  }

  /** As {@code -Xmx} takes it, in MiB rounded up. */
  static String xmx(long bytes) {
    return ((bytes + (1 << 20) - 1) >> 20) + "m";
  }

  /**
   * The strategies in the order the table shows them; {@code sequential} first, the baseline.
   *
   * @param elements the array's length, for the copy strategy's worker heap
   */
  static List<Strategy<Data, Double>> strategies(long elements) {
    return List.of(
        Strategy.of(
            "sequential",
            "a plain for loop over the double[] on the calling thread",
            LargeArray::sequential),
        new Strategy<>(
            "pool-cpu",
            "weft Pool.cpu(" + WORKERS + ").sumDoubles: " + WORKERS + " threads on the same array",
            () -> {
              Pool pool = Pool.cpu(WORKERS);
              return Strategy.Run.of(
                  d -> {
                    double[] a = heap(d);
                    return pool.sumDoubles(0, a.length, i -> a[i]);
                  },
                  pool::close);
            }),
        ProcessPools.on(
            "processes-shared",
            WORKERS
                + " worker processes; the array in a SharedMemory segment, each worker attaches it"
                + " by handle and sums its half",
            ProcessOptions.workers(WORKERS),
            (pool, workers) ->
                ProcessPools.mapEach(
                    pool,
                    workers,
                    SUM_SHARED,
                    i -> new Slice(new SharedMemory.Handle("warm-up", DOUBLE_BYTES), -1 - i, 0)),
            LargeArray::shared),
        ProcessPools.on(
            "processes-copy",
            String.format(
                Locale.ROOT,
                "%d worker processes (-Xmx%s each); each gets its half as serialized double[]"
                    + " pieces of at most %s",
                WORKERS,
                xmx(copyWorkerHeapBytes(elements)),
                Text.size(COPY_PIECE_BYTES)),
            ProcessOptions.workers(WORKERS).withHeap(xmx(copyWorkerHeapBytes(elements))),
            (pool, workers) ->
                ProcessPools.mapEach(pool, workers, SUM_PIECE, i -> new double[WARM_LENGTH]),
            LargeArray::copied));
  }

  private static double[] heap(Data d) {
    if (d.heap() == null) {
      throw new IllegalStateException("the workload has no heap array");
    }
    return d.heap();
  }

  private static double sequential(Data d) {
    return sum(heap(d));
  }

  private static double shared(Pool pool, Data d) throws Exception {
    SharedMemory.Handle handle = d.shared().handle();
    long n = d.length();
    List<Slice> halves = new ArrayList<>(WORKERS);
    for (int w = 0; w < WORKERS; w++) {
      halves.add(new Slice(handle, n * w / WORKERS, n * (w + 1) / WORKERS));
    }
    return total(pool.with(o -> o.withChunkSize(1)).map(SUM_SHARED, halves));
  }

  /** The copies are made inside the timed part: they are what passing by copy costs. */
  private static double copied(Pool pool, Data d) throws Exception {
    double[] a = heap(d);
    int count = pieces((long) a.length * DOUBLE_BYTES);
    List<double[]> pieces = new ArrayList<>(count);
    for (int p = 0; p < count; p++) {
      pieces.add(
          Arrays.copyOfRange(
              a, (int) ((long) a.length * p / count), (int) ((long) a.length * (p + 1) / count)));
    }
    return total(pool.with(o -> o.withChunkSize(1)).map(SUM_PIECE, pieces));
  }

  /** Adds the parts in order; exact, as every partial sum is. */
  private static double total(List<Double> parts) {
    double sum = 0;
    for (double p : parts) {
      sum += p;
    }
    return sum;
  }
}
