package dev.weft.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code weft agg} without picocli, for the command lines people type most: {@code agg}, then files
 * and the command's long options with valid values, each at most once. Anything else (help, {@code
 * --version}, {@code --}, {@code @files}, a repeated or unknown option, a value picocli would
 * reject or read differently, options before {@code agg}) is left to picocli, which then parses the
 * whole line as before.
 *
 * <p>Why: picocli builds its model of a command by reflection over the annotations, in classes
 * compiled for Java 5 that the class-data-sharing archive cannot hold (the JVM skips "old"
 * classes), so they are loaded, verified and interpreted on every start: about 0.15-0.25 s of the
 * main thread before {@code weft agg} reads a byte, by a CPU profile, while the hand-tuned program
 * it is measured against starts in about 0.2 s in all (docs/PERFORMANCE.md, section 6).
 *
 * <p>A failure is reported by picocli's handler, as on the picocli path: only then is the command
 * line built and parsed, so the message, its colours and {@code --debug} are the same.
 */
final class PlainAgg {
  private PlainAgg() {}

  /** Options that take a value. */
  private static final Set<String> VALUED =
      Set.of("--key", "--value", "--delimiter", "--chunk-size", "--progress");

  /** Options that take none. */
  private static final Set<String> FLAGS = Set.of("--header", "--skip-bad", WeftCommand.DEBUG);

  /**
   * The command for a plain command line, or null when picocli should parse it.
   *
   * @param args the whole command line, {@code agg} first
   * @return the command with its options set, or null
   */
  static AggCommand parse(String[] args) {
    if (args.length < 2 || !args[0].equals("agg")) {
      return null;
    }
    for (String a : args) {
      if (a.startsWith("@")) {
        return null; // picocli reads arguments from the file it names, when there is one
      }
    }
    AggCommand c = new AggCommand();
    // The defaults of AggCommand's @Option annotations (a test keeps them in step).
    c.key = 1;
    c.value = 2;
    c.delimiter = ';';
    c.chunkSize = 0;
    c.progress = ProgressBar.Mode.auto;
    List<String> files = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-") || !a.startsWith("-")) {
        files.add(a);
        continue;
      }
      String name = a;
      String v = null;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(0, eq);
        v = a.substring(eq + 1);
      }
      if (!seen.add(name)) {
        return null; // picocli says which option was repeated
      }
      if (FLAGS.contains(name) && v == null) {
        switch (name) {
          case "--header" -> c.header = true;
          case "--skip-bad" -> c.skipBad = true;
          default -> {} // --debug: read again from the line by picocli's handler on a failure
        }
        continue;
      }
      if (!VALUED.contains(name)) {
        return null;
      }
      if (v == null) {
        if (++i == args.length) {
          return null;
        }
        v = args[i];
      }
      if (!set(c, name, v)) {
        return null;
      }
    }
    if (files.isEmpty()) {
      return null;
    }
    c.files = files;
    return c;
  }

  /** Sets an option from a value that every converter reads the same way; false for others. */
  private static boolean set(AggCommand c, String name, String v) {
    switch (name) {
      case "--key", "--value" -> {
        int n = (int) positive(v, 9); // nine digits fit
        if (n < 1) {
          return false; // 0 and bad numbers: picocli's message
        }
        if (name.equals("--key")) {
          c.key = n;
        } else {
          c.value = n;
        }
      }
      case "--chunk-size" -> {
        long n = positive(v, 18);
        if (n < 0) {
          return false;
        }
        c.chunkSize = n;
      }
      case "--delimiter" -> {
        if (v.length() != 1 || v.charAt(0) == '-') {
          return false;
        }
        c.delimiter = v.charAt(0);
      }
      case "--progress" -> {
        ProgressBar.Mode mode = null;
        for (ProgressBar.Mode m : ProgressBar.Mode.values()) {
          if (m.name().equals(v)) {
            mode = m;
          }
        }
        if (mode == null) {
          return false;
        }
        c.progress = mode;
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Plain decimal digits, at most {@code maxDigits} and without a leading zero (which a converter
   * built on {@code decode} reads as octal), else -1.
   */
  private static long positive(String v, int maxDigits) {
    if (v.isEmpty() || v.length() > maxDigits || (v.charAt(0) == '0' && v.length() > 1)) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char d = v.charAt(i);
      if (d < '0' || d > '9') {
        return -1;
      }
      n = n * 10 + (d - '0');
    }
    return n;
  }

  /**
   * Runs a parsed command as picocli's {@code execute} would: its exit status, or a failure
   * reported by weft's handler for picocli with the command line then parsed by picocli.
   *
   * @param c the command, from {@link #parse}
   * @param args the command line it was parsed from
   * @param out standard output
   * @param err standard error
   * @return the exit status
   */
  static int run(AggCommand c, String[] args, PrintWriter out, PrintWriter err) {
    c.plainOut = out;
    c.plainErr = err;
    try {
      return c.call();
    } catch (Exception e) {
      CommandLine cmd = WeftCommand.commandLine(args);
      cmd.setOut(out);
      cmd.setErr(err);
      ParseResult parsed = cmd.parseArgs(args);
      CommandLine agg = parsed.subcommand().commandSpec().commandLine();
      try {
        return cmd.getExecutionExceptionHandler().handleExecutionException(e, agg, parsed);
      } catch (Exception handlerFailed) { // as picocli's execute does
        handlerFailed.printStackTrace(err);
        return agg.getCommandSpec().exitCodeOnExecutionException();
      }
    }
  }

  /**
   * A writer on a standard stream as picocli makes one: the encoding the JVM reports for it, else
   * the default; flushed at each line.
   *
   * @param stream the stream
   * @param encodingProperty {@code sun.stdout.encoding} or {@code sun.stderr.encoding}
   * @return the writer
   */
  static PrintWriter writer(OutputStream stream, String encodingProperty) {
    String encoding = System.getProperty(encodingProperty);
    if ("cp65001".equalsIgnoreCase(encoding)) {
      encoding = "UTF-8";
    }
    Charset charset = encoding != null ? Charset.forName(encoding) : Charset.defaultCharset();
    return new PrintWriter(
        new java.io.BufferedWriter(new OutputStreamWriter(stream, charset)), true);
  }
}
