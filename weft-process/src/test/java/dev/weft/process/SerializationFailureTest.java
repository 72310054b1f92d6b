package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Outcome;
import dev.weft.Pool;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What cannot cross the process boundary fails its own input, clearly, and nothing hangs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SerializationFailureTest {
  private static Pool pool;

  @BeforeAll
  static void open() {
    pool = Pool.on(ProcessEngine.create(1));
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  @TempDir Path dir;

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Holds a thread: neither Fory nor Java serialization will take it. */
  static final class Unsendable implements Serializable {
    final transient Object ignored = null;
    final Thread thread = Thread.currentThread();
  }

  @Test
  void aResultThatCannotBeSerializedFailsItsInputOnly() throws Exception {
    List<Outcome<Integer, Object>> out =
        pool.mapOutcomes(i -> i == 2 ? new Unsendable() : (Object) i, range(5));
    Throwable e = ((Outcome.Failure<Integer, Object>) out.get(2)).error();
    assertThat(e).isInstanceOf(WorkerFailureException.class);
    assertThat(e.getMessage()).contains("could not be serialized").contains("Unsendable");
    for (int i : List.of(0, 1, 3, 4)) {
      assertThat(out.get(i)).isEqualTo(new Outcome.Success<>(i, i, i));
    }
  }

  @Test
  void anExceptionThatCannotBeSerializedArrivesAsItsDescription() throws Exception {
    List<Outcome<Integer, Integer>> out =
        pool.mapOutcomes(
            i -> {
              if (i == 1) {
                throw new UnsendableException();
              }
              return i;
            },
            range(3));
    Throwable e = ((Outcome.Failure<Integer, Integer>) out.get(1)).error();
    assertThat(e).isInstanceOf(WorkerFailureException.class);
    assertThat(((WorkerFailureException) e).remoteClassName()).endsWith("UnsendableException");
    assertThat(e.getMessage()).contains("boom");
  }

  static final class UnsendableException extends RuntimeException {
    final Thread thread = Thread.currentThread();

    UnsendableException() {
      super("boom");
    }
  }

  @Test
  void anInputWhoseClassTheWorkerLacksFailsClearly() throws Exception {
    Path src = dir.resolve("Extra.java");
    Files.writeString(
        src,
        "public class Extra implements java.io.Serializable { public int v = 42;"
            + " public String toString() { return \"extra\"; } }");
    Process javac =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "javac").toString(), src.toString())
            .inheritIO()
            .start();
    assertThat(javac.waitFor()).isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()})) {
      Object extra = loader.loadClass("Extra").getConstructor().newInstance();
      List<Object> inputs = List.of(1, extra, 3);
      List<Outcome<Object, String>> out =
          pool.with(o -> o.withChunkSize(1)).mapOutcomes(x -> "ok " + x, inputs);
      Throwable e = ((Outcome.Failure<Object, String>) out.get(1)).error();
      assertThat(e).isInstanceOf(WorkerFailureException.class);
      assertThat(e.getMessage()).contains("could not be deserialized in worker").contains("Extra");
      assertThat(out.get(0)).isEqualTo(new Outcome.Success<>(0, 1, "ok 1"));
      assertThat(out.get(2)).isEqualTo(new Outcome.Success<>(2, 3, "ok 3"));
    }
  }

  @Test
  void aWorkerInitializerGivesEachWorkerItsState() throws Exception {
    try (Pool p =
        Pool.on(
            ProcessEngine.create(
                ProcessOptions.workers(2)
                    .withInitializer(() -> "state of " + ProcessHandle.current().pid())))) {
      List<String> out =
          p.map(
              i -> ProcessWorker.state(String.class) + " seen by " + ProcessHandle.current().pid(),
              range(100));
      for (String s : out) {
        String[] parts = s.split(" ");
        assertThat(parts[2]).isEqualTo(parts[5]); // made in the same process that reads it
      }
    }
  }
}
