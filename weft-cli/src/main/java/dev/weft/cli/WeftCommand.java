package dev.weft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code weft} command: a top-level command whose work is done by its subcommands, one class
 * each (so far {@link ShowdownCommand}).
 *
 * <p>Exit status: 0 on success, 2 for a bad command line (the message goes to stderr with a hint to
 * {@code --help}), 1 when a command fails.
 */
@Command(
    name = "weft",
    mixinStandardHelpOptions = true,
    versionProvider = WeftCommand.Version.class,
    description = "Parallel and concurrent work on the JVM.",
    subcommands = {
      ShowdownCommand.class,
      GenCommand.class,
      AggCommand.class,
      CommandLine.HelpCommand.class
    })
public final class WeftCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /**
   * Runs the command and exits the JVM with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with weft's error handling, ready to {@link CommandLine#execute}; tests
   * redirect its output with {@link CommandLine#setOut} and {@link CommandLine#setErr}.
   *
   * @return a new command line
   */
  public static CommandLine commandLine() {
    return new CommandLine(new WeftCommand())
        .setParameterExceptionHandler(new ShortUsageErrors())
        .setExecutionExceptionHandler(new FailureMessages());
  }

  /** Without a subcommand there is nothing to do: show what there is, as a usage error. */
  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    cmd.getErr().println("weft: missing command");
    cmd.usage(cmd.getErr());
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * Prints the problem and where to get help, not the whole usage, which would bury the problem.
   */
  private static final class ShortUsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      String name = cmd.getCommandSpec().qualifiedName();
      err.println(cmd.getColorScheme().errorText(name + ": " + ex.getMessage()));
      UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try '" + name + " --help' for more information.");
      err.flush();
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
  }

  /** A {@link CommandFailedException} is explained by its message; anything else is a bug. */
  private static final class FailureMessages implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult)
        throws Exception {
      if (!(ex instanceof CommandFailedException)) {
        throw ex;
      }
      PrintWriter err = cmd.getErr();
      err.println(
          cmd.getColorScheme()
              .errorText(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage()));
      err.flush();
      return cmd.getCommandSpec().exitCodeOnExecutionException();
    }
  }

  /** Reports the version this jar was built from and the JVM it runs on. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "weft " + buildVersion(),
        "JVM "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + ")"
      };
    }

    static String buildVersion() {
      try (InputStream in = WeftCommand.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "(unknown version)";
        }
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version", "(unknown version)");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
