package dev.weft.cli;

import dev.weft.Pool;
import dev.weft.io.BadRecord;
import dev.weft.io.FoldResult;
import dev.weft.io.MalformedRecordException;
import dev.weft.io.Records;
import dev.weft.io.Stats;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft agg}: min/mean/max of a numeric column per key over files (or directories of files)
 * larger than memory, with weft-io's chunked parallel fold; all the files together make one
 * aggregate.
 */
@Command(
    name = "agg",
    mixinStandardHelpOptions = true,
    description = {
      "Print min/mean/max of a value column per key over all the FILEs together, sorted by key:"
          + " a first line '"
          + AggCommand.LABEL
          + "' that labels the figures, then one such line per key (Oslo=-3.5/-1.0/1.5). A"
          + " summary line goes to stderr (after a"
          + " progress bar, for long runs on a terminal).",
      "Columns are numbered from 1. Sizes are in MB (1 MB = 1,000,000 bytes).",
      "FILE '-' reads standard input. Files are read in parallel chunks; standard input and pipes"
          + " (/dev/stdin, <(...)) are read as a stream and cut into chunks as they come, with"
          + " memory bounded as for files."
    })
final class AggCommand implements Callable<Integer> {
  /** The first line of the output, which says what the figures are. */
  static final String LABEL = "key=min/mean/max";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Where output and messages go when {@link PlainAgg} runs the command without picocli. */
  PrintWriter plainOut;

  PrintWriter plainErr;

  /** Standard input, replaced by tests. */
  Supplier<InputStream> stdin = () -> System.in;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "Files, directories of files, or '-' for standard input.")
  List<String> files;

  @Option(names = "--key", defaultValue = "1", description = "The key column (default 1).")
  int key;

  @Option(names = "--value", defaultValue = "2", description = "The value column (default 2).")
  int value;

  @Option(
      names = "--delimiter",
      defaultValue = ";",
      description = "The field delimiter, one ASCII character (default ';').")
  char delimiter;

  @Option(names = "--header", description = "Skip the first line of each file.")
  boolean header;

  @Option(names = "--skip-bad", description = "Skip malformed rows, count and show a few.")
  boolean skipBad;

  @Option(
      names = "--chunk-size",
      defaultValue = "0",
      description = "Bytes per chunk (default: automatic).")
  long chunkSize;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      defaultValue = "auto",
      description = {
        "Show a progress bar on stderr: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).",
        "auto: when stderr is a terminal, once the run has lasted a second; always: also when"
            + " redirected."
      })
  ProgressBar.Mode progress;

  @Override
  public Integer call() throws InterruptedException {
    if (key < 1) {
      throw new ParameterException(spec.commandLine(), "--key must be 1 or more, was " + key);
    }
    if (value < 1) {
      throw new ParameterException(spec.commandLine(), "--value must be 1 or more, was " + value);
    }
    if (files.contains(InputFiles.STDIN) && Terminal.isTerminal(0) && stdin.get() == System.in) {
      err().println("weft agg: reading standard input; end it with Ctrl-D");
      err().flush();
    }
    try (InputFiles inputs = InputFiles.open(files, stdin)) {
      return aggregate(inputs.files());
    }
  }

  private PrintWriter err() {
    return plainErr != null ? plainErr : spec.commandLine().getErr();
  }

  private int aggregate(List<Path> paths) throws InterruptedException {
    Records records;
    try {
      records =
          Records.csv(paths)
              .delimiter(delimiter)
              .header(header)
              .fieldCount(-1)
              .chunkSize(chunkSize);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
    if (skipBad) {
      records = records.skipBad();
    }
    PrintWriter out = plainOut != null ? plainOut : spec.commandLine().getOut();
    PrintWriter err = err();
    long start = System.nanoTime();
    FoldResult<SortedMap<String, Stats>> r;
    long peak;
    // The bar is closed last, so that an error message after a failed run starts on its own line.
    try (ProgressBar bar = ProgressBar.onStderr(progress, err);
        HeapSampler heap = HeapSampler.start(Duration.ofMillis(20));
        Pool pool = Pool.cpu()) {
      r = records.onProgress(bar).statsBy(pool, key - 1, value - 1);
      peak = heap.stop();
      bar.finish();
    } catch (MalformedRecordException e) {
      throw new CommandFailedException(
          Failures.malformed(e, "--key", key, "--value", value)
              + " (use --skip-bad to skip such rows)");
    } catch (UncheckedIOException e) {
      throw new CommandFailedException(Failures.describe(e));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.println(LABEL);
    for (Map.Entry<String, Stats> e : r.value().entrySet()) {
      Stats s = e.getValue();
      out.printf(Locale.ROOT, "%s=%.1f/%.1f/%.1f%n", e.getKey(), s.min(), s.mean(), s.max());
    }
    out.flush();
    if (r.skipped() > 0) {
      err.printf(Locale.ROOT, "skipped %d malformed rows, the first:%n", r.skipped());
      for (BadRecord b : r.badRecords()) {
        err.println(
            "  "
                + Failures.describe(
                    b, Failures.reason(b.reason(), "--key", key, "--value", value)));
      }
    }
    err.printf(
        Locale.ROOT,
        "rows %d, bytes %d%s, files %d, keys %d, %.3f s, %.1f MB/s, peak heap %d MB%n",
        r.records(),
        r.bytes(),
        r.bytes() < 1e6 ? "" : " (" + Text.size(r.bytes()) + ")",
        paths.size(),
        r.value().size(),
        seconds,
        r.bytes() / 1e6 / Math.max(seconds, 1e-9),
        Math.round(peak / 1e6));
    err.flush();
    return 0;
  }
}
