package dev.weft.shm;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running a main class of the test sources, with this JVM's class path. weft-core
 * cannot use weft-testkit's {@code ForkedJvm}, which depends on it; this is the small part the shm
 * tests need: start, read lines, wait, kill.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final StringBuilder seen = new StringBuilder();

  private ChildJvm(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Starts {@code main}; it should call {@link #exitWithParent()} so that it cannot outlive this
   * JVM.
   */
  static ChildJvm start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java"));
    command.add("-Xmx64m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(classPath());
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Surefire may put the module under test on the module path; the child runs it unnamed. */
  private static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String key : List.of("jdk.module.path", "java.class.path")) {
      String v = System.getProperty(key);
      if (v != null && !v.isEmpty()) {
        parts.add(v);
      }
    }
    return String.join(File.pathSeparator, parts);
  }

  /**
   * In the child: exits when the parent's end of standard input closes, which happens when the
   * parent dies however it dies, so a killed test run leaves no child behind.
   */
  static void exitWithParent() {
    Thread t =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing is sent; read until the end
                }
              } catch (IOException e) {
                // the same as the end
              }
              Runtime.getRuntime().halt(3);
            },
            "exit-with-parent");
    t.setDaemon(true);
    t.start();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /**
   * Reads output lines until one equals {@code line}; fails with everything read if the child's
   * output ends first (it died). The test's {@code @Timeout} bounds a child that stays silent.
   */
  void await(String line) throws IOException {
    String l;
    while ((l = out.readLine()) != null) {
      seen.append(l).append('\n');
      if (l.equals(line)) {
        return;
      }
    }
    throw new AssertionError(
        "child " + pid() + " ended (exit " + exitCode() + ") before '" + line + "':\n" + seen);
  }

  /** Waits for the child to end and returns its exit code; its output goes into {@link #output}. */
  int waitFor() throws IOException, InterruptedException {
    String l;
    while ((l = out.readLine()) != null) {
      seen.append(l).append('\n');
    }
    return process.waitFor();
  }

  String output() {
    return seen.toString();
  }

  /** SIGKILL on Linux, and waits until the child is gone (reaped). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS)
          ? String.valueOf(process.exitValue())
          : "none yet";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
