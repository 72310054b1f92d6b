package dev.weft.cli;

import dev.weft.io.MalformedRecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code weft showdown}: runs workloads with each of their strategies and prints a table per
 * workload, one row per strategy: wall time, CPU time, peak heap, speed-up over the first and
 * efficiency, then a verdict that says what the rows mean. Every strategy's result is checked
 * against a reference answer.
 *
 * <p>Workloads: {@code squares} squares a million integers (a plain loop, weft's pools, a thread
 * per task, a parallel stream), where no parallel strategy can pay; {@code work} runs a thousand
 * tasks of about a millisecond each, where parallelism pays; {@code file} computes min/mean/max per
 * station over a measurements file (read it all, a parallel stream of lines, weft-io's chunks),
 * generated into a temp file unless {@code --file} names one. The default runs squares and work.
 */
@Command(
    name = "showdown",
    mixinStandardHelpOptions = true,
    versionProvider = WeftCommand.Version.class,
    sortOptions = false,
    description = {
      "Run workloads with each strategy and compare wall time, CPU time, peak heap, speed-up"
          + " over the first strategy and efficiency (speed-up / cores); a verdict under each"
          + " table says whether parallelism paid, and why.",
      "squares: square N boxed integers (tasks far smaller than any scheduler's cost per task)."
          + " work: N tasks of about 1 ms of CPU each (calibrated at start-up), where parallelism"
          + " pays. file: min/mean/max per station of a 'station;temperature' file, generated"
          + " (fixed seed, deleted afterwards) unless --file names one. array: the sum of a"
          + " 1,024 MB array of doubles (--array-mb) in this JVM and in 2 worker processes that get"
          + " it by shared memory or by serialized copy.",
      "Each row is the strategy's median round; every result is checked against a reference."
          + " Sizes are in MB (1 MB = 1,000,000 bytes)."
    },
    footer = {
      "",
      "Strategies, squares: sequential, pool-cpu, loop-primitive, pool-kernel, thread-per-task,"
          + " pool-io, parallel-stream, pool-processes, pool-processes-per-item (run by default"
          + " only up to --size 10,000).",
      "Strategies, work: sequential, parallel-stream, pool-cpu, fixed-pool, pool-processes,"
          + " pool-processes-per-item.",
      "Strategies, array: sequential, pool-cpu, processes-shared, processes-copy. array is not in"
          + " the default run: copying 1 GB to worker processes takes seconds a round, and the"
          + " copy row needs about 4 GB of heap.",
      "Strategies, file: read-all, parallel-stream, weft-chunked.",
      "Large sizes need heap; ./weft passes WEFT_JAVA_OPTS to the JVM, e.g. WEFT_JAVA_OPTS=-Xmx8g."
    })
public final class ShowdownCommand implements Callable<Integer> {
  static final long MAX_SIZE = 100_000_000;
  static final long MAX_ROWS = 1_000_000_000;
  static final int MAX_ROUNDS = 50;

  /**
   * A lower bound on heap per line for {@code read-all}, which holds every line as a String: the
   * String (24 bytes), its byte array (16 bytes of header, at least 9 of text, padded to 8) and its
   * slot in the list.
   */
  private static final long MIN_READ_ALL_BYTES_PER_LINE = 24 + 32 + 4;

  /** {@code --workload}'s values, in the order a run shows them. */
  enum Workload {
    /** Square boxed integers: tasks far smaller than any scheduler's cost per task. */
    squares,
    /** Tasks of about a millisecond of CPU each: the size at which parallelism pays. */
    work,
    /** Min/mean/max per station over a file. */
    file,
    /** The sum of a large array of doubles, in this JVM and in worker processes. */
    array
  }

  /** The largest --array-mb: a Java array holds at most about 2^31 doubles. */
  static final long MAX_ARRAY_MB = LargeArray.MAX_ELEMENTS * LargeArray.DOUBLE_BYTES / 1_000_000;

  static final long MAX_TASKS = 1_000_000;

  /**
   * A lower bound on heap per element: the boxed input, the reference answer's boxed Long and the
   * strategy's own, each with its slot in a list (16 + 4 bytes with compressed references).
   */
  private static final long MIN_HEAP_BYTES_PER_ELEMENT = 3 * (16 + 4);

  /** Decimal megabytes, as everywhere in weft. */
  private static final long MB = 1_000_000;

  @Spec CommandSpec spec;

  @Option(
      names = "--workload",
      paramLabel = "WORKLOAD",
      split = ",",
      description =
          "What to compute, one table each (comma-separated): ${COMPLETION-CANDIDATES}. Default:"
              + " squares,work (array is not in the default: it takes a while).")
  List<Workload> workloads = List.of(Workload.squares, Workload.work);

  @Option(
      names = "--tasks",
      paramLabel = "N",
      converter = CountConverter.class,
      description = "work: how many tasks of about 1 ms of CPU each, 1..1,000,000.",
      showDefaultValue = Visibility.ALWAYS)
  long tasks = 1_000;

  @Option(
      names = "--size",
      paramLabel = "N",
      converter = CountConverter.class,
      description =
          "squares: how many integers to square, 1..100,000,000; _ and , may group digits.",
      showDefaultValue = Visibility.ALWAYS)
  long size = 1_000_000;

  @Option(
      names = "--rows",
      paramLabel = "N",
      converter = CountConverter.class,
      description = "file: how many rows to generate, 1..1,000,000,000.",
      showDefaultValue = Visibility.ALWAYS)
  long rows = 2_000_000;

  @Option(
      names = "--file",
      paramLabel = "PATH",
      description = "file: read this measurements file instead of generating one.")
  Path file;

  @Option(
      names = "--array-mb",
      paramLabel = "MB",
      converter = CountConverter.class,
      description =
          "array: the array's size in MB (1 MB = 1,000,000 bytes, 8 bytes a double), 1..16,000.",
      showDefaultValue = Visibility.ALWAYS)
  long arrayMb = 1_024;

  @Option(
      names = "--rounds",
      paramLabel = "R",
      description = "Measured rounds per strategy, 1..50; the median round is reported.",
      showDefaultValue = Visibility.ALWAYS)
  int rounds = 3;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      description = "Unmeasured rounds per strategy before the measured ones, 0..50.",
      showDefaultValue = Visibility.ALWAYS)
  int warmup = 1;

  @Option(
      names = "--only",
      paramLabel = "NAME",
      split = ",",
      description = "Run only these strategies (comma-separated), in the table's order.")
  List<String> only = List.of();

  @Override
  public Integer call() throws Exception {
    try {
      return run();
    } catch (Exception | Error e) {
      // Ctrl-C: the shutdown hook has stopped the workers and closed the segments under the
      // running strategy, whose failure says nothing; the JVM halts once the hook is done.
      if (ProcessPools.exiting()) {
        ProcessPools.awaitHalt();
      }
      throw e;
    }
  }

  private Integer run() throws Exception {
    validateRounds();
    Set<Workload> chosen = EnumSet.copyOf(workloads);
    checkOptionsBelong(chosen);
    checkOnly(chosen);
    if (chosen.contains(Workload.squares)) {
      validateSize();
    }
    if (chosen.contains(Workload.work) && (tasks < 1 || tasks > MAX_TASKS)) {
      throw usage(String.format(Locale.ROOT, "--tasks must be 1..%,d, was %,d", MAX_TASKS, tasks));
    }
    if (chosen.contains(Workload.file)) {
      validateFile();
    }
    if (chosen.contains(Workload.array)) {
      validateArray();
    }
    boolean first = true;
    for (Workload w : chosen) {
      if (!first) {
        spec.commandLine().getOut().println();
      }
      first = false;
      switch (w) {
        case squares -> runSquares();
        case work -> runWork();
        case file -> runFile();
        case array -> runArray();
      }
    }
    return 0;
  }

  /** Refuses an option that no chosen workload takes, naming the workload that does. */
  private void checkOptionsBelong(Set<Workload> chosen) {
    Map<String, Workload> owners =
        Map.of(
            "--size", Workload.squares,
            "--tasks", Workload.work,
            "--rows", Workload.file,
            "--file", Workload.file,
            "--array-mb", Workload.array);
    for (Map.Entry<String, Workload> e : new TreeMap<>(owners).entrySet()) {
      if (given(e.getKey()) && !chosen.contains(e.getValue())) {
        throw usage(
            e.getKey()
                + " belongs to --workload "
                + e.getValue()
                + ", which was not chosen (--workload "
                + chosen.stream().map(Enum::name).collect(Collectors.joining(","))
                + ")");
      }
    }
    if (given("--rows") && file != null) {
      throw usage(
          "--rows and --file exclude each other: --rows generates a file, --file names one");
    }
  }

  /** Refuses names in --only that no chosen workload has. */
  private void checkOnly(Set<Workload> chosen) {
    Set<String> valid = new LinkedHashSet<>();
    for (Workload w : chosen) {
      switch (w) {
        case squares -> Squares.strategies().forEach(s -> valid.add(s.name()));
        case work -> Work.ofRounds(1).strategies().forEach(s -> valid.add(s.name()));
        case file -> FileWorkload.strategies().forEach(s -> valid.add(s.name()));
        case array -> LargeArray.strategies(1).forEach(s -> valid.add(s.name()));
      }
    }
    List<String> unknown =
        only.stream().map(String::strip).distinct().filter(n -> !valid.contains(n)).toList();
    if (!unknown.isEmpty()) {
      throw usage(
          "unknown strategy "
              + unknown.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
              + " in --only; valid names: "
              + String.join(", ", valid));
    }
  }

  /**
   * The largest --size at which the default run includes pool-processes-per-item: it makes a round
   * trip to a worker process per integer, tens of microseconds each, which at the default size
   * would take minutes.
   */
  static final long PER_ITEM_DEFAULT_MAX = 10_000;

  private void runSquares() throws Exception {
    List<Strategy<List<Integer>, List<Long>>> chosen = choose(Squares.strategies());
    if (chosen.isEmpty()) {
      return;
    }
    String omitted = null;
    if (only.isEmpty() && size > PER_ITEM_DEFAULT_MAX) {
      chosen = chosen.stream().filter(s -> !s.name().equals("pool-processes-per-item")).toList();
      omitted =
          String.format(
              Locale.ROOT,
              "a round trip to a worker process per integer would take minutes at --size %,d"
                  + " (the default run includes it up to --size %,d); name it in --only to run it",
              size,
              PER_ITEM_DEFAULT_MAX);
    }

    List<Integer> inputs = Squares.inputs((int) size);
    Showdown<List<Integer>, List<Long>> showdown =
        new Showdown<>(inputs, Squares.reference(inputs), warmup, rounds);
    runTable(
        showdown,
        chosen,
        String.format(Locale.ROOT, "square %,d boxed Integers into a List<Long>", size),
        size,
        "integer",
        omitted);
  }

  private void runWork() throws Exception {
    List<Strategy<List<Integer>, List<Long>>> chosen = choose(Work.ofRounds(1).strategies());
    if (chosen.isEmpty()) {
      return;
    }
    Work work = Work.calibrate();
    chosen = choose(work.strategies());
    List<Integer> inputs = Work.inputs((int) tasks);
    Showdown<List<Integer>, List<Long>> showdown =
        new Showdown<>(inputs, work.reference(inputs), warmup, rounds);
    runTable(
        showdown,
        chosen,
        String.format(
            Locale.ROOT,
            "%,d tasks of about 1 ms of CPU each (%,d rounds of a 64-bit mix, calibrated on this"
                + " machine at start-up)",
            tasks,
            work.rounds()),
        tasks,
        "task",
        null);
  }

  /** One table of a workload checked against the plain loop, with weft's verdict under it. */
  private <I, R> void runTable(
      Showdown<I, R> showdown,
      List<Strategy<I, R>> chosen,
      String title,
      long items,
      String noun,
      String omitted)
      throws Exception {
    ShowdownReport report =
        new ShowdownReport(
            spec.commandLine().getOut(),
            showdown.cpuTimeResolution(),
            "sequential",
            "every round's result, warm-up rounds included, equalled the plain loop's.");
    report.header(title, rounds, warmup);
    for (Strategy<I, R> strategy : chosen) {
      report.row(showdown.run(strategy));
    }
    report.verdict("pool-cpu", items, noun);
    if (omitted != null) {
      report.omitted("pool-processes-per-item", omitted);
    }
    report.footer();
  }

  /** Checks the file workload's options before any workload runs, so a mistake costs no wait. */
  private void validateFile() throws IOException {
    boolean readAll =
        choose(FileWorkload.strategies()).stream().anyMatch(s -> s.name().equals("read-all"));
    if (file != null) {
      checkReadable(file);
      // read-all holds the decoded text and a String per line: at least twice the file's bytes.
      checkReadAllHeap(readAll, 2 * Files.size(file), "the file's " + mb(Files.size(file)));
      return;
    }
    if (rows < 1 || rows > MAX_ROWS) {
      throw usage(String.format(Locale.ROOT, "--rows must be 1..%,d, was %,d", MAX_ROWS, rows));
    }
    checkReadAllHeap(
        readAll,
        rows * MIN_READ_ALL_BYTES_PER_LINE,
        String.format(Locale.ROOT, "--rows %,d", rows));
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    double needed = GenCommand.Measurements.estimatedBytes(rows, FileWorkload.SEED);
    long free = GenCommand.Measurements.usableSpace(tmp);
    if (needed > free) {
      throw usage(
          String.format(
              Locale.ROOT,
              "--rows %,d generates about %s in %s, which has %s free: lower --rows, or pass a"
                  + " file with --file",
              rows,
              Text.size(needed),
              tmp,
              Text.size(free)));
    }
  }

  private void runFile() throws Exception {
    List<Strategy<Path, SortedMap<String, FileWorkload.StationStats>>> chosen =
        choose(FileWorkload.strategies());
    if (chosen.isEmpty()) {
      return;
    }
    if (file != null) {
      runFile(chosen, file, "");
      return;
    }
    Path generated = Files.createTempFile("weft-showdown-", ".txt");
    // Deleted in the finally block; deleteOnExit covers a JVM stopped by Ctrl-C.
    generated.toFile().deleteOnExit();
    try {
      try {
        FileWorkload.generate(generated, rows);
      } catch (IOException e) {
        throw new CommandFailedException("cannot write " + generated + ": " + Failures.reason(e));
      }
      runFile(
          chosen,
          generated,
          String.format(
              Locale.ROOT,
              ", generated with seed %d into a temp file deleted afterwards",
              FileWorkload.SEED));
    } finally {
      Files.deleteIfExists(generated);
    }
  }

  private void runFile(
      List<Strategy<Path, SortedMap<String, FileWorkload.StationStats>>> chosen,
      Path path,
      String origin)
      throws Exception {
    SortedMap<String, FileWorkload.StationStats> reference = FileWorkload.reference(path);
    long lines = reference.values().stream().mapToLong(FileWorkload.StationStats::count).sum();
    Showdown<Path, SortedMap<String, FileWorkload.StationStats>> showdown =
        new Showdown<>(path, reference, FileWorkload::difference, warmup, rounds);
    ShowdownReport report =
        new ShowdownReport(
            spec.commandLine().getOut(),
            showdown.cpuTimeResolution(),
            "read-all",
            String.format(
                Locale.ROOT,
                "every round's result, warm-up rounds included, matched a sequential pass over"
                    + " the lines (BufferedReader, DoubleSummaryStatistics): the same stations and"
                    + " counts, the same min and max, the mean within %s of the station's"
                    + " largest |temperature|.",
                FileWorkload.MEAN_TOLERANCE_TEXT));
    report.header(
        String.format(
            Locale.ROOT,
            "min/mean/max per station of %,d rows, %,d stations, %s (%s%s)",
            lines,
            reference.size(),
            mb(Files.size(path)),
            path,
            origin),
        rounds,
        warmup);
    for (Strategy<Path, SortedMap<String, FileWorkload.StationStats>> strategy : chosen) {
      try {
        report.row(showdown.run(strategy));
      } catch (MalformedRecordException e) {
        throw new CommandFailedException(
            "strategy " + strategy.name() + ": " + Failures.malformed(e, null, 0, null, 0));
      }
    }
    report.verdict("weft-chunked", lines, "line");
    report.footer();
  }

  /**
   * Refuses, with the reason, a path that is not a readable regular file: the workload reads the
   * file once per round, which a pipe cannot give.
   */
  static void checkReadable(Path file) {
    String name = Text.escape(file.toString());
    if (Files.isDirectory(file)) {
      throw new CommandFailedException(name + " is a directory; --file takes a measurements file");
    }
    if (!Files.exists(file)) {
      throw new CommandFailedException("no such file: " + name);
    }
    if (!Files.isRegularFile(file)) {
      throw new CommandFailedException(
          name
              + " is not a regular file (a pipe or a device?): the showdown reads the file once per"
              + " round, so save it to a file first");
    }
    if (!Files.isReadable(file)) {
      throw new CommandFailedException("cannot read " + name + ": permission denied");
    }
  }

  private void checkReadAllHeap(boolean readAll, long needed, String what) {
    long max = Runtime.getRuntime().maxMemory();
    if (readAll && needed > max) {
      throw usage(
          String.format(
              Locale.ROOT,
              "read-all holds the whole file in heap: %s needs more than %,d MB, and the max"
                  + " heap is %,d MB: lower --rows, leave read-all out"
                  + " (--only parallel-stream,weft-chunked) or raise the heap"
                  + " (WEFT_JAVA_OPTS=-Xmx...)",
              what,
              needed / MB,
              max / MB));
    }
  }

  /** Checks the array workload's size against the heap and the machine before anything runs. */
  private void validateArray() throws IOException {
    if (arrayMb < 1 || arrayMb > MAX_ARRAY_MB) {
      throw usage(
          String.format(Locale.ROOT, "--array-mb must be 1..%,d, was %,d", MAX_ARRAY_MB, arrayMb));
    }
    long bytes = arrayMb * MB;
    long n = bytes / LargeArray.DOUBLE_BYTES;
    Set<String> names =
        choose(LargeArray.strategies(n)).stream()
            .map(Strategy::name)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    if (names.isEmpty()) {
      return;
    }
    boolean shared = names.contains("processes-shared");
    boolean copy = names.contains("processes-copy");
    boolean heap = !(shared && names.size() == 1);
    long heapNeeded = (heap ? bytes : 0) + (copy ? LargeArray.copyParentHeapBytes(n) : 0);
    long machineNeeded =
        heapNeeded
            + (shared ? bytes : 0)
            + (copy ? LargeArray.WORKERS * 2 * LargeArray.pieceBytes(n) : 0);
    String given = String.format(Locale.ROOT, "--array-mb %,d", arrayMb);
    long ram = physicalMemory();
    if (ram > 0 && machineNeeded > ram) {
      throw usage(
          String.format(
              Locale.ROOT,
              "%s needs about %s of memory at once (%s), and this machine has %s: lower"
                  + " --array-mb",
              given,
              Text.size(machineNeeded),
              String.join(
                  " + ",
                  java.util.stream.Stream.of(
                          heap ? "the array in this JVM's heap" : null,
                          copy ? "processes-copy's copies and frames" : null,
                          shared ? "the shared segment" : null)
                      .filter(java.util.Objects::nonNull)
                      .toList()),
              Text.size(ram)));
    }
    long max = Runtime.getRuntime().maxMemory();
    if (heapNeeded > max) {
      throw usage(
          String.format(
              Locale.ROOT,
              "%s needs about %,d MB of heap in this JVM (%s), and the max heap is %,d MB: lower"
                  + " --array-mb%s or raise the heap (WEFT_JAVA_OPTS=-Xmx%dg with ./weft)",
              given,
              heapNeeded / MB,
              copy
                  ? "the array, and processes-copy's copy of it and its serialized pieces"
                  : "the array",
              max / MB,
              copy
                  ? ", leave processes-copy out (--only sequential,pool-cpu,processes-shared)"
                  : "",
              (heapNeeded * 5 / 4 + (1L << 30) - 1) >> 30));
    }
    if (shared) {
      java.nio.file.Path dir = dev.weft.shm.SharedMemory.directory();
      long free = Files.getFileStore(dir).getUsableSpace();
      if (bytes > free) {
        throw usage(
            String.format(
                Locale.ROOT,
                "%s: processes-shared puts the array in %s, which has %s free: lower --array-mb"
                    + " or leave processes-shared out",
                given,
                dir,
                Text.size(free)));
      }
    }
  }

  /** The machine's memory, or 0 if the JVM cannot tell. */
  private static long physicalMemory() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize()
        : 0;
  }

  private void runArray() throws Exception {
    long bytes = arrayMb * MB;
    long n = bytes / LargeArray.DOUBLE_BYTES;
    List<Strategy<LargeArray.Data, Double>> chosen = choose(LargeArray.strategies(n));
    if (chosen.isEmpty()) {
      return;
    }
    boolean shared = chosen.stream().anyMatch(s -> s.name().equals("processes-shared"));
    boolean heap = chosen.stream().anyMatch(s -> !s.name().equals("processes-shared"));
    double[] array = null;
    if (heap) {
      try {
        array = LargeArray.heapArray((int) n);
      } catch (OutOfMemoryError e) {
        throw new CommandFailedException(
            String.format(
                Locale.ROOT,
                "no room for the array of %s in the heap (max heap %,d MB): lower --array-mb or"
                    + " raise the heap (WEFT_JAVA_OPTS=-Xmx... with ./weft)",
                Text.size(bytes),
                Runtime.getRuntime().maxMemory() / MB));
      }
    }
    dev.weft.shm.SharedMemory segment = null;
    try {
      if (shared) {
        segment =
            ProcessPools.createSegment(
                "showdown-"
                    + ProcessHandle.current().pid()
                    + "-"
                    + Long.toHexString(System.nanoTime()),
                bytes);
        LargeArray.fill(segment, array, n);
      }
      LargeArray.Data data = new LargeArray.Data(array, segment, n);
      Showdown<LargeArray.Data, Double> showdown =
          new Showdown<>(data, LargeArray.reference(data), warmup, rounds);
      ShowdownReport report =
          new ShowdownReport(
              spec.commandLine().getOut(),
              showdown.cpuTimeResolution(),
              "sequential",
              "every round's sum, warm-up rounds included, equalled the plain loop's exactly:"
                  + " every element is a multiple of 1/256 below 256, so no partial sum is"
                  + " rounded and the order of the additions does not matter.");
      report.header(
          String.format(
              Locale.ROOT,
              "sum %,d doubles (%s), passed to %d worker processes by shared memory and by"
                  + " serialized copy",
              n,
              Text.size(bytes),
              LargeArray.WORKERS),
          rounds,
          warmup);
      for (Strategy<LargeArray.Data, Double> strategy : chosen) {
        try {
          report.row(showdown.run(strategy));
        } catch (OutOfMemoryError e) {
          throw new CommandFailedException(
              String.format(
                  Locale.ROOT,
                  "strategy %s ran out of heap in this JVM (max heap %,d MB): lower --array-mb,"
                      + " leave %s out (--only) or raise the heap (WEFT_JAVA_OPTS=-Xmx... with"
                      + " ./weft)",
                  strategy.name(),
                  Runtime.getRuntime().maxMemory() / MB,
                  strategy.name()));
        } catch (dev.weft.TaskFailedException | dev.weft.WorkerLostException e) {
          throw new CommandFailedException(
              "strategy " + strategy.name() + " failed in a worker process: " + e.getMessage());
        }
      }
      report.copiedBytes(bytes);
      report.verdict("pool-cpu", n, "element");
      report.footer();
    } finally {
      if (segment != null) {
        ProcessPools.close(segment);
      }
    }
  }

  private static String mb(long bytes) {
    return Text.size(bytes);
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private <I, R> List<Strategy<I, R>> choose(List<Strategy<I, R>> all) {
    if (only.isEmpty()) {
      return all;
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : only) {
      wanted.add(name.strip());
    }
    List<Strategy<I, R>> chosen = new ArrayList<>();
    for (Strategy<I, R> strategy : all) {
      if (wanted.contains(strategy.name())) {
        chosen.add(strategy);
      }
    }
    return chosen;
  }

  private void validateRounds() {
    if (rounds < 1 || rounds > MAX_ROUNDS) {
      throw usage("--rounds must be 1.." + MAX_ROUNDS + ", was " + rounds);
    }
    if (warmup < 0 || warmup > MAX_ROUNDS) {
      throw usage("--warmup must be 0.." + MAX_ROUNDS + ", was " + warmup);
    }
  }

  private void validateSize() {
    if (size < 1 || size > MAX_SIZE) {
      throw usage(String.format(Locale.ROOT, "--size must be 1..%,d, was %,d", MAX_SIZE, size));
    }
    long needed = size * MIN_HEAP_BYTES_PER_ELEMENT;
    long max = Runtime.getRuntime().maxMemory();
    if (needed > max) {
      throw usage(
          String.format(
              Locale.ROOT,
              "--size %,d needs more than %,d MB of heap for its inputs and results alone, and the"
                  + " max heap is %,d MB: lower --size or raise the heap"
                  + " (WEFT_JAVA_OPTS=-Xmx...)",
              size,
              needed / MB,
              max / MB));
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Reads a count such as {@code 1000000}, {@code 1_000_000} or {@code 1,000,000}. */
  static final class CountConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String digits = value.strip().replace("_", "").replace(",", "");
      if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new TypeConversionException("'" + value + "' is not a whole number");
      }
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is far too large");
      }
    }
  }
}
