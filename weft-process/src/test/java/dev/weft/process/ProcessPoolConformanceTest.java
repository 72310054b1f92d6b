package dev.weft.process;

import dev.weft.Pool;
import dev.weft.testkit.RemotePoolConformance;

/**
 * The results-only conformance profile on worker processes. A test's parallelism is capped at two
 * workers: the CI machines have two cores, and every pool starts its own JVMs.
 */
class ProcessPoolConformanceTest extends RemotePoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    return Pool.on(ProcessEngine.create(Math.min(parallelism, 2)));
  }

  @Override
  protected String platformThreadPrefix() {
    return "weft-proc-";
  }
}
