package dev.weft.bench;

import dev.weft.Pool;
import dev.weft.TaskFunction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Parallel efficiency of weft beside its peers, on the same calibrated tasks, in interleaved
 * rounds.
 *
 * <p>Question: what fraction of the ideal speed-up do weft's {@code Pool.cpu().map}, ForkJoin (a
 * {@code parallelStream} run inside a {@link ForkJoinPool} of one worker per core), a fixed thread
 * pool fed chunks the way Python's pool chunks ({@code n / (4 x workers)}) and Python's {@code
 * multiprocessing.Pool.map} (default chunking, the machine's python3) reach for tasks of 1, 10, 100
 * and 1,000 µs? Efficiency = sequential time / (workers x parallel wall time), where the sequential
 * loop calls the very task object the pools call (Python: the same {@code functools.partial}), so
 * that the figure is the pool's own cost. Every round times the Java sequential loop and then each
 * Java contender, in an order that rotates from round to round, then asks a Python peer process
 * (started once, its pool kept warm) to time its own sequential loop and its pool: all contenders
 * of a round meet nearly the same machine. Medians and quartiles over the rounds are printed. A
 * static split (one contiguous slice per worker as one weft task each) shows what the machine
 * allows with no coordination at all.
 *
 * <p>Run it with {@code weft-benchmarks/scripts/efficiency-table.sh}, which finds the JDK and
 * python3; or directly:
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseG1GC -XX:G1HeapRegionSize=32m -cp weft-benchmarks/target/benchmarks.jar \
 *     dev.weft.bench.EfficiencyTable --python python3 --rounds 9 1 10 100 1000
 * </pre>
 */
public final class EfficiencyTable {
  private static final String WEFT = "weft";
  private static final String FORK_JOIN = "ForkJoin";
  private static final String FIXED = "fixed pool";
  private static final String STATIC = "static split";
  private static final String PYTHON = "Python Pool";
  private static final List<String> JAVA = List.of(WEFT, FORK_JOIN, FIXED, STATIC);

  private EfficiencyTable() {}

  /**
   * Runs the table.
   *
   * @param args {@code [--python PATH] [--rounds N] [--warmup N] [taskMicros ...]}
   * @throws Exception if a contender fails
   */
  public static void main(String[] args) throws Exception {
    String python = null;
    int rounds = 9;
    int warmup = 2;
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--python" -> python = args[++i];
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> sizes.add(Integer.parseInt(args[i]));
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1, 10, 100, 1000);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1");
    }
    int workers = Runtime.getRuntime().availableProcessors();
    double rate = GranularityBenchmark.calibrate();
    try (Pool pool = Pool.cpu();
        ForkJoinPool forkJoin = new ForkJoinPool(workers);
        PythonPeer peer = python == null ? null : new PythonPeer(python, workers)) {
      ExecutorService fixed = Executors.newFixedThreadPool(workers);
      try {
        System.out.printf(
            "efficiency table: %d workers each; Java %.1f spins/us; %d rounds per size after %d"
                + " warm-up rounds; efficiency = sequential / (%d x wall), median (q1-q3)%n",
            workers, rate, rounds, warmup, workers);
        List<String> columns = new ArrayList<>(JAVA);
        if (peer != null) {
          columns.add(PYTHON);
        }
        StringBuilder header =
            new StringBuilder(String.format("%8s %8s %9s", "task us", "tasks", "seq ms"));
        for (String c : columns) {
          header.append(String.format(" %18s", c));
        }
        if (peer != null) {
          header.append(String.format(" %10s", "py seq ms"));
        }
        System.out.println(header);
        for (int micros : sizes) {
          Map<String, double[]> eff = new LinkedHashMap<>();
          columns.forEach(c -> eff.put(c, new double[0]));
          int spins = (int) Math.max(1, Math.round(rate * micros));
          int tasks = GranularityBenchmark.taskCount(micros);
          List<Integer> inputs = new ArrayList<>(tasks);
          for (int i = 0; i < tasks; i++) {
            inputs.add(i);
          }
          double[] seqMs = new double[rounds];
          double[] pySeqMs = new double[rounds];
          long sink = 0;
          for (int r = -warmup; r < rounds; r++) {
            Task task = new Task(spins);
            long t0 = System.nanoTime();
            for (Integer i : inputs) {
              sink += task.apply(i);
            }
            double seq = System.nanoTime() - t0;
            for (int k = 0; k < JAVA.size(); k++) {
              String c = JAVA.get(Math.floorMod(k + r, JAVA.size()));
              long start = System.nanoTime();
              sink += run(c, pool, forkJoin, fixed, workers, inputs, task);
              double wall = System.nanoTime() - start;
              if (r >= 0) {
                eff.put(c, append(eff.get(c), seq / (workers * wall)));
              }
            }
            if (peer != null) {
              double[] py = peer.run(micros, tasks);
              if (r >= 0) {
                eff.put(PYTHON, append(eff.get(PYTHON), py[0] / (workers * py[1])));
                pySeqMs[r] = py[0] / 1e6;
              }
            }
            if (r >= 0) {
              seqMs[r] = seq / 1e6;
            }
          }
          StringBuilder line =
              new StringBuilder(String.format("%8d %8d %9.1f", micros, tasks, median(seqMs)));
          for (String c : columns) {
            line.append(String.format(" %18s", quartiles(eff.get(c))));
          }
          if (peer != null) {
            line.append(String.format(" %10.1f", median(pySeqMs)));
          }
          System.out.println(line + (sink == 42 ? " " : ""));
        }
      } finally {
        fixed.shutdownNow();
      }
    }
  }

  private static long run(
      String contender,
      Pool pool,
      ForkJoinPool forkJoin,
      ExecutorService fixed,
      int workers,
      List<Integer> inputs,
      Task task)
      throws Exception {
    int spins = task.spins;
    switch (contender) {
      case WEFT -> {
        List<Long> out = pool.map(task, inputs);
        return out.getLast();
      }
      case FORK_JOIN -> {
        List<Long> out = forkJoin.submit(() -> inputs.parallelStream().map(task).toList()).get();
        return out.getLast();
      }
      case FIXED -> {
        // Chunks as multiprocessing.Pool.map makes them by default: n / (4 x workers), rounded up.
        int n = inputs.size();
        int chunk = Math.max(1, (n + 4 * workers - 1) / (4 * workers));
        List<Callable<Long[]>> jobs = new ArrayList<>();
        for (int from = 0; from < n; from += chunk) {
          int lo = from;
          int hi = Math.min(n, from + chunk);
          jobs.add(() -> {
            Long[] part = new Long[hi - lo];
            for (int i = lo; i < hi; i++) {
              part[i - lo] = task.apply(inputs.get(i));
            }
            return part;
          });
        }
        List<Long> out = new ArrayList<>(n);
        for (Future<Long[]> f : fixed.invokeAll(jobs)) {
          out.addAll(Arrays.asList(f.get()));
        }
        return out.getLast();
      }
      case STATIC -> {
        List<int[]> slices = new ArrayList<>(workers);
        int n = inputs.size();
        for (int p = 0; p < workers; p++) {
          slices.add(
              new int[] {(int) ((long) n * p / workers), (int) ((long) n * (p + 1) / workers)});
        }
        List<Long> sums =
            pool.with(o -> o.withChunkSize(1))
                .map(
                    slice -> {
                      long s = 0;
                      for (int i = slice[0]; i < slice[1]; i++) {
                        s += GranularityBenchmark.spin(inputs.get(i), spins);
                      }
                      return s;
                    },
                    slices);
        return sums.getLast();
      }
      default -> throw new IllegalArgumentException(contender);
    }
  }

  /**
   * The task, one object that the sequential loop and every contender but the static split call the
   * same way (a call through an interface per element), so that an efficiency measures the pool,
   * not how the JIT shaped a call site. The static split inlines the loop: the machine's limit.
   */
  static final class Task implements TaskFunction<Integer, Long>, Function<Integer, Long> {
    final int spins;

    Task(int spins) {
      this.spins = spins;
    }

    @Override
    public Long apply(Integer i) {
      return GranularityBenchmark.spin(i, spins);
    }
  }

  private static double[] append(double[] a, double v) {
    double[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }

  /** The median of the values (the upper one of an even count). */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** The value at quantile {@code q} of the values, by the nearest rank below. */
  static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) (q * sorted.length)];
  }

  private static String quartiles(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return String.format(
        "%.0f%% (%.0f-%.0f)", 100 * sorted[n / 2], 100 * sorted[n / 4], 100 * sorted[(3 * n) / 4]);
  }

  /** The Python peer: one python3 process with a warm {@code multiprocessing.Pool}. */
  private static final class PythonPeer implements AutoCloseable {
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    PythonPeer(String python, int workers) throws IOException {
      Path script = Files.createTempFile("weft-pool-peer", ".py");
      try (var s = EfficiencyTable.class.getResourceAsStream("pool_peer.py")) {
        if (s == null) {
          throw new IOException("pool_peer.py is missing from the benchmarks jar");
        }
        Files.write(script, s.readAllBytes());
      }
      script.toFile().deleteOnExit();
      process =
          new ProcessBuilder(python, script.toString(), Integer.toString(workers))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
      out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
      String ready = out.readLine();
      if (ready == null || !ready.startsWith("ready")) {
        throw new IOException("the Python peer did not start: " + ready);
      }
      System.out.println("python peer: " + ready.substring("ready".length()).trim());
    }

    /** Returns {sequential ns, pool ns} for the given task size. */
    double[] run(int micros, int tasks) throws IOException {
      in.write("run " + micros + " " + tasks + "\n");
      in.flush();
      String line = out.readLine();
      if (line == null) {
        throw new IOException("the Python peer exited");
      }
      String[] parts = line.trim().split(" ");
      return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    @Override
    public void close() throws IOException, InterruptedException {
      try {
        in.write("quit\n");
        in.flush();
      } catch (IOException e) {
        // already gone
      }
      process.waitFor();
    }
  }
}
