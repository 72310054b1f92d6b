package dev.weft.spi;

/**
 * Makes engines of one kind for the pool factories that name a kind rather than a class, such as
 * {@link dev.weft.Pool#processes(int)}: found with {@link java.util.ServiceLoader}, so that
 * weft-core need not depend on the module that implements the engine. A module that provides one
 * declares it ({@code provides dev.weft.spi.EngineProvider with ...} in its module-info, and {@code
 * META-INF/services/dev.weft.spi.EngineProvider} for the class path).
 */
public interface EngineProvider {
  /**
   * The kind of engine, such as {@code "processes"}.
   *
   * @return the kind
   */
  String kind();

  /**
   * A new, not yet started engine with default options.
   *
   * @param parallelism how many batches it should run at once (its number of workers)
   * @return the engine
   */
  Engine create(int parallelism);
}
