package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** {@code weft agg} parsed and run without picocli gives what picocli's path gives. */
class PlainAggTest {
  @TempDir Path dir;

  /** The options as picocli sets them, or null when picocli rejects the line. */
  private static String viaPicocli(String... args) {
    try {
      CommandLine cmd = WeftCommand.commandLine(args);
      ParseResult parsed = cmd.parseArgs(args);
      if (parsed.subcommand() == null || parsed.subcommand().isUsageHelpRequested()) {
        return null;
      }
      return options(parsed.subcommand().commandSpec().commandLine().getCommand());
    } catch (CommandLine.ParameterException e) {
      return null;
    }
  }

  private static String options(AggCommand c) {
    return String.join(
        " | ",
        String.valueOf(c.files),
        "key " + c.key,
        "value " + c.value,
        "delimiter " + c.delimiter,
        "header " + c.header,
        "skipBad " + c.skipBad,
        "chunkSize " + c.chunkSize,
        "progress " + c.progress);
  }

  private static String viaPlain(String... args) {
    AggCommand c = PlainAgg.parse(args);
    return c == null ? null : options(c);
  }

  @Test
  void plainLinesAreReadAsPicocliReadsThem() {
    List<String[]> lines =
        List.of(
            new String[] {"agg", "m.txt"},
            new String[] {"agg", "m.txt", "--key", "3", "--value", "12", "--delimiter", ","},
            new String[] {"agg", "--key=2", "a", "-", "b", "--value=1", "--delimiter=\t"},
            new String[] {"agg", "m.txt", "--header", "--skip-bad", "--debug"},
            new String[] {"agg", "m.txt", "--chunk-size", "1048576", "--progress", "never"},
            new String[] {"agg", "--progress=always", "x=y.txt", "--chunk-size=0"},
            new String[] {"agg", "m.txt", "--delimiter", ";", "--key", "1"});
    for (String[] line : lines) {
      assertThat(viaPlain(line)).as(String.join(" ", line)).isNotNull().isEqualTo(viaPicocli(line));
    }
  }

  @Test
  void anythingElseIsLeftToPicocli() {
    List<String[]> lines =
        List.of(
            new String[] {"agg"},
            new String[] {"agg", "--help"},
            new String[] {"agg", "-h", "m.txt"},
            new String[] {"agg", "--version"},
            new String[] {"--debug", "agg", "m.txt"},
            new String[] {"gen", "measurements", "m.txt"},
            new String[] {"agg", "m.txt", "--key", "1", "--key", "2"},
            new String[] {"agg", "m.txt", "--header", "--header"},
            new String[] {"agg", "m.txt", "--key", "0"},
            new String[] {"agg", "m.txt", "--key", "010"},
            new String[] {"agg", "m.txt", "--key", "-1"},
            new String[] {"agg", "m.txt", "--key", "+1"},
            new String[] {"agg", "m.txt", "--key"},
            new String[] {"agg", "m.txt", "--key", "9999999999"},
            new String[] {"agg", "m.txt", "--delimiter", "ab"},
            new String[] {"agg", "m.txt", "--delimiter", "\\t"},
            new String[] {"agg", "m.txt", "--progress", "Never"},
            new String[] {"agg", "m.txt", "--header=true"},
            new String[] {"agg", "m.txt", "--unknown"},
            new String[] {"agg", "--", "m.txt"},
            new String[] {"agg", "@args.txt"},
            new String[] {"agg", "m.txt", "--delimiter", "@"},
            new String[] {"agg", "-x.txt"},
            new String[] {"agg", "--key", "2"});
    for (String[] line : lines) {
      assertThat(PlainAgg.parse(line)).as(String.join(" ", line)).isNull();
    }
  }

  @Test
  void randomLinesThatItTakesPicocliReadsTheSameWay() {
    String[] words = {
      "m.txt",
      "-",
      "a b",
      "--key",
      "--value",
      "--delimiter",
      "--chunk-size",
      "--progress",
      "--header",
      "--skip-bad",
      "--debug",
      "--key=2",
      "--value=0",
      "1",
      "2",
      "07",
      "-3",
      "x",
      ";",
      ",",
      "never",
      "always",
      "auto",
      "--",
      "-h",
      "--progress=auto",
      "--chunk-size=99"
    };
    Random random = new Random(42);
    int taken = 0;
    for (int n = 0; n < 1500; n++) {
      List<String> line = new ArrayList<>(List.of("agg"));
      int length = random.nextInt(7);
      for (int i = 0; i < length; i++) {
        line.add(words[random.nextInt(words.length)]);
      }
      String[] args = line.toArray(String[]::new);
      String plain = viaPlain(args);
      if (plain != null) {
        taken++;
        assertThat(plain).as(String.join(" ", args)).isEqualTo(viaPicocli(args));
      }
    }
    assertThat(taken).isGreaterThan(50); // the generator reaches the plain path often enough
  }

  record Run(int exitCode, String out, String err) {}

  private static Run plain(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AggCommand c = PlainAgg.parse(args);
    assertThat(c).as(String.join(" ", args)).isNotNull();
    int code = PlainAgg.run(c, args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static Run picocli(String... args) {
    AggCommandTest.Run r = AggCommandTest.weft(args);
    return new Run(r.exitCode(), r.out(), r.err());
  }

  @Test
  void aRunPrintsWhatPicocliPathPrints() throws Exception {
    Path f = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\nLima;-2.5\nOslo;3.0\nLima;x\n");
    String[] args = {"agg", f.toString(), "--skip-bad", "--progress=never"};

    Run plain = plain(args);
    Run picocli = picocli(args);

    assertThat(plain.exitCode()).isZero();
    assertThat(plain.out()).isEqualTo(picocli.out()).contains("Oslo=1.0/2.0/3.0");
    // The summary's last line holds the run's duration: compare the lines before it.
    assertThat(plain.err().lines().toList().subList(0, 2))
        .isEqualTo(picocli.err().lines().toList().subList(0, 2));
  }

  @Test
  void aFailureIsReportedAsOnPicocliPath() throws Exception {
    Path f = Files.writeString(dir.resolve("m.txt"), "Oslo;1.0\nLima;x\n");
    for (String[] args :
        List.of(
            new String[] {"agg", f.toString()},
            new String[] {"agg", dir.resolve("nope.txt").toString(), "--debug"})) {
      Run plain = plain(args);
      Run picocli = picocli(args);

      assertThat(plain.exitCode()).isEqualTo(1).isEqualTo(picocli.exitCode());
      assertThat(plain.out()).isEqualTo(picocli.out());
      assertThat(plain.err().lines().findFirst())
          .isEqualTo(picocli.err().lines().findFirst())
          .hasValueSatisfying(l -> assertThat(l).startsWith("weft agg: "));
      // --debug adds the stack trace on both paths, and only with it.
      assertThat(plain.err().lines().count() > 1).isEqualTo(args.length == 3);
      assertThat(plain.err().lines().count() > 1).isEqualTo(picocli.err().lines().count() > 1);
    }
  }
}
