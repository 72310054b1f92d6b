package dev.weft.process;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link ProcessEngine} starts and manages its worker JVMs. Immutable; every {@code with...}
 * method returns a changed copy.
 *
 * {@snippet :
 * ProcessOptions options =
 *     ProcessOptions.workers(4)
 *         .withHeap("256m")
 *         .withSystemProperty("app.mode", "batch")
 *         .withMaxTasksPerWorker(100_000)
 *         .withIdleTimeout(Duration.ofMinutes(1));
 * try (Pool pool = Pool.on(ProcessEngine.create(options))) {
 *   // ...
 * }
 * }
 *
 * @param workers how many worker processes run at once, at least 1
 * @param heap the maximum heap of each worker, as for {@code -Xmx} ({@code "256m"}), or null for
 *     the JVM's default (a quarter of the machine's memory, per worker)
 * @param systemProperties {@code -D} properties for every worker
 * @param environment environment variables added to (or replacing) the parent's, for every worker
 * @param jvmOptions further JVM options, after weft's own, so they win where they conflict
 * @param initializer makes each worker's state when it starts (see {@link ProcessWorker#state}), or
 *     null for none
 * @param maxTasksPerWorker after this many tasks a worker is replaced by a fresh one (a cure for
 *     leaks in task code); 0 for never
 * @param eagerStart true to start every worker when the pool is created rather than with the first
 *     batch, and to replace a lost worker at once
 * @param idleTimeout a worker with nothing to do for this long exits, and is started again when
 *     work comes; null for never
 * @param maxAttempts how many workers a task may be tried on when the ones running it die (killed,
 *     crashed) before it fails with {@link dev.weft.WorkerLostException}; at least 1
 * @param classDataSharing true to start workers with an automatically created class-data-sharing
 *     archive (faster start from the second worker on); false to start them plain
 */
public record ProcessOptions(
    int workers,
    String heap,
    Map<String, String> systemProperties,
    Map<String, String> environment,
    List<String> jvmOptions,
    WorkerInitializer<?> initializer,
    int maxTasksPerWorker,
    boolean eagerStart,
    Duration idleTimeout,
    int maxAttempts,
    boolean classDataSharing) {

  /** The default of {@link #maxAttempts()}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Checks the components and copies the collections. */
  public ProcessOptions {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, was " + workers);
    }
    if (heap != null && !heap.matches("[0-9]+[kKmMgGtT]?")) {
      throw new IllegalArgumentException(
          "heap must look like -Xmx's value (\"256m\", \"2g\"), was \"" + heap + "\"");
    }
    systemProperties = Map.copyOf(systemProperties);
    environment = Map.copyOf(environment);
    jvmOptions = List.copyOf(jvmOptions);
    if (maxTasksPerWorker < 0) {
      throw new IllegalArgumentException("maxTasksPerWorker must not be negative");
    }
    if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
      throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
  }

  /**
   * The defaults for {@code n} workers: the JVM's default heap, no initializer, no recycling, lazy
   * start, no idle timeout, 3 attempts, class-data sharing on.
   *
   * @param n the number of workers, at least 1
   * @return the options
   */
  public static ProcessOptions workers(int n) {
    return new ProcessOptions(
        n, null, Map.of(), Map.of(), List.of(), null, 0, false, null, DEFAULT_MAX_ATTEMPTS, true);
  }

  /**
   * Another number of workers.
   *
   * @param n at least 1
   * @return the changed options
   */
  public ProcessOptions withWorkers(int n) {
    return new ProcessOptions(
        n,
        heap,
        systemProperties,
        environment,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * The maximum heap of each worker.
   *
   * @param size as for {@code -Xmx}: {@code "256m"}, {@code "2g"}
   * @return the changed options
   */
  public ProcessOptions withHeap(String size) {
    return new ProcessOptions(
        workers,
        Objects.requireNonNull(size, "size"),
        systemProperties,
        environment,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * One more system property for the workers.
   *
   * @param key the name
   * @param value the value
   * @return the changed options
   */
  public ProcessOptions withSystemProperty(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(systemProperties);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new ProcessOptions(
        workers,
        heap,
        m,
        environment,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * One more environment variable for the workers.
   *
   * @param name the variable
   * @param value its value
   * @return the changed options
   */
  public ProcessOptions withEnvironment(String name, String value) {
    Map<String, String> m = new LinkedHashMap<>(environment);
    m.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        m,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * Further JVM options for the workers, such as {@code "-Xss4m"} or {@code "-XX:+UseZGC"}.
   *
   * @param options the options, appended to those given before
   * @return the changed options
   */
  public ProcessOptions withJvmOptions(String... options) {
    List<String> l = new java.util.ArrayList<>(jvmOptions);
    l.addAll(List.of(options));
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        environment,
        l,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * A per-worker initializer, run once in each worker before its first task.
   *
   * @param init makes the state that tasks read with {@link ProcessWorker#state(Class)}
   * @return the changed options
   */
  public ProcessOptions withInitializer(WorkerInitializer<?> init) {
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        environment,
        jvmOptions,
        Objects.requireNonNull(init, "init"),
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * Replace each worker by a fresh process after it has run {@code n} tasks.
   *
   * @param n tasks per worker process, or 0 for never
   * @return the changed options
   */
  public ProcessOptions withMaxTasksPerWorker(int n) {
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        environment,
        jvmOptions,
        initializer,
        n,
        eagerStart,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * Start every worker with the pool (true) or with the first work (false, the default).
   *
   * @param eager whether to start eagerly
   * @return the changed options
   */
  public ProcessOptions withEagerStart(boolean eager) {
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        environment,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eager,
        idleTimeout,
        maxAttempts,
        classDataSharing);
  }

  /**
   * Let workers that have been idle this long exit; they start again when work comes.
   *
   * @param timeout positive
   * @return the changed options
   */
  public ProcessOptions withIdleTimeout(Duration timeout) {
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        environment,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        Objects.requireNonNull(timeout, "timeout"),
        maxAttempts,
        classDataSharing);
  }

  /**
   * How many workers a task may be tried on when they die under it.
   *
   * @param attempts at least 1 (1: no retry)
   * @return the changed options
   */
  public ProcessOptions withMaxAttempts(int attempts) {
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        environment,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        attempts,
        classDataSharing);
  }

  /**
   * Start workers with (true, the default) or without an automatic class-data-sharing archive.
   *
   * @param enabled whether to use one
   * @return the changed options
   */
  public ProcessOptions withClassDataSharing(boolean enabled) {
    return new ProcessOptions(
        workers,
        heap,
        systemProperties,
        environment,
        jvmOptions,
        initializer,
        maxTasksPerWorker,
        eagerStart,
        idleTimeout,
        maxAttempts,
        enabled);
  }
}
