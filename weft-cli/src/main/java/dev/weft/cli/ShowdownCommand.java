package dev.weft.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * {@code weft showdown}: squares a million integers with each strategy (a plain loop, weft's pools,
 * a thread per task, a parallel stream) and prints one row per strategy: wall time, CPU time, peak
 * heap and speed-up over the loop. Every strategy's result is checked against the loop's.
 */
@Command(
    name = "showdown",
    mixinStandardHelpOptions = true,
    versionProvider = WeftCommand.Version.class,
    sortOptions = false,
    description = {
      "Square N boxed integers with each strategy and compare wall time, CPU time, peak heap and"
          + " speed-up over a plain loop.",
      "Each row is the strategy's median round; every result is checked against the loop's."
    },
    footer = {
      "",
      "Strategies: sequential, pool-cpu, thread-per-task, pool-io, parallel-stream.",
      "Large sizes need heap; ./weft passes WEFT_JAVA_OPTS to the JVM, e.g. WEFT_JAVA_OPTS=-Xmx8g."
    })
public final class ShowdownCommand implements Callable<Integer> {
  static final long MAX_SIZE = 100_000_000;
  static final int MAX_ROUNDS = 50;

  /**
   * A lower bound on heap per element: the boxed input, the reference answer's boxed Long and the
   * strategy's own, each with its slot in a list (16 + 4 bytes with compressed references).
   */
  private static final long MIN_HEAP_BYTES_PER_ELEMENT = 3 * (16 + 4);

  private static final long MB = 1024 * 1024;

  @Spec CommandSpec spec;

  @Option(
      names = "--size",
      paramLabel = "N",
      converter = CountConverter.class,
      description = "How many integers to square, 1..100,000,000; _ and , may group digits.",
      showDefaultValue = Visibility.ALWAYS)
  long size = 1_000_000;

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
    List<Strategy<List<Integer>, List<Long>>> all = Squares.strategies();
    validate();
    List<Strategy<List<Integer>, List<Long>>> chosen = choose(all);

    List<Integer> inputs = Squares.inputs((int) size);
    Showdown<List<Integer>, List<Long>> showdown =
        new Showdown<>(inputs, Squares.reference(inputs), warmup, rounds);
    ShowdownReport report =
        new ShowdownReport(spec.commandLine().getOut(), showdown.cpuTimeResolution());
    report.header(
        String.format(Locale.ROOT, "square %,d boxed Integers into a List<Long>", size),
        rounds,
        warmup);
    for (Strategy<List<Integer>, List<Long>> strategy : chosen) {
      report.row(showdown.run(strategy));
    }
    report.footer();
    return 0;
  }

  private List<Strategy<List<Integer>, List<Long>>> choose(
      List<Strategy<List<Integer>, List<Long>>> all) {
    if (only.isEmpty()) {
      return all;
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : only) {
      wanted.add(name.strip());
    }
    List<String> valid = all.stream().map(Strategy::name).toList();
    List<String> unknown = wanted.stream().filter(n -> !valid.contains(n)).toList();
    if (!unknown.isEmpty()) {
      throw usage(
          "unknown strategy "
              + unknown.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
              + " in --only; valid names: "
              + String.join(", ", valid));
    }
    List<Strategy<List<Integer>, List<Long>>> chosen = new ArrayList<>();
    for (Strategy<List<Integer>, List<Long>> strategy : all) {
      if (wanted.contains(strategy.name())) {
        chosen.add(strategy);
      }
    }
    return chosen;
  }

  private void validate() {
    if (size < 1 || size > MAX_SIZE) {
      throw usage(String.format(Locale.ROOT, "--size must be 1..%,d, was %,d", MAX_SIZE, size));
    }
    if (rounds < 1 || rounds > MAX_ROUNDS) {
      throw usage("--rounds must be 1.." + MAX_ROUNDS + ", was " + rounds);
    }
    if (warmup < 0 || warmup > MAX_ROUNDS) {
      throw usage("--warmup must be 0.." + MAX_ROUNDS + ", was " + warmup);
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
