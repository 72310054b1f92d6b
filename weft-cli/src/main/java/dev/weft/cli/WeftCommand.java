package dev.weft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code weft} command: a top-level command whose work is done by its subcommands, one class
 * each ({@link ShowdownCommand}, {@link GenCommand}, {@link AggCommand}).
 *
 * <p>Exit status: 0 on success, 2 for a bad command line (the message goes to stderr with a hint to
 * {@code --help}), 1 when a command fails. A failure is one line on stderr, never a stack trace
 * unless {@code --debug} asks for one: a user with bad input needs to know what to change, not
 * where in weft it was noticed.
 */
@Command(
    name = "weft",
    mixinStandardHelpOptions = true,
    versionProvider = WeftCommand.Version.class,
    description = "Parallel and concurrent work on the JVM.")
public final class WeftCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The option that turns stack traces on; every subcommand inherits it. */
  static final String DEBUG = "--debug";

  @Option(
      names = DEBUG,
      scope = ScopeType.INHERIT,
      description = "On a failure, print the Java stack trace after the message.")
  boolean debug;

  /**
   * Runs the command and exits the JVM with its status. A plain {@code weft agg} line skips
   * picocli's start-up ({@link PlainAgg}).
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    int status;
    try {
      AggCommand plain = PlainAgg.parse(args);
      status =
          plain != null
              ? PlainAgg.run(
                  plain,
                  args,
                  PlainAgg.writer(System.out, "sun.stdout.encoding"),
                  PlainAgg.writer(System.err, "sun.stderr.encoding"))
              : commandLine(args).execute(args);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // picocli hands only Exceptions to the handler; an Error would end the JVM with a trace.
      System.err.println("weft: " + failureMessage(e));
      if (List.of(args).contains(DEBUG)) {
        e.printStackTrace();
      }
      status = 1;
    }
    System.exit(status);
  }

  /** The subcommands, in the order help lists them, each made only when registered. */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("showdown", ShowdownCommand::new);
    m.put("gen", GenCommand::new);
    m.put("agg", AggCommand::new);
    m.put("help", CommandLine.HelpCommand::new);
    return m;
  }

  /**
   * The command line with weft's error handling, ready to {@link CommandLine#execute}; tests
   * redirect its output with {@link CommandLine#setOut} and {@link CommandLine#setErr}.
   *
   * @return a new command line with every subcommand
   */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for these arguments: when the first names a subcommand, only that one is
   * registered, since picocli reflects over every registered command's annotations when it is built
   * (146 ms of the main thread's time in a 0.47 s {@code weft agg} of a one-line file, by a
   * wall-clock profile; with agg alone that start takes 0.44 s); otherwise all are, for help and
   * for suggestions after a mistyped name.
   *
   * @param args the arguments it will be given
   * @return a new command line
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cmd = new CommandLine(new WeftCommand());
    // The first word that is not an option names the subcommand; "help" needs them all.
    String first = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
    String only =
        first != null && SUBCOMMANDS.containsKey(first) && !first.equals("help") ? first : null;
    SUBCOMMANDS.forEach((name, make) -> {
      if (only == null || only.equals(name)) {
        cmd.addSubcommand(name, make.get());
      }
    });
    // After the subcommands: picocli hands the handlers on to those registered at the time.
    return cmd.setParameterExceptionHandler(new ShortUsageErrors())
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

  /** The one line that explains a failure to the user. */
  static String failureMessage(Throwable e) {
    String known = Failures.describe(e);
    if (known != null) {
      return known;
    }
    return "internal error: "
        + Text.excerpt(e.toString(), 200)
        + " (please report it; "
        + DEBUG
        + " prints the stack trace)";
  }

  /**
   * Explains a failure in one line: a {@link CommandFailedException} by its message, the I/O and
   * input errors that reach this far by {@link Failures#describe}, anything else as an internal
   * error; with {@code --debug} the stack trace follows.
   */
  private static final class FailureMessages implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
      PrintWriter err = cmd.getErr();
      err.println(
          cmd.getColorScheme()
              .errorText(cmd.getCommandSpec().qualifiedName() + ": " + failureMessage(ex)));
      if (debug(parseResult)) {
        ex.printStackTrace(err);
      }
      err.flush();
      return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    private static boolean debug(ParseResult parseResult) {
      for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
        if (r.hasMatchedOption(DEBUG)) {
          return true;
        }
      }
      return false;
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
