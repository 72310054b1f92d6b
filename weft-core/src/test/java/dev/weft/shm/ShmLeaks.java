package dev.weft.shm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Names unique to one test class in one test JVM, and the check that none of its segments is left:
 * concurrent builds in other work trees use other names, so the check sees only this class's.
 */
final class ShmLeaks {
  private final String prefix;
  private int next;

  ShmLeaks(String tag) {
    this.prefix = tag + ProcessHandle.current().pid() + "x";
  }

  synchronized String name() {
    return prefix + (next++);
  }

  /**
   * Every file of this class's segments: named, being created ({@code +}) or unlinked ({@code ~}).
   */
  List<String> leftOver() throws IOException {
    try (Stream<Path> files = Files.list(SharedMemory.directory())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(f -> f.startsWith(SharedMemory.PREFIX) && f.contains(prefix))
          .toList();
    }
  }

  void assertNoneLeft() throws IOException {
    assertThat(leftOver()).as("weft segments left behind by this test class").isEmpty();
  }
}
