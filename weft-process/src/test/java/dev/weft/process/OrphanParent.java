package dev.weft.process;

import dev.weft.Pool;
import java.util.List;

/**
 * A parent JVM for {@link OrphanTest}: starts two workers, prints their pids, then keeps them busy
 * until it is killed.
 */
public final class OrphanParent {
  private OrphanParent() {}

  /**
   * Runs.
   *
   * @param args unused
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    ProcessEngine engine = ProcessEngine.create(ProcessOptions.workers(2).withEagerStart(true));
    try (Pool pool = Pool.on(engine)) {
      while (engine.workerPids().size() < 2) {
        Thread.sleep(10);
      }
      List<Long> pids = engine.workerPids();
      System.out.println("PIDS " + pids.get(0) + " " + pids.get(1));
      System.out.flush();
      pool.map(
          i -> {
            Thread.sleep(600_000);
            return i;
          },
          List.of(1, 2, 3, 4));
    }
  }
}
