package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Pool;
import dev.weft.Results;
import dev.weft.testkit.Modes;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random {@code kill -9}s of workers during a run: every input's result arrives exactly once, with
 * the right value. 10 kills over 10,000 tasks; 100 over 100,000 with {@code -Dweft.stress=long}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ChaosTest {
  @Test
  void randomSigkillsLoseNoResultAndDuplicateNone() throws Exception {
    int kills = Modes.longMode() ? 100 : 10;
    int tasks = kills * 1_000;
    long seed = System.nanoTime();
    Random random = new Random(seed);
    ProcessEngine engine = ProcessEngine.create(ProcessOptions.workers(2).withMaxAttempts(50));
    int[] seen = new int[tasks];
    int done = 0;
    int killed = 0;
    try (Pool pool = Pool.on(engine);
        Results<long[]> results =
            pool.imapUnordered(
                i -> {
                  LockSupport.parkNanos(200_000);
                  return new long[] {i, 3L * i + 1};
                },
                IntStream.range(0, tasks).boxed().toList())) {
      for (long[] r : results) {
        int i = (int) r[0];
        assertThat(r[1]).as("value of input %d (seed %d)", i, seed).isEqualTo(3L * i + 1);
        seen[i]++;
        done++;
        if (killed < kills && done >= (long) (killed + 1) * tasks / (kills + 1)) {
          List<Long> pids = engine.workerPids();
          if (!pids.isEmpty()) {
            Signals.kill9(pids.get(random.nextInt(pids.size())));
            killed++;
          }
        }
      }
    }
    assertThat(killed).as("kills that landed during the run").isEqualTo(kills);
    for (int i = 0; i < tasks; i++) {
      assertThat(seen[i]).as("results for input %d (seed %d)", i, seed).isEqualTo(1);
    }
    assertThat(Signals.workerDescendants()).isEmpty();
  }
}
