package dev.weft.testkit;

import dev.weft.Pool;

/** The conformance suite on platform threads. */
class CpuPoolConformanceTest extends PoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    return Pool.cpu(parallelism);
  }

  /**
   * weft-core gap: {@code ThreadEngine} does not enforce a batch's {@code TaskDeadline} yet
   * (MapOptions documents that it interrupts a task at its deadline); remove this once it does.
   */
  @Override
  protected boolean enforcesTaskDeadlines() {
    return false;
  }

  @Override
  protected String platformThreadPrefix() {
    return "weft-cpu-";
  }
}
