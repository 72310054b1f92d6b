package dev.weft.process;

import dev.weft.Pool;
import dev.weft.testkit.RemotePoolConformance;

/**
 * The results-only conformance profile on worker processes. A test's parallelism is capped at four
 * workers (one test asks for eight): every pool starts its own JVMs on CI machines of two cores,
 * and a test that needs four tasks running at once gets them. The workers are started before the
 * test's call (eagerly, and waited for), because the profile's streaming tests measure how much
 * input is read before the first result, which a worker JVM's start-up (hundreds of milliseconds)
 * would dominate; start-up itself is covered by this module's own tests.
 */
class ProcessPoolConformanceTest extends RemotePoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    int workers = Math.min(parallelism, 4);
    ProcessEngine engine =
        ProcessEngine.create(
            ProcessOptions.workers(workers)
                .withEagerStart(true)
                // Short-lived test workers: C1 only starts faster, and the suite's tasks are tiny.
                .withJvmOptions("-XX:TieredStopAtLevel=1"));
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
