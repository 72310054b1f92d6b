package dev.weft.testkit;

import dev.weft.Pool;

/** The conformance suite on virtual threads. */
class IoPoolConformanceTest extends PoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    return Pool.io(parallelism);
  }

  @Override
  protected String platformThreadPrefix() {
    return "weft-io-";
  }
}
