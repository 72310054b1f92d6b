package dev.weft.io.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a path is, for the decision to read it by offset (a regular file), as a stream (a pipe or a
 * character device: {@code /dev/stdin}, {@code <(cmd)}, a FIFO), or not at all. A stream's size is
 * 0, so reading it as a file read it as empty: a silent wrong answer ({@code cat f.csv | weft agg
 * /dev/stdin} printed {@code rows 0}).
 */
public final class FileKinds {
  private FileKinds() {}

  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;

  /**
   * Checks that every existing path is a regular file or a stream. A missing path is left to the
   * run, which reports it as {@link java.nio.file.NoSuchFileException}.
   *
   * @param files the paths
   * @throws IllegalArgumentException naming the first path that is neither, and what it is
   */
  public static void requireReadable(List<String> files) {
    for (String f : files) {
      requireReadable(Path.of(f));
    }
  }

  /**
   * Checks one path, as {@link #requireReadable(List)} does.
   *
   * @param path the path
   * @throws IllegalArgumentException if it exists and is neither a regular file nor a stream
   */
  public static void requireReadable(Path path) {
    if (Files.isRegularFile(path) || !Files.exists(path) || isStream(path)) {
      return;
    }
    throw new IllegalArgumentException(
        path
            + " is "
            + kind(path)
            + ", not a regular file or a pipe: weft-io reads files by offset and pipes as a"
            + " stream");
  }

  /**
   * Checks that an existing path is a regular file, for what needs offsets (a list of chunks).
   *
   * @param path the path
   * @throws IllegalArgumentException if it exists and is not a regular file
   */
  static void requireRegular(Path path) {
    if (Files.isRegularFile(path) || !Files.exists(path)) {
      return;
    }
    throw new IllegalArgumentException(
        path
            + " is "
            + kind(path)
            + ", not a regular file: its chunks have no offsets to list; write it to a file first");
  }

  /**
   * Whether a path is a pipe or a character device (after symbolic links): read sequentially.
   *
   * @param path the path
   * @return true for a stream
   */
  static boolean isStream(Path path) {
    int type = mode(path) & S_IFMT;
    return type == S_IFIFO || type == S_IFCHR;
  }

  private static int mode(Path path) {
    try {
      return (Integer) Files.getAttribute(path, "unix:mode");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 0; // no unix view, or gone: not a stream we can name
    }
  }

  /** What a path that is not a regular file is, in words. */
  static String kind(Path path) {
    if (Files.isDirectory(path)) {
      return "a directory";
    }
    return switch (mode(path) & S_IFMT) {
      case S_IFIFO -> "a pipe (FIFO)";
      case S_IFCHR -> "a character device";
      case 0060000 -> "a block device";
      case 0140000 -> "a socket";
      default -> "a special file";
    };
  }
}
