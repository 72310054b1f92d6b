package dev.weft.process.internal;

import dev.weft.process.ProcessEngine;
import dev.weft.spi.Engine;
import dev.weft.spi.EngineProvider;

/** What {@code Pool.processes(n)} finds through the {@link java.util.ServiceLoader}. */
public final class ProcessEngineProvider implements EngineProvider {
  /** For the service loader. */
  public ProcessEngineProvider() {}

  @Override
  public String kind() {
    return "processes";
  }

  @Override
  public Engine create(int parallelism) {
    return ProcessEngine.create(parallelism);
  }
}
