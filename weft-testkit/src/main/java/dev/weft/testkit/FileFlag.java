package dev.weft.testkit;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A flag that tasks and tests raise and watch across process boundaries: a file that exists once
 * raised. A task captures it as a value (its path is a string), so it survives serialization and
 * works the same in a worker process as in the caller's JVM. Waiting polls the file system every
 * millisecond; use it for the few tests that must know a task is running, never for results.
 *
 * @param path the file's absolute path
 */
public record FileFlag(String path) implements Serializable {
  /**
   * A flag in {@code dir} (a JUnit {@code @TempDir}, say).
   *
   * @param dir the directory
   * @param name the file's name
   * @return the flag, not raised
   */
  public static FileFlag in(Path dir, String name) {
    return new FileFlag(dir.resolve(name).toAbsolutePath().toString());
  }

  /** Raises the flag; idempotent. */
  public void raise() {
    try {
      Files.writeString(Path.of(path), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether the flag is raised.
   *
   * @return true once {@link #raise()} has been called, in any process
   */
  public boolean isRaised() {
    return Files.exists(Path.of(path));
  }

  /**
   * Waits until the flag is raised.
   *
   * @param timeout how long to wait at most: a hang guard, generous
   * @throws InterruptedException if interrupted while waiting
   * @throws AssertionError if the time ran out
   */
  public void await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isRaised()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("flag " + path + " not raised within " + timeout);
      }
      Thread.sleep(1);
    }
  }

  /**
   * Counts the raised flags in a directory whose names start with a prefix.
   *
   * @param dir the directory
   * @param prefix the names' prefix
   * @return how many such files exist
   */
  public static long count(Path dir, String prefix) {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
