package dev.weft.cli;

import static dev.weft.cli.ShowdownCommandTest.weft;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.cli.ShowdownCommandTest.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class WeftCommandTest {
  @Test
  void helpListsTheSubcommands() {
    Run run = weft("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: weft").contains("showdown");
  }

  @Test
  void onlyTheNamedSubcommandIsBuiltButHelpAndMistakesSeeThemAll() {
    assertThat(WeftCommand.commandLine(new String[] {"agg", "file.txt"}).getSubcommands())
        .containsOnlyKeys("agg");
    assertThat(WeftCommand.commandLine(new String[] {"--help"}).getSubcommands())
        .containsOnlyKeys("showdown", "gen", "agg", "help");
    assertThat(WeftCommand.commandLine(new String[] {"agregate"}).getSubcommands())
        .containsOnlyKeys("showdown", "gen", "agg", "help");
    assertThat(weft("help", "agg").out()).contains("--key");
    Run mistyped = weft("agregate");
    assertThat(mistyped.exitCode()).isEqualTo(2);
    assertThat(mistyped.err()).contains("agg");
  }

  @Test
  void showdownHelpNamesItsOptions() {
    Run run = weft("showdown", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--size").contains("--rounds").contains("--only");
    // The help's list of strategies is written out by hand; keep it in step with the code.
    assertThat(run.out()).contains("--workload").contains("--rows").contains("--file");
    Squares.strategies().forEach(s -> assertThat(run.out()).contains(s.name()));
    FileWorkload.strategies().forEach(s -> assertThat(run.out()).contains(s.name()));
    Work.ofRounds(1).strategies().forEach(s -> assertThat(run.out()).contains(s.name()));
    assertThat(run.out()).contains("--tasks");
  }

  @Test
  void versionNamesTheBuildAndTheJvm() {
    Run run = weft("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("weft 0.").contains("JVM " + Runtime.version());
  }

  @Test
  void noSubcommandIsAUsageError() {
    Run run = weft();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("missing command").contains("showdown");
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    Run run = weft("shodown");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("shodown").contains("showdown");
  }

  @Test
  void aFailedCommandPrintsItsMessageAndExitsOne() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = WeftCommand.commandLine();
    cmd.addSubcommand("fail", new Failing());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));

    int exitCode = cmd.execute("fail");

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("weft fail: it went wrong" + System.lineSeparator());
  }

  @Command(name = "fail")
  static final class Failing implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new CommandFailedException("it went wrong");
    }
  }

  /** Runs the command line as main builds it for these arguments. */
  static Run asMain(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = WeftCommand.commandLine(args);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exitCode = cmd.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void helpNamesEverySubcommandAsMainBuildsIt() {
    for (String name : List.of("showdown", "gen", "agg", "help")) {
      Run run = asMain("help", name);

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("Usage: weft " + name);
      assertThat(run.err()).isEmpty();
    }
    assertThat(asMain("help", "agg").out()).contains("--key");
    assertThat(asMain("--debug", "help", "gen").out()).contains("measurements");
  }

  @Test
  void anUnexpectedFailureIsOneLineAndDebugAddsTheStackTrace() {
    Run plain = run("crash");
    Run debug = run("crash", "--debug");
    Run debugFirst = run("--debug", "crash");

    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.err().lines())
        .singleElement()
        .asString()
        .startsWith("weft crash: internal error: java.lang.IllegalStateException: boom")
        .contains("--debug");
    assertThat(List.of(debug, debugFirst))
        .allSatisfy(r -> {
          assertThat(r.exitCode()).isEqualTo(1);
          assertThat(r.err())
              .startsWith("weft crash: internal error")
              .contains("\tat dev.weft.cli.WeftCommandTest$Crashing.call");
        });
  }

  @Test
  void anIoFailureThatReachesTheTopIsExplainedWithoutAStackTrace() {
    Run run = run("missing");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "weft missing: /no/such/file: no such file or directory" + System.lineSeparator());
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = WeftCommand.commandLine();
    cmd.addSubcommand("crash", new Crashing());
    cmd.addSubcommand("missing", new Missing());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exitCode = cmd.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Command(name = "crash")
  static final class Crashing implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("boom");
    }
  }

  @Command(name = "missing")
  static final class Missing implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      Files.readAllBytes(Path.of("/no/such/file"));
      return 0;
    }
  }
}
