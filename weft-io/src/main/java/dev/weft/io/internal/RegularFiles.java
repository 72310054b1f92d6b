package dev.weft.io.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses paths that are not regular files. A run reads each file in chunks by offset, in parallel,
 * and sizes the chunks from the file's length; a pipe, a character device or a socket has length 0
 * and cannot be read by offset, so without this check it read as an empty file: a silent wrong
 * answer ({@code cat f.csv | weft agg /dev/stdin} printed {@code rows 0}).
 */
public final class RegularFiles {
  private RegularFiles() {}

  private static final int S_IFMT = 0170000;

  /**
   * Checks that every existing path is a regular file (after symbolic links). A missing path is
   * left to the run, which reports it as {@link java.nio.file.NoSuchFileException}.
   *
   * @param files the paths
   * @throws IllegalArgumentException naming the first path that exists and is not a regular file,
   *     what it is, and what to do instead
   */
  public static void require(List<String> files) {
    for (String f : files) {
      require(Path.of(f));
    }
  }

  /**
   * Checks one path, as {@link #require(List)} does.
   *
   * @param path the path
   * @throws IllegalArgumentException if it exists and is not a regular file
   */
  public static void require(Path path) {
    if (Files.isRegularFile(path) || !Files.exists(path)) {
      return;
    }
    throw new IllegalArgumentException(
        path
            + " is "
            + kind(path)
            + ", not a regular file: weft-io reads files in parallel chunks by offset; write it to"
            + " a file first");
  }

  /** What a path that is not a regular file is, in words. */
  static String kind(Path path) {
    if (Files.isDirectory(path)) {
      return "a directory";
    }
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return switch (mode & S_IFMT) {
        case 0010000 -> "a pipe (FIFO)";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file"; // no unix view here: the kind is unknown, the refusal still holds
    }
  }
}
