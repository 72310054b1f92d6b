package dev.weft.process;

import dev.weft.Pool;
import dev.weft.testkit.RemotePoolConformance;

/**
 * The results-only conformance profile on worker processes. A test's parallelism is capped at two
 * workers: the CI machines have two cores, and every pool starts its own JVMs. The workers are
 * started before the test's call (eagerly, and waited for), because the profile's streaming tests
 * measure how much input is read before the first result, which a worker JVM's start-up (hundreds
 * of milliseconds) would dominate; start-up itself is covered by this module's own tests.
 */
class ProcessPoolConformanceTest extends RemotePoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    int workers = Math.min(parallelism, 2);
    ProcessEngine engine =
        ProcessEngine.create(ProcessOptions.workers(workers).withEagerStart(true));
    Pool pool = Pool.on(engine);
    try {
      while (engine.workerPids().size() < workers) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return pool;
  }

  @Override
  protected String platformThreadPrefix() {
    return "weft-proc-";
  }
}
