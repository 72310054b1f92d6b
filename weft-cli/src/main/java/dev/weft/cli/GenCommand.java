package dev.weft.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft gen}: writes synthetic input files. */
@Command(
    name = "gen",
    mixinStandardHelpOptions = true,
    description = "Write synthetic input files.",
    subcommands = {GenCommand.Measurements.class})
final class GenCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /**
   * {@code weft gen measurements}: {@code station;temperature} rows in the one billion row
   * challenge's format, from a fixed seed, so the same arguments always write the same file.
   */
  @Command(
      name = "measurements",
      mixinStandardHelpOptions = true,
      description = "Write N rows of 'station;temperature' (a few hundred stations, fixed seed).")
  static final class Measurements implements Callable<Integer> {
    static final int STATIONS = 413;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--rows", required = true, description = "How many rows to write.")
    long rows;

    @Option(names = "--seed", defaultValue = "1", description = "The random seed (default 1).")
    long seed;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to write.")
    Path file;

    @Override
    public Integer call() {
      if (rows < 0) {
        throw new CommandFailedException("--rows must not be negative: " + rows);
      }
      try {
        write(file, rows, seed);
      } catch (IOException e) {
        throw new CommandFailedException("cannot write " + file + ": " + e.getMessage());
      }
      spec.commandLine().getOut().println("wrote " + rows + " rows to " + file);
      return 0;
    }

    /** Station names from syllables, each with its own mean temperature. */
    static String[] stations(Random rnd) {
      String[] syllables = {
        "ab", "ba", "ko", "ri", "ma", "zu", "el", "to", "na", "vi", "or", "sa", "lu", "de", "ky",
        "po", "ga", "mi", "ne", "ho", "ä", "ö", "ü", "é", "ça"
      };
      java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
      while (names.size() < STATIONS) {
        StringBuilder sb = new StringBuilder();
        int n = 2 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
          sb.append(syllables[rnd.nextInt(syllables.length)]);
        }
        sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
        names.add(sb.toString());
      }
      return names.toArray(new String[0]);
    }

    static void write(Path file, long rows, long seed) throws IOException {
      Random rnd = new Random(seed);
      String[] names = stations(rnd);
      byte[][] prefixes = new byte[names.length][];
      int[] means = new int[names.length];
      for (int i = 0; i < names.length; i++) {
        prefixes[i] = (names[i] + ";").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        means[i] = rnd.nextInt(400) - 100; // tenths of a degree
      }
      byte[] digits = new byte[8];
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        for (long r = 0; r < rows; r++) {
          int s = rnd.nextInt(names.length);
          int t = (int) Math.round(means[s] + rnd.nextGaussian() * 100);
          t = Math.clamp(t, -999, 999);
          out.write(prefixes[s]);
          int n = 0;
          if (t < 0) {
            out.write('-');
            t = -t;
          }
          digits[n++] = '\n';
          digits[n++] = (byte) ('0' + t % 10);
          digits[n++] = '.';
          t /= 10;
          do {
            digits[n++] = (byte) ('0' + t % 10);
            t /= 10;
          } while (t > 0);
          for (int i = n - 1; i >= 0; i--) {
            out.write(digits[i]);
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }
}
