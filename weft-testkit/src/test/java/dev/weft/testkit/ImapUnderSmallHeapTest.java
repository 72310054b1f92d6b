package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import dev.weft.Results;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Memory is bounded by design: a streaming map over ten million lazily generated items finishes in
 * a JVM with a 64 MiB heap, because neither the inputs nor the results accumulate.
 */
@Timeout(value = 660, unit = TimeUnit.SECONDS) // the child's own limit is 600 s
class ImapUnderSmallHeapTest {
  static final long ITEMS = 10_000_000L;

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "io"})
  void tenMillionItemsStreamThroughA64MiBHeap(String engine) throws Exception {
    ForkedJvm.Result result =
        ForkedJvm.run(
            List.of("-Xmx64m", "-XX:+UseSerialGC"),
            TenMillion.class,
            600,
            engine,
            Long.toString(ITEMS));
    assertThat(result.exitCode()).as(result.output()).isZero();
    // sum of (x mod 1000) for x in 0 .. 10^7-1 is 10^4 * (0 + ... + 999)
    assertThat(result.output()).contains("count=" + ITEMS + " sum=" + (ITEMS / 1000) * 499_500L);
  }

  @Test
  void theSameRunInProcessGivesTheSameAnswer() throws Exception {
    assertThat(TenMillion.run("cpu", 100_000)).isEqualTo(new long[] {100_000, 100 * 499_500L});
  }

  /** The forked program: one imap over a generated stream, consumed and summed as it goes. */
  public static final class TenMillion {
    private TenMillion() {}

    static long[] run(String engine, long items) {
      try (Pool pool = engine.equals("io") ? Pool.io(64) : Pool.cpu();
          Results<Integer> results =
              pool.imap(x -> (int) (x % 1000), Stream.iterate(0L, x -> x + 1).limit(items))) {
        long count = 0;
        long sum = 0;
        for (int r : results) {
          count++;
          sum += r;
        }
        return new long[] {count, sum};
      }
    }

    /**
     * Runs one engine and prints {@code count=N sum=S}.
     *
     * @param args the engine ({@code cpu} or {@code io}) and the item count
     */
    public static void main(String[] args) {
      long[] r = run(args[0], Long.parseLong(args[1]));
      System.out.println("count=" + r[0] + " sum=" + r[1]);
    }
  }
}
