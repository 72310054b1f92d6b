package dev.weft.testkit;

import dev.weft.Pool;

/** The conformance suite on platform threads. */
class CpuPoolConformanceTest extends PoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    return Pool.cpu(parallelism);
  }

  @Override
  protected String platformThreadPrefix() {
    return "weft-cpu-";
  }
}
