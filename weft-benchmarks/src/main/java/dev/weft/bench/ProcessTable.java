package dev.weft.bench;

import dev.weft.Pool;
import dev.weft.Results;
import dev.weft.TaskCallable;
import dev.weft.TaskFunction;
import dev.weft.process.ProcessEngine;
import dev.weft.process.ProcessOptions;
import dev.weft.shm.DoubleView;
import dev.weft.shm.SharedMemory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What do weft's worker processes ({@code Pool.processes}, weft-process) cost on this machine, for
 * the figures of issue 11 that are compared with Python's {@code multiprocessing} (measured by
 * {@code scripts/python/mp_baseline.py})? Not JMH: these are whole-pool and whole-process figures.
 * Each figure is the median of a few repeats, printed as a machine-readable {@code name value unit}
 * line (comments start with {@code #}); {@code scripts/process-table.sh} runs this beside the
 * Python script, interleaved, and prints one table with the targets.
 *
 * <ul>
 *   <li>{@code roundtrip}: {@code pool.submit(() -> null).get()} on a warm {@code
 *       Pool.processes(2)}: p50 and p99 latency (us) over 20,000 samples per repeat, after 2,000
 *       untimed ones.
 *   <li>{@code map}: {@code Pool.processes(2).map(x -> x + 1, list)} over 1,000,000 boxed {@code
 *       Integer}s, tasks/s, on a pool warmed by one untimed call; beside it, as a diagnostic, the
 *       same call with Python's default chunk size (n / 8) instead of weft's automatic batches.
 *   <li>{@code queue}: a {@code SharedQueue} (capacity 1,024) of longs from a fresh producer JVM to
 *       this one, messages/s ({@link SharedQueueThroughput}'s measurement, called from here).
 *   <li>{@code array}: a 1 GiB array of doubles ({@code --array-mib}) summed in 2 workers, (a) in a
 *       {@code SharedMemory} segment filled beforehand, each task carrying the segment's {@code
 *       Handle} and a range, attaching read-only in the worker and summing its half; (b) as {@code
 *       double[]} task inputs, serialized to the workers. A frame of weft-process is at most 256
 *       MiB, so a half of more than 128 MiB travels as several pieces of at most 128 MiB ({@code
 *       chunkSize 1}, one piece per batch), still on 2 workers. Seconds each, and their ratio.
 *       Building the pieces and filling the segment are set-up, not timed (as in the Python
 *       script).
 *   <li>{@code start}: in a fresh JVM each time (this class, spawned with {@code --child}), the
 *       time from creating a 2-worker pool to the first result of a trivial task: {@code
 *       Pool.processes(2)} (lazy start, the default), and {@code ProcessEngine.create} with eager
 *       start, with and without the workers' class-data-sharing archive (one untimed run first
 *       makes the archive). Interleaved, median of 5.
 *   <li>{@code heap}: in a fresh JVM with {@code -Xmx64m}, {@code imap(x -> x + 1, iterator)} over
 *       1,000,000 and 10,000,000 generated inputs through {@code Pool.processes(2)}: the peak of
 *       the used heap after GC (the heap pools' collection usage, sampled every 10 ms), and that it
 *       completed.
 * </ul>
 *
 * <p>Run it with (after {@code ./mvnw -o -B -ntp -pl weft-benchmarks -am package -DskipTests}):
 *
 * <pre>
 * java -Xmx4g -XX:+UseG1GC --sun-misc-unsafe-memory-access=allow \
 *     -cp weft-benchmarks/target/benchmarks.jar dev.weft.bench.ProcessTable [--quick] \
 *     [--only roundtrip,map,queue,array,start,heap] [--repeats 3] [--array-mib 1024]
 * </pre>
 */
public final class ProcessTable {
  private static final List<String> WORKLOADS =
      List.of("roundtrip", "map", "queue", "array", "start", "heap");
  // a batch frame of weft-process is at most 256 MiB (Wire.MAX_FRAME), and a worker's Fory refuses
  // to deserialize a graph of more than 128 MiB (its default maxGraphMemoryBytes)
  private static final long PIECE_LIMIT = 64L << 20;

  // One lambda site per task, used by the warm-up and the timed calls alike: each site is its own
  // class, whose serializer Fory generates on first use, so a warm-up through another site would
  // leave that cost in the first timed repeat.
  private static final TaskCallable<Object> EMPTY = () -> null;
  private static final TaskFunction<Integer, Integer> PLUS_ONE = x -> x + 1;
  private static final TaskFunction<double[], Double> SUM = ProcessTable::sum;
  private static final TaskFunction<double[], Double> LENGTH = a -> (double) a.length;

  private static TaskFunction<long[], Double> sumShared(SharedMemory.Handle h) {
    return range -> sumShared(h, range[0], range[1]);
  }

  private static TaskFunction<long[], Double> attachOnly(SharedMemory.Handle h) {
    return range -> attachOnly(h, range[0], range[1]);
  }

  private ProcessTable() {}

  /**
   * Measures, or runs a child mode.
   *
   * @param args see the class comment; {@code --child MODE ...} is internal
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(args);
      System.exit(0); // do not wait for the pools' non-daemon threads to wind down
    }
    boolean quick = false;
    int repeats = -1;
    int arrayMib = -1;
    Set<String> only = new LinkedHashSet<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--array-mib" -> arrayMib = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    for (String w : only) {
      if (!WORKLOADS.contains(w)) {
        throw new IllegalArgumentException("unknown workload " + w + "; choose from " + WORKLOADS);
      }
    }
    if (only.isEmpty()) {
      only.addAll(WORKLOADS);
    }
    if (repeats < 1) {
      repeats = quick ? 2 : 3;
    }
    if (arrayMib < 1) {
      arrayMib = quick ? 64 : 1024;
    }
    note(
        "ProcessTable: "
            + System.getProperty("java.vm.version")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cpus, max heap "
            + (Runtime.getRuntime().maxMemory() >> 20)
            + " MiB; load average "
            + load()
            + "; args "
            + String.join(" ", args));
    SharedMemory.reclaimOrphans();
    if (only.contains("roundtrip")) {
      roundTrip(quick, repeats);
    }
    if (only.contains("map")) {
      map(quick, repeats);
    }
    if (only.contains("queue")) {
      queue(quick, repeats);
    }
    if (only.contains("array")) {
      array(arrayMib, repeats);
    }
    if (only.contains("start")) {
      start(quick);
    }
    if (only.contains("heap")) {
      heap(quick);
    }
    note("done; load average " + load());
  }

  // ---------------------------------------------------------------- the figures

  private static void roundTrip(boolean quick, int repeats) throws Exception {
    int samples = quick ? 500 : 20_000;
    double[] p50 = new double[repeats];
    double[] p99 = new double[repeats];
    try (Pool pool = Pool.processes(2)) {
      for (int i = 0; i < 2_000; i++) {
        pool.submit(EMPTY).get();
      }
      long[] lat = new long[samples];
      for (int r = 0; r < repeats; r++) {
        for (int i = 0; i < samples; i++) {
          long t0 = System.nanoTime();
          Future<Object> f = pool.submit(EMPTY);
          f.get();
          lat[i] = System.nanoTime() - t0;
        }
        Arrays.sort(lat);
        p50[r] = percentile(lat, 50) / 1e3;
        p99[r] = percentile(lat, 99) / 1e3;
      }
    }
    note(
        "roundtrip: "
            + samples
            + " samples per repeat after 2,000 untimed; p50s "
            + list(p50)
            + " us, p99s "
            + list(p99)
            + " us");
    line("roundtrip_p50", EfficiencyTable.median(p50), "us");
    line("roundtrip_p99", EfficiencyTable.median(p99), "us");
  }

  private static void map(boolean quick, int repeats) throws Exception {
    int n = quick ? 100_000 : 1_000_000;
    List<Integer> data = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      data.add(i);
    }
    double[] rates = new double[repeats];
    double[] chunked = new double[repeats];
    // Python's Pool.map chunks by ceil(n / (4 x workers)) by default; weft sizes batches itself
    int pyChunk = Math.ceilDiv(n, 8);
    try (Pool pool = Pool.processes(2)) {
      var big = pool.with(o -> o.withChunkSize(pyChunk));
      check(pool.map(PLUS_ONE, data), n); // warm: workers up, function shipped, code compiled
      check(big.map(PLUS_ONE, data), n);
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        List<Integer> out = pool.map(PLUS_ONE, data);
        long dt = System.nanoTime() - t0;
        check(out, n);
        rates[r] = n / (dt / 1e9);
        t0 = System.nanoTime();
        out = big.map(PLUS_ONE, data);
        dt = System.nanoTime() - t0;
        check(out, n);
        chunked[r] = n / (dt / 1e9);
      }
    }
    note(
        "map: Pool.processes(2).map(x -> x + 1, list of "
            + n
            + " Integers), after one untimed call; rates "
            + list(rates)
            + " tasks/s; with chunkSize "
            + pyChunk
            + " (Python's default chunking) "
            + list(chunked)
            + " tasks/s");
    line("pool_map_tiny", EfficiencyTable.median(rates), "tasks/s");
    line("pool_map_tiny_python_chunks", EfficiencyTable.median(chunked), "tasks/s");
  }

  private static void check(List<Integer> out, int n) {
    if (out.size() != n || out.get(n - 1) != n) {
      throw new AssertionError("map returned " + out.size() + " results");
    }
  }

  private static void queue(boolean quick, int repeats) throws Exception {
    long n = quick ? 200_000 : 2_000_000;
    double[] rates = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      rates[r] = SharedQueueThroughput.oneWay("shm", n);
    }
    note(
        "queue: SharedQueue (capacity 1,024) of "
            + n
            + " longs from a fresh producer JVM; rates "
            + list(rates)
            + " msgs/s");
    line("queue_longs", EfficiencyTable.median(rates), "msgs/s");
  }

  private static void array(int mib, int repeats) throws Exception {
    long n = (long) mib * 1024 * 1024 / 8;
    long half = n / 2;
    int pieces = (int) Math.max(2, 2 * Math.ceilDiv(half * 8, PIECE_LIMIT));
    double expected = 0;
    for (long i = 0; i < n; i++) {
      expected += value(i);
    }
    ProcessOptions options = ProcessOptions.workers(2).withHeap("1g");
    double[] shared = new double[repeats];
    double[] copied = new double[repeats];
    double[] sharedOnly = new double[repeats];
    double[] copiedOnly = new double[repeats];
    try (Pool pool = Pool.on(ProcessEngine.create(options));
        SharedMemory m =
            SharedMemory.create("bench-array-" + ProcessHandle.current().pid(), n * 8)) {
      var oneEach = pool.with(o -> o.withChunkSize(1));
      // warm both paths on a small array: workers started, Fory's serializers generated
      warmArray(oneEach);
      DoubleView v = m.doubles();
      for (long i = 0; i < n; i++) {
        v.set(i, value(i));
      }
      SharedMemory.Handle h = m.handle();
      List<long[]> ranges = List.of(new long[] {0, half}, new long[] {half, n});
      List<double[]> parts = new ArrayList<>();
      long step = Math.ceilDiv(n, pieces);
      for (long from = 0; from < n; from += step) {
        double[] p = new double[(int) Math.min(step, n - from)];
        for (int j = 0; j < p.length; j++) {
          p[j] = value(from + j);
        }
        parts.add(p);
      }
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        List<Double> s = oneEach.map(sumShared(h), ranges);
        shared[r] = (System.nanoTime() - t0) / 1e9;
        checkSum(s, expected);
        t0 = System.nanoTime();
        List<Double> c = oneEach.map(SUM, parts);
        copied[r] = (System.nanoTime() - t0) / 1e9;
        checkSum(c, expected);
        t0 = System.nanoTime();
        List<Double> hs = oneEach.map(attachOnly(h), ranges);
        sharedOnly[r] = (System.nanoTime() - t0) / 1e9;
        checkSum(hs, n);
        t0 = System.nanoTime();
        List<Double> hc = oneEach.map(LENGTH, parts);
        copiedOnly[r] = (System.nanoTime() - t0) / 1e9;
        checkSum(hc, n);
      }
      m.unlink();
    }
    double[] ratios = new double[repeats];
    double[] handoffRatios = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      ratios[r] = copied[r] / shared[r];
      handoffRatios[r] = copiedOnly[r] / sharedOnly[r];
    }
    note(
        "array: "
            + mib
            + " MiB of doubles ("
            + n
            + " elements) in 2 workers (heap 1g); copied as "
            + pieces
            + " double[] pieces of "
            + (Math.ceilDiv(n, pieces) * 8 >> 20)
            + " MiB; shared "
            + list(shared)
            + " s, copied "
            + list(copied)
            + " s, ratios "
            + list(ratios)
            + "; hand-off alone: shared "
            + list(sharedOnly)
            + " s, copied "
            + list(copiedOnly)
            + " s, ratios "
            + list(handoffRatios));
    line("array_" + mib + "mib_shared_memory", EfficiencyTable.median(shared), "s");
    line("array_" + mib + "mib_copied", EfficiencyTable.median(copied), "s");
    line("array_" + mib + "mib_copy_over_shared", EfficiencyTable.median(ratios), "x");
    line("array_" + mib + "mib_handoff_shared_memory", EfficiencyTable.median(sharedOnly), "s");
    line("array_" + mib + "mib_handoff_copied", EfficiencyTable.median(copiedOnly), "s");
    line(
        "array_" + mib + "mib_handoff_copy_over_shared",
        EfficiencyTable.median(handoffRatios),
        "x");
  }

  private static void warmArray(dev.weft.Mapper oneEach) throws Exception {
    long n = 1 << 17;
    try (SharedMemory m =
        SharedMemory.create("bench-warm-" + ProcessHandle.current().pid(), n * 8)) {
      SharedMemory.Handle h = m.handle();
      for (int k = 0; k < 3; k++) {
        List<long[]> ranges = List.of(new long[] {0, n / 2}, new long[] {n / 2, n});
        List<double[]> parts = List.of(new double[(int) n / 2], new double[(int) n / 2]);
        oneEach.map(sumShared(h), ranges);
        oneEach.map(SUM, parts);
        oneEach.map(attachOnly(h), ranges);
        oneEach.map(LENGTH, parts);
      }
      m.unlink();
    }
  }

  private static double value(long i) {
    return i % 1000;
  }

  private static void checkSum(List<Double> parts, double expected) {
    double s = 0;
    for (double d : parts) {
      s += d;
    }
    if (Math.abs(s - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
      throw new AssertionError("sum " + s + ", expected " + expected);
    }
  }

  /** Runs in a worker: attaches the segment read-only and sums {@code [from, to)}. */
  static double sumShared(SharedMemory.Handle h, long from, long to) throws Exception {
    try (SharedMemory m = h.attachReadOnly()) {
      DoubleView v = m.doubles();
      double s = 0;
      for (long i = from; i < to; i++) {
        s += v.get(i);
      }
      return s;
    }
  }

  /** Runs in a worker: attaches the segment read-only and returns the range's length, unread. */
  static double attachOnly(SharedMemory.Handle h, long from, long to) throws Exception {
    try (SharedMemory m = h.attachReadOnly()) {
      if (m.doubles().length() < to) {
        throw new AssertionError("segment too short");
      }
      return to - from;
    }
  }

  /** Runs in a worker: sums a copied piece. */
  static double sum(double[] a) {
    double s = 0;
    for (double d : a) {
      s += d;
    }
    return s;
  }

  private static void start(boolean quick) throws Exception {
    int repeats = quick ? 3 : 5;
    List<String> modes = List.of("start-lazy", "start-eager-cds", "start-eager-nocds");
    childRun("start-eager-cds"); // untimed: makes the workers' class-data-sharing archive
    double[][] ms = new double[modes.size()][repeats];
    double[][] proc = new double[modes.size()][repeats];
    for (int r = 0; r < repeats; r++) {
      for (int k = 0; k < modes.size(); k++) {
        long t0 = System.nanoTime();
        List<String> out = childRun(modes.get(k));
        proc[k][r] = (System.nanoTime() - t0) / 1e6;
        ms[k][r] = Double.parseDouble(value(out, "first_result_ms"));
      }
    }
    for (int k = 0; k < modes.size(); k++) {
      String name = modes.get(k).substring("start-".length()).replace('-', '_');
      note(
          "start "
              + name
              + ": to the first result "
              + list(ms[k])
              + " ms; whole fresh JVM (spawn to exit) "
              + list(proc[k])
              + " ms");
      line("pool_start_" + name, EfficiencyTable.median(ms[k]), "ms");
      line("pool_start_" + name + "_process", EfficiencyTable.median(proc[k]), "ms");
    }
  }

  private static void heap(boolean quick) throws Exception {
    for (long n : quick ? new long[] {100_000, 1_000_000} : new long[] {1_000_000, 10_000_000}) {
      String tag = n >= 1_000_000 ? (n / 1_000_000) + "m" : (n / 1_000) + "k";
      List<String> out = childRun("heap", Long.toString(n));
      note("heap " + tag + ": " + String.join("; ", out));
      line(
          "heap_" + tag + "_peak_after_gc",
          Double.parseDouble(value(out, "peak_after_gc_mib")),
          "MiB");
      line("heap_" + tag + "_peak_used", Double.parseDouble(value(out, "peak_used_mib")), "MiB");
      line("heap_" + tag + "_seconds", Double.parseDouble(value(out, "seconds")), "s");
      line("heap_" + tag + "_completed", Double.parseDouble(value(out, "completed")), "bool");
    }
  }

  // ---------------------------------------------------------------- fresh JVMs

  private static List<String> childRun(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add(args[0].equals("heap") ? "-Xmx64m" : "-Xmx256m");
    cmd.add("--sun-misc-unsafe-memory-access=allow");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ProcessTable.class.getName());
    cmd.add("--child");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new ArrayList<>();
    try (var in = p.inputReader()) {
      for (String l; (l = in.readLine()) != null; ) {
        lines.add(l);
      }
    }
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("child " + List.of(args) + " did not end");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("child " + List.of(args) + " exited with " + p.exitValue());
    }
    return lines;
  }

  private static String value(List<String> lines, String key) {
    for (String l : lines) {
      if (l.startsWith(key + " ")) {
        return l.substring(key.length() + 1).trim();
      }
    }
    throw new AssertionError("no " + key + " in " + lines);
  }

  private static void child(String[] args) throws Exception {
    switch (args[1]) {
      case "start-lazy" -> {
        long t0 = System.nanoTime();
        try (Pool pool = Pool.processes(2)) {
          Object r = pool.submit(() -> 1 + 1).get();
          System.out.println("first_result_ms " + (System.nanoTime() - t0) / 1e6);
          if (!Integer.valueOf(2).equals(r)) {
            throw new AssertionError(r);
          }
        }
      }
      case "start-eager-cds", "start-eager-nocds" -> {
        boolean cds = args[1].endsWith("-cds");
        long t0 = System.nanoTime();
        try (Pool pool =
            Pool.on(
                ProcessEngine.create(
                    ProcessOptions.workers(2).withEagerStart(true).withClassDataSharing(cds)))) {
          Object r = pool.submit(() -> 1 + 1).get();
          System.out.println("first_result_ms " + (System.nanoTime() - t0) / 1e6);
          if (!Integer.valueOf(2).equals(r)) {
            throw new AssertionError(r);
          }
        }
      }
      case "heap" -> heapChild(Long.parseLong(args[2]));
      default -> throw new IllegalArgumentException(args[1]);
    }
  }

  private static void heapChild(long n) throws Exception {
    List<MemoryPoolMXBean> pools = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
        pools.add(p);
      }
    }
    long[] peakAfterGc = {0};
    Thread sampler =
        Thread.ofPlatform()
            .daemon(true)
            .start(() -> {
              while (!Thread.currentThread().isInterrupted()) {
                long used = 0;
                for (MemoryPoolMXBean p : pools) {
                  var u = p.getCollectionUsage();
                  used += u == null ? 0 : u.getUsed();
                }
                synchronized (peakAfterGc) {
                  peakAfterGc[0] = Math.max(peakAfterGc[0], used);
                }
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    long t0 = System.nanoTime();
    long sum = 0;
    long count = 0;
    Iterator<Long> inputs =
        new Iterator<>() {
          long next;

          @Override
          public boolean hasNext() {
            return next < n;
          }

          @Override
          public Long next() {
            return next++;
          }
        };
    try (Pool pool = Pool.processes(2);
        Results<Long> results = pool.imap(x -> x + 1, inputs)) {
      for (Long r : results) {
        sum += r;
        count++;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(30); // one more sample
    sampler.interrupt();
    sampler.join();
    boolean ok = count == n && sum == n * (n + 1) / 2;
    long peakUsed = 0;
    for (MemoryPoolMXBean p : pools) {
      peakUsed += p.getPeakUsage().getUsed();
    }
    synchronized (peakAfterGc) {
      System.out.printf(
          Locale.ROOT, "peak_after_gc_mib %.1f%n", peakAfterGc[0] / (1024.0 * 1024.0));
    }
    System.out.printf(Locale.ROOT, "peak_used_mib %.1f%n", peakUsed / (1024.0 * 1024.0));
    System.out.printf(Locale.ROOT, "max_heap_mib %d%n", Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(Locale.ROOT, "seconds %.2f%n", seconds);
    System.out.println("completed " + (ok ? 1 : 0));
  }

  // ---------------------------------------------------------------- output

  private static double percentile(long[] sorted, double p) {
    int k = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
  }

  private static void line(String name, double value, String unit) {
    System.out.printf(Locale.ROOT, "%s %.6g %s%n", name, value, unit);
    System.out.flush();
  }

  private static void note(String text) {
    System.out.println("# " + text);
    System.out.flush();
  }

  private static String list(double[] xs) {
    List<String> s = new ArrayList<>();
    for (double x : xs) {
      s.add(String.format(Locale.ROOT, x >= 1000 ? "%,.0f" : x >= 10 ? "%.1f" : "%.3g", x));
    }
    return s.toString();
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
          .substring(0, 14)
          .trim();
    } catch (Exception e) {
      return "?";
    }
  }
}
