package dev.weft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the command knows about the terminal it draws on: whether a standard stream is one, and how
 * wide it is. {@link System#console()} answers neither for stderr: on JDK 22+ its {@code
 * isTerminal()} reflects stdin and stdout, so {@code weft agg f > out.txt} (bar wanted on the
 * terminal) and {@code weft agg f 2> log} (no bar wanted in the log) would both be judged wrongly.
 *
 * <p>On Linux a descriptor is a terminal when {@code /proc/self/fd/N} links to a terminal device,
 * which is what {@code isatty(N)} checks without native code. Elsewhere the answer falls back to
 * {@link System#console()}. Thread-safe: every method reads the current state.
 */
final class Terminal {
  /** The width assumed when none can be found, as most terminals open. */
  static final int DEFAULT_COLUMNS = 80;

  private Terminal() {}

  /**
   * Whether standard stream {@code fd} (0, 1 or 2) is a terminal.
   *
   * @param fd the file descriptor
   * @return true if it is a terminal
   */
  static boolean isTerminal(int fd) {
    return device(fd).map(Terminal::isTerminalDevice).orElseGet(Terminal::consoleIsTerminal);
  }

  /** The device a standard stream is open on, if the OS shows it. */
  private static Optional<Path> device(int fd) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }

  static boolean isTerminalDevice(Path device) {
    String d = device.toString();
    return d.startsWith("/dev/pts/") || d.startsWith("/dev/tty") || d.equals("/dev/console");
  }

  private static boolean consoleIsTerminal() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }

  /**
   * The width of the terminal on stderr: {@code COLUMNS} if the environment sets it to a positive
   * number, else what {@code stty size} says of stderr's terminal, else {@link #DEFAULT_COLUMNS}.
   *
   * @param env the environment, such as {@link System#getenv()}
   * @return the number of columns, at least 1
   */
  static int stderrColumns(Map<String, String> env) {
    Integer fromEnv = positive(env.get("COLUMNS"));
    if (fromEnv != null) {
      return fromEnv;
    }
    return device(2).filter(Terminal::isTerminalDevice).map(Terminal::stty).orElse(DEFAULT_COLUMNS);
  }

  /** Asks stty for the size of the terminal {@code device}: its output is "rows columns". */
  private static int stty(Path device) {
    try {
      Process p =
          new ProcessBuilder("stty", "size")
              .redirectInput(device.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String answer;
      try (InputStream in = p.getInputStream()) {
        answer = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
      }
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroy();
        return DEFAULT_COLUMNS;
      }
      String[] parts = answer.split("\\s+");
      Integer columns = parts.length == 2 ? positive(parts[1]) : null;
      return columns == null ? DEFAULT_COLUMNS : columns;
    } catch (IOException e) {
      return DEFAULT_COLUMNS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_COLUMNS;
    }
  }

  private static Integer positive(String s) {
    if (s == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(s.strip());
      return n > 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
