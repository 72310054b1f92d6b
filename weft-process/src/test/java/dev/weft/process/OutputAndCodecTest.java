package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Task output reaches the parent line by line with the worker's name; the codec can be swapped. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutputAndCodecTest {
  @Test
  void taskOutputAppearsInTheParentPrefixedWithTheWorkersName() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    String name;
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      try (Pool pool = Pool.on(ProcessEngine.create(1))) {
        name =
            pool.map(
                    i -> {
                      System.out.println("hello " + i);
                      System.out.print("no newline yet ");
                      System.out.println("then one");
                      System.err.println("trouble " + i);
                      return ProcessWorker.name();
                    },
                    List.of(7))
                .getFirst();
      } // close waits for the worker to exit, and for its output to be copied
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String prefix = "[" + name + "] ";
    assertThat(outBytes.toString(StandardCharsets.UTF_8).lines())
        .contains(prefix + "hello 7", prefix + "no newline yet then one");
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines()).contains(prefix + "trouble 7");
  }

  @Test
  void javaSerializationWorksAsTheFallbackCodec() throws Exception {
    System.setProperty("weft.process.codec", "java");
    ProcessEngine engine;
    try {
      engine = ProcessEngine.create(2);
    } finally {
      System.clearProperty("weft.process.codec");
    }
    try (Pool pool = Pool.on(engine)) {
      List<Integer> in = IntStream.range(0, 1_000).boxed().toList();
      assertThat(pool.map(i -> i * i, in)).isEqualTo(in.stream().map(i -> i * i).toList());
    }
  }
}
