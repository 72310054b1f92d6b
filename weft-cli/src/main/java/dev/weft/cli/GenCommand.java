package dev.weft.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

    @Option(
        names = "--rows",
        required = true,
        paramLabel = "N",
        converter = ShowdownCommand.CountConverter.class,
        description =
            "How many rows to write; _ and , may group digits. Refused if the file would not fit"
                + " in the free space of its disk.")
    long rows;

    @Option(names = "--seed", defaultValue = "1", description = "The random seed (default 1).")
    long seed;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to write.")
    Path file;

    @Override
    public Integer call() {
      String name = Text.escape(file.toString());
      Path dir = checkWritable(file);
      double free = (double) usableSpace(dir) + (Files.isRegularFile(file) ? size(file) : 0);
      double needed = estimatedBytes(rows, seed);
      if (needed > free) {
        throw new ParameterException(
            spec.commandLine(),
            String.format(
                Locale.ROOT,
                "--rows %,d would write about %s to %s, and its disk has %s free: lower --rows or"
                    + " write to another disk",
                rows,
                Text.size(needed),
                name,
                Text.size(free)));
      }
      try {
        write(file, rows, seed);
      } catch (IOException e) {
        // A partial file is not the file asked for; leave none behind.
        deleteQuietly(file);
        throw new CommandFailedException(
            "cannot write " + name + ": " + Failures.reason(e) + " (the partial file was deleted)",
            e);
      }
      spec.commandLine()
          .getOut()
          .printf(Locale.ROOT, "wrote %,d rows (%s) to %s%n", rows, Text.size(size(file)), name);
      return 0;
    }

    /**
     * Refuses a target that cannot be written, saying why, before anything is written.
     *
     * @param file the file to write
     * @return the directory it goes in
     */
    static Path checkWritable(Path file) {
      String name = Text.escape(file.toString());
      Path dir = file.toAbsolutePath().getParent();
      if (Files.isDirectory(file)) {
        throw new CommandFailedException("cannot write " + name + ": it is a directory");
      }
      if (dir == null || !Files.exists(dir)) {
        throw new CommandFailedException(
            "cannot write " + name + ": no such directory: " + Text.escape(String.valueOf(dir)));
      }
      if (!Files.isDirectory(dir)) {
        throw new CommandFailedException(
            "cannot write " + name + ": " + Text.escape(dir.toString()) + " is not a directory");
      }
      boolean writable = Files.exists(file) ? Files.isWritable(file) : Files.isWritable(dir);
      if (!writable) {
        throw new CommandFailedException("cannot write " + name + ": permission denied");
      }
      return dir;
    }

    /**
     * About how many bytes {@code rows} rows take: the mean station name of this seed, its
     * semicolon, and five bytes of temperature and line end (from "1.0\n" to "-12.3\n").
     */
    static double estimatedBytes(long rows, long seed) {
      String[] names = stations(new Random(seed));
      double prefix = 0;
      for (String n : names) {
        prefix += n.getBytes(StandardCharsets.UTF_8).length + 1;
      }
      return rows * (prefix / names.length + 5);
    }

    static long usableSpace(Path dir) {
      try {
        return Files.getFileStore(dir).getUsableSpace();
      } catch (IOException e) {
        // Not knowing the free space is no reason to refuse; a full disk still fails clearly.
        return Long.MAX_VALUE;
      }
    }

    private static long size(Path file) {
      try {
        return Files.size(file);
      } catch (IOException e) {
        return 0;
      }
    }

    private static void deleteQuietly(Path file) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // The message already says the write failed; the leftover is the user's to remove.
      }
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
        prefixes[i] = (names[i] + ";").getBytes(StandardCharsets.UTF_8);
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
