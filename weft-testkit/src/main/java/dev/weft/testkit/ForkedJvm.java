package dev.weft.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM with the test's class path and chosen options (a small heap,
 * say), for tests whose claim is about a whole process: memory limits, exit codes, crashes.
 */
public final class ForkedJvm {
  private ForkedJvm() {}

  /**
   * What the forked JVM did.
   *
   * @param exitCode its exit code
   * @param output its standard output and error, interleaved
   */
  public record Result(int exitCode, String output) {}

  /**
   * Runs {@code mainClass} and waits for it.
   *
   * @param jvmOptions options such as {@code -Xmx64m}
   * @param mainClass the class to run
   * @param timeoutSeconds how long it may take before it is killed
   * @param args the program's arguments
   * @return its exit code and output
   * @throws IOException if it cannot be started
   * @throws InterruptedException if interrupted while waiting
   */
  public static Result run(
      List<String> jvmOptions, Class<?> mainClass, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse(javaFromHome()));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    // The output goes to a file, not a pipe read here: reading a pipe to its end would wait for a
    // hung child forever and the timeout below would never be reached.
    Path log = Files.createTempFile("weft-forked-", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
          throw new AssertionError(
              "forked JVM did not finish in "
                  + timeoutSeconds
                  + " s and was killed: "
                  + command
                  + "\n"
                  + Files.readString(log, StandardCharsets.UTF_8));
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        throw e;
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String javaFromHome() {
    return System.getProperty("java.home") + "/bin/java";
  }
}
