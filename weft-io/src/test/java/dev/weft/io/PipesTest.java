package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Pool;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipe (a real FIFO fed by a child process) or a character device is read as a stream and gives
 * the same answer as the same bytes in a regular file, whatever the chunk size; it is never read as
 * an empty file (the old {@code rows 0}). What cannot be read at all (a socket, a directory given
 * as a file) is refused with an {@link IllegalArgumentException} naming it. Reading a pipe that
 * blocks can be interrupted. {@code @Timeout} in its own thread: a test that hung on a FIFO's open
 * would fail, not hang the build.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipesTest {
  static Pool pool;

  @TempDir Path dir;

  final List<Process> writers = new ArrayList<>();

  @BeforeAll
  static void start() {
    pool = Pool.cpu(2);
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  @AfterEach
  void killWriters() throws InterruptedException {
    for (Process p : writers) {
      p.destroyForcibly().waitFor();
    }
  }

  Path fifo(String name) throws Exception {
    Path fifo = dir.resolve(name);
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo works here");
    return fifo;
  }

  /** A FIFO that a child process fills with these bytes once, when a reader opens it. */
  Path fed(Path fifo, byte[] content) throws Exception {
    Path data = Files.write(dir.resolve("data-" + fifo.getFileName()), content);
    writers.add(
        new ProcessBuilder("sh", "-c", "exec cat \"$0\" > \"$1\"", data.toString(), fifo.toString())
            .start());
    return fifo;
  }

  static byte[] sample(long seed, int rows) {
    Random rnd = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    out.writeBytes("station,value\n".getBytes(StandardCharsets.UTF_8));
    String[] keys = {"Abha", "Zürich", "\"São, Paulo\"", "a", ""};
    for (int i = 0; i < rows; i++) {
      String key = keys[rnd.nextInt(keys.length)];
      String value = rnd.nextInt(40) == 0 ? "bad" : String.format("%.1f", rnd.nextGaussian() * 20);
      out.writeBytes((key + "," + value.replace(',', '.')).getBytes(StandardCharsets.UTF_8));
      out.writeBytes(rnd.nextInt(10) == 0 ? "\r\n".getBytes() : "\n".getBytes());
    }
    out.writeBytes("a,1".getBytes()); // no line end at the end
    return out.toByteArray();
  }

  @Test
  void aFifoGivesTheSameAnswerAsAFileAtEveryChunkSize() throws Exception {
    byte[] content = sample(1, 5000);
    Path file = Files.write(dir.resolve("same.csv"), content);
    Records fromFile = Records.csv(file).header(true).skipBad(1000);
    FoldResult<SortedMap<String, Stats>> expected = fromFile.statsBy(pool, 0, 1);
    assertThat(expected.records()).isGreaterThan(4000);
    assertThat(expected.badRecords()).isNotEmpty();
    int round = 0;
    for (long chunk : new long[] {1, 7, 1000, 0}) {
      Path fifo = fed(fifo("rows" + round++ + ".csv"), content);
      FoldResult<SortedMap<String, Stats>> got =
          Records.csv(fifo).header(true).skipBad(1000).chunkSize(chunk).statsBy(pool, 0, 1);
      assertThat(got.value()).as("chunk %d", chunk).isEqualTo(expected.value());
      assertThat(got.records()).isEqualTo(expected.records());
      assertThat(got.bytes()).isEqualTo(content.length);
      // Line numbers and offsets counted as the stream was read: it cannot be read again.
      assertThat(got.badRecords())
          .extracting(BadRecord::line, BadRecord::offset, BadRecord::text)
          .isEqualTo(
              expected.badRecords().stream()
                  .map(b -> org.assertj.core.groups.Tuple.tuple(b.line(), b.offset(), b.text()))
                  .toList());
      assertThat(got.badRecords()).allSatisfy(b -> assertThat(b.file()).isEqualTo(fifo.toString()));
    }
  }

  @Test
  void aMalformedRecordInAFifoIsReportedWithItsLine() throws Exception {
    Path fifo = fed(fifo("bad.csv"), "a,1\nb,2\nc,x\nd,4\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Records.csv(fifo).chunkSize(3).stats(pool, 1))
        .isInstanceOf(MalformedRecordException.class)
        .extracting(e -> ((MalformedRecordException) e).badRecord())
        .satisfies(b -> {
          assertThat(b.line()).isEqualTo(3);
          assertThat(b.offset()).isEqualTo(8);
          assertThat(b.text()).isEqualTo("c,x");
        });
  }

  @Test
  void theFieldCountOfAFifoIsTakenFromItsFirstRecord() throws Exception {
    Path fifo = fed(fifo("count.csv"), "\n\na,1,x\nb,2\nc,3,y\n".getBytes(StandardCharsets.UTF_8));
    FoldResult<Long> got = Records.csv(fifo).chunkSize(1).skipBad().count(pool);
    assertThat(got.value()).isEqualTo(2);
    assertThat(got.badRecords()).extracting(BadRecord::line).containsExactly(4L);
  }

  @Test
  void aFifoMixedWithFilesIsReadInOrder() throws Exception {
    Path a = Files.writeString(dir.resolve("a.csv"), "k,1\nk,2\n");
    Path fifo = fed(fifo("b.csv"), "k,3\nk,4\n".getBytes(StandardCharsets.UTF_8));
    Path c = Files.writeString(dir.resolve("c.csv"), "k,5\n");
    Fold<List<String>> values =
        Fold.of(
            ArrayList::new,
            (acc, r) -> {
              acc.add(r.string(1));
              return acc;
            },
            (l, r) -> {
              l.addAll(r);
              return l;
            });
    assertThat(Records.csv(List.of(a, fifo, c)).chunkSize(1).fold(pool, values).value())
        .containsExactly("1", "2", "3", "4", "5");
  }

  @Test
  void aRunWaitingOnAnEmptyPipeCanBeInterrupted() throws Exception {
    Path fifo = fifo("silent.csv");
    // Holds the FIFO open for writing and writes nothing: the run blocks reading it.
    writers.add(
        new ProcessBuilder("sh", "-c", "exec sleep 600 3> \"$0\"", fifo.toString()).start());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        Thread.ofPlatform()
            .start(() -> {
              try {
                Records.csv(fifo).fieldCount(2).count(pool);
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    // The stream is read on the map call's reader thread; the caller waits for the results of
    // chunks that never come. Its interrupt must end the run, and stop the reader.
    while (!inFrame(caller, "takeSlot")) {
      Thread.sleep(10); // polls a condition; nothing here depends on how long it takes
    }
    caller.interrupt();
    caller.join();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aRunWaitingForAFifosWriterCanBeInterruptedAndLeavesNoThread() throws Exception {
    Path fifo = fifo("nobody.csv"); // no writer: opening it for reading waits in the kernel
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        Thread.ofPlatform()
            .start(() -> {
              try {
                Records.csv(fifo).count(pool);
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    while (!inFrame(caller, "openInterruptibly")) {
      Thread.sleep(10); // polls a condition; nothing here depends on how long it takes
    }
    caller.interrupt();
    caller.join();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("weft-io open " + fifo)) {
        t.join(); // the helper that was opening the FIFO returns: nothing is left waiting
      }
    }
  }

  static boolean inFrame(Thread t, String method) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals(method)) {
        return true;
      }
    }
    assertThat(t.isAlive()).as("the run is still waiting").isTrue();
    return false;
  }

  @Test
  void aCharacterDeviceIsReadAsAStream() throws Exception {
    Path devNull = Path.of("/dev/null");
    assumeTrue(Files.exists(devNull));
    FoldResult<Long> got = Records.csv(devNull).count(pool);
    assertThat(got.value()).isZero(); // truly empty, and read, not assumed empty
    assertThat(got.bytes()).isZero();
  }

  static void assertRefused(Runnable call, Path path, String kind) {
    assertThatThrownBy(call::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(path + " is " + kind + ", not a regular file");
  }

  @Test
  void aSocketAndADirectoryGivenAsAFileAreRefused() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      assertRefused(() -> Records.csv(socket), socket, "a socket");
      assertRefused(() -> Records.lines(socket), socket, "a socket");
    }
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertRefused(() -> Records.csv(List.of(sub)), sub, "a directory");
  }

  @Test
  void aFileReplacedByASocketIsRefusedWhenTheRunStarts() throws Exception {
    Path file = Files.write(dir.resolve("later.csv"), List.of("a,1"));
    Records records = Records.csv(file);
    Files.delete(file);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(file));
      assertRefused(
          () -> {
            try {
              records.count(pool);
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          },
          file,
          "a socket");
    }
  }

  @Test
  void theChunksOfAPipeCannotBeListed() throws Exception {
    Path fifo = fifo("chunks.csv");
    assertRefused(() -> Records.csv(fifo).chunks(2).toList(), fifo, "a pipe (FIFO)");
  }

  @Test
  void regularFilesLinksAndMissingFilesAreNotAffected() throws Exception {
    Path file = Files.write(dir.resolve("ok.csv"), List.of("a,1", "b,2"));
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), file);
    assertThat(Records.csv(link).count(pool).value()).isEqualTo(2);
    Records missing = Records.csv(dir.resolve("missing.csv"));
    assertThatThrownBy(() -> missing.count(pool))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasCauseInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
