package dev.weft.testkit;

import dev.weft.Pool;

/**
 * The remote profile on {@link SerializingEngine}: every batch and result crosses a serialization
 * boundary, so a test that secretly relies on memory shared with its tasks fails here.
 */
class SerializingEngineConformanceTest extends RemotePoolConformance {
  @Override
  protected Pool newPool(int parallelism) {
    return Pool.on(new SerializingEngine(parallelism));
  }

  @Override
  protected String platformThreadPrefix() {
    return "weft-ser-";
  }
}
