package dev.weft.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cross-process signals for tests, through files (nothing captured in a task crosses back to the
 * test), and real {@code kill -9}.
 */
final class Signals {
  private Signals() {}

  /** Waits until the file exists and returns its content; the test's timeout guards the wait. */
  static String await(Path file) throws InterruptedException {
    while (true) {
      try {
        if (Files.exists(file)) {
          String s = Files.readString(file).trim();
          if (!s.isEmpty()) {
            return s;
          }
        }
      } catch (IOException e) {
        // being written; look again
      }
      Thread.sleep(10);
    }
  }

  /** Writes the file atomically, so that {@link #await} never sees it half written. */
  static void write(Path file, String content) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), "tmp", ".part");
      Files.writeString(tmp, content);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the file if absent: true for the one caller that created it. */
  static boolean claim(Path file) {
    try {
      Files.createFile(file);
      return true;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code kill -9 pid}, the real command. */
  static void kill9(long pid) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
  }

  /** Waits until the process is gone; the test's timeout guards the wait. */
  static void awaitGone(long pid) throws InterruptedException {
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      Thread.sleep(10);
    }
  }

  /** The pids of this JVM's descendants that are weft workers. */
  static java.util.List<Long> workerDescendants() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(h ->
            h.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("WorkerMain")
                || h.info().commandLine().orElse("").contains("WorkerMain"))
        .map(ProcessHandle::pid)
        .toList();
  }
}
