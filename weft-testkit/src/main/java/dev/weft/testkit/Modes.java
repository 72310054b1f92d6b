package dev.weft.testkit;

/**
 * Test sizing: short in CI ({@code CI=true}), longer locally, longest with {@code
 * -Dweft.stress=long}. Stress tests scale their iteration counts with {@link #scale(int)} and never
 * assert elapsed time.
 */
public final class Modes {
  private Modes() {}

  /**
   * Whether this run is CI's.
   *
   * @return true when the environment variable CI is {@code true}
   */
  public static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Whether the long local mode was asked for.
   *
   * @return true with {@code -Dweft.stress=long}
   */
  public static boolean longMode() {
    return "long".equalsIgnoreCase(System.getProperty("weft.stress"));
  }

  /**
   * Scales a local iteration count: a quarter in CI, ten times in long mode.
   *
   * @param local the count for an ordinary local run
   * @return the count for this run, at least 1
   */
  public static int scale(int local) {
    if (longMode()) {
      return local * 10;
    }
    return ci() ? Math.max(1, local / 4) : local;
  }
}
