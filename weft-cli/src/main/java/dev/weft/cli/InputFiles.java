package dev.weft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The files a command reads, from its arguments: regular files and pipes (a FIFO, {@code
 * /dev/stdin}, a shell's {@code <(...)}) as they are, a directory as its regular files (sorted by
 * name, not recursive), and standard input ({@code -}) as {@code /dev/stdin}. weft-io reads a
 * regular file in parallel chunks at offsets and streams a pipe, cutting it into chunks as it
 * comes.
 *
 * <p>Standard input given as a stream other than the process's own (a test's) has no path: it is
 * copied to a temporary file in {@code java.io.tmpdir}, holding at most one buffer in memory, and
 * deleted by {@link #close()} (and at JVM exit, should the run be stopped).
 *
 * <p>Not thread-safe; {@link #open} blocks while it copies, until the pipe's writer closes it.
 */
final class InputFiles implements AutoCloseable {
  /** The argument that names standard input. */
  static final String STDIN = "-";

  private final List<Path> files;
  private final List<Path> temporary;

  private InputFiles(List<Path> files, List<Path> temporary) {
    this.files = List.copyOf(files);
    this.temporary = List.copyOf(temporary);
  }

  /**
   * Resolves the arguments, copying standard input and pipes.
   *
   * @param args the arguments, each a path or {@code -}
   * @param stdin standard input, opened only if an argument is {@code -}
   * @return the files to read, in the arguments' order; close it to delete the copies
   * @throws CommandFailedException if an argument does not exist, cannot be read, names standard
   *     input twice, or cannot be copied (the copies made so far are deleted)
   */
  static InputFiles open(List<String> args, Supplier<InputStream> stdin) {
    List<Path> files = new ArrayList<>();
    List<Path> temporary = new ArrayList<>();
    boolean ok = false;
    try {
      if (args.stream().filter(STDIN::equals).count() > 1) {
        throw new CommandFailedException("'-' (standard input) can be read only once");
      }
      for (String arg : args) {
        if (arg.equals(STDIN)) {
          InputStream in = stdin.get();
          Path devStdin = Path.of("/dev/stdin");
          if (in == System.in && Files.isReadable(devStdin)) {
            files.add(devStdin); // weft-io reads a redirected file by offset, a pipe as a stream
          } else {
            files.add(copy(in, "standard input", temporary));
          }
          continue;
        }
        Path path = Path.of(arg);
        String name = Text.escape(arg);
        if (Files.isDirectory(path)) {
          List<Path> inside = list(path, name);
          if (inside.isEmpty()) {
            throw new CommandFailedException(name + " is a directory without files");
          }
          files.addAll(inside);
        } else if (!Files.exists(path)) {
          throw new CommandFailedException("no such file: " + name);
        } else if (!Files.isReadable(path)) {
          throw new CommandFailedException("cannot read " + name + ": permission denied");
        } else if (Files.isRegularFile(path)) {
          files.add(path);
        } else if (isEndlessDevice(path)) {
          throw new CommandFailedException(
              name + " is a device, not a file or a pipe: its content may never end");
        } else {
          files.add(path); // a pipe: weft-io streams it
        }
      }
      ok = true;
      return new InputFiles(files, temporary);
    } finally {
      if (!ok) {
        delete(temporary);
      }
    }
  }

  /** The file-type bits of a Unix mode, and the type of a character device such as /dev/zero. */
  private static final int S_IFMT = 0170000;

  private static final int S_IFCHR = 0020000;

  /**
   * Whether {@code path} is a character device other than a terminal: copying /dev/zero or
   * /dev/urandom would fill the disk. A terminal is allowed (the user ends it with Ctrl-D), and so
   * is anything whose type the file system does not say.
   */
  static boolean isEndlessDevice(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return (mode & S_IFMT) == S_IFCHR && !Terminal.isTerminalDevice(path.toRealPath());
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static List<Path> list(Path dir, String name) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new CommandFailedException("cannot list " + name + ": " + Failures.reason(e));
    }
  }

  private static Path copy(InputStream in, String what, List<Path> temporary) {
    Path tmp;
    try {
      tmp = Files.createTempFile("weft-input-", ".txt");
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot copy "
              + what
              + ": cannot create a temporary file in "
              + System.getProperty("java.io.tmpdir")
              + ": "
              + Failures.reason(e));
    }
    temporary.add(tmp);
    tmp.toFile().deleteOnExit();
    try (OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot copy " + what + " to the temporary file " + tmp + ": " + Failures.reason(e), e);
    }
    return tmp;
  }

  /**
   * The files to read, in order.
   *
   * @return the files
   */
  List<Path> files() {
    return files;
  }

  /** Deletes the copies. */
  @Override
  public void close() {
    delete(temporary);
  }

  private static void delete(List<Path> paths) {
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // deleteOnExit tries again; a leftover temporary file is not worth failing a run for.
      }
    }
  }
}
