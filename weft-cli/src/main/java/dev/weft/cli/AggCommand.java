package dev.weft.cli;

import dev.weft.Pool;
import dev.weft.io.BadRecord;
import dev.weft.io.FoldResult;
import dev.weft.io.MalformedRecordException;
import dev.weft.io.Records;
import dev.weft.io.Stats;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft agg}: min/mean/max of a numeric column per key over a file (or a directory of files)
 * larger than memory, with weft-io's chunked parallel fold.
 */
@Command(
    name = "agg",
    mixinStandardHelpOptions = true,
    description = {
      "Print min/mean/max of a value column per key, sorted by key, and a summary line on stderr"
          + " (after a progress bar, for long runs on a terminal).",
      "Columns are numbered from 1."
    })
final class AggCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A file or a directory of files.")
  Path file;

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
        "auto: on a terminal, once the run has lasted a second; always: also when redirected."
      })
  ProgressBar.Mode progress;

  @Override
  public Integer call() throws InterruptedException {
    if (key < 1 || value < 1) {
      throw new CommandFailedException("--key and --value are column numbers from 1");
    }
    if (!Files.exists(file)) {
      throw new CommandFailedException("no such file: " + file);
    }
    Records records;
    try {
      records =
          Records.csv(file).delimiter(delimiter).header(header).fieldCount(-1).chunkSize(chunkSize);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
    if (skipBad) {
      records = records.skipBad();
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    FoldResult<SortedMap<String, Stats>> r;
    long peak;
    // The bar is closed last, so that an error message after a failed run starts on its own line.
    try (ProgressBar bar =
            ProgressBar.start(progress, ProgressBar.stderrIsTerminal(), err, System::nanoTime);
        HeapSampler heap = HeapSampler.start(Duration.ofMillis(20));
        Pool pool = Pool.cpu()) {
      r = records.onProgress(bar).statsBy(pool, key - 1, value - 1);
      peak = heap.stop();
      bar.finish();
    } catch (MalformedRecordException e) {
      throw new CommandFailedException(e.getMessage() + " (use --skip-bad to skip such rows)");
    } catch (UncheckedIOException e) {
      throw new CommandFailedException(e.getCause().getMessage());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (Map.Entry<String, Stats> e : r.value().entrySet()) {
      Stats s = e.getValue();
      out.printf(Locale.ROOT, "%s=%.1f/%.1f/%.1f%n", e.getKey(), s.min(), s.mean(), s.max());
    }
    out.flush();
    if (r.skipped() > 0) {
      err.printf(Locale.ROOT, "skipped %d malformed rows, the first:%n", r.skipped());
      for (BadRecord b : r.badRecords()) {
        err.println("  " + b.describe());
      }
    }
    err.printf(
        Locale.ROOT,
        "rows %d, bytes %d, %.3f s, %.1f MB/s, peak heap %d MiB%n",
        r.records(),
        r.bytes(),
        seconds,
        r.bytes() / 1e6 / Math.max(seconds, 1e-9),
        peak >> 20);
    err.flush();
    return 0;
  }
}
