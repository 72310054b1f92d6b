package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Pool;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path that is not a regular file (a pipe, a device, a socket, a directory given as a file) is
 * refused with an {@link IllegalArgumentException} naming it and what it is, never read as an empty
 * file. A writer process holds each FIFO open, so that code which did open it would read its rows
 * (the old silent {@code rows 0}) or wait, rather than hang in {@code open}; {@code @Timeout}
 * bounds the rest.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NotRegularFilesTest {
  static Pool pool;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pool = Pool.cpu(2);
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  Path fifo(String name) throws Exception {
    Path fifo = dir.resolve(name);
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo works here");
    return fifo;
  }

  /** Writes rows into the FIFO once some reader opens it; killed by the caller. */
  Process writer(Path fifo) throws Exception {
    Path data = Files.write(dir.resolve("data-" + fifo.getFileName()), List.of("a,1", "b,2"));
    return new ProcessBuilder("sh", "-c", "cat \"$0\" > \"$1\"", data.toString(), fifo.toString())
        .start();
  }

  static void assertRefused(Runnable call, Path path, String kind) {
    assertThatThrownBy(call::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(path + " is " + kind + ", not a regular file")
        .hasMessageContaining("write it to a file first");
  }

  @Test
  void aFifoIsRefusedByEveryFactory() throws Exception {
    Path fifo = fifo("rows.csv");
    Process writer = writer(fifo);
    try {
      assertRefused(() -> Records.csv(fifo), fifo, "a pipe (FIFO)");
      assertRefused(() -> Records.lines(fifo), fifo, "a pipe (FIFO)");
      assertRefused(() -> Records.csv(List.of(fifo)), fifo, "a pipe (FIFO)");
    } finally {
      writer.destroyForcibly().waitFor();
    }
  }

  @Test
  void aFileReplacedByAFifoIsRefusedWhenTheRunStarts() throws Exception {
    Path file = Files.write(dir.resolve("later.csv"), List.of("a,1"));
    Records records = Records.csv(file);
    Files.delete(file);
    Path fifo = fifo("later.csv");
    Process writer = writer(fifo);
    try {
      assertRefused(
          () -> {
            try {
              records.count(pool);
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          },
          fifo,
          "a pipe (FIFO)");
      assertRefused(() -> records.chunks(2).toList(), fifo, "a pipe (FIFO)");
    } finally {
      writer.destroyForcibly().waitFor();
    }
  }

  @Test
  void aCharacterDeviceASocketAndADirectoryAreRefused() throws Exception {
    Path devNull = Path.of("/dev/null");
    assumeTrue(Files.exists(devNull));
    assertRefused(() -> Records.csv(devNull), devNull, "a character device");

    Path socket = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      assertRefused(() -> Records.csv(socket), socket, "a socket");
    }

    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertRefused(() -> Records.csv(List.of(sub)), sub, "a directory");
  }

  @Test
  void standardInputThatIsNotAFileIsRefused() {
    Path stdin = Path.of("/dev/stdin");
    assumeTrue(Files.exists(stdin) && !Files.isRegularFile(stdin), "stdin is not a file here");
    assertThatThrownBy(() -> Records.csv(stdin))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("/dev/stdin is ")
        .hasMessageContaining("not a regular file");
  }

  @Test
  void regularFilesAndMissingFilesAreNotAffected() throws Exception {
    Path file = Files.write(dir.resolve("ok.csv"), List.of("a,1", "b,2"));
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), file);
    assertThat(Records.csv(link).count(pool).value()).isEqualTo(2);
    Records missing = Records.csv(dir.resolve("missing.csv"));
    assertThatThrownBy(() -> missing.count(pool))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasCauseInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
