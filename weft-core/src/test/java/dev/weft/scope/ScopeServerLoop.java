package dev.weft.scope;

/**
 * The server-loop pattern, run in a forked JVM by {@link ScopeMemoryTest}: one scope lives for the
 * whole loop, forks waves of subtasks that each hold some memory, and joins between waves while
 * keeping none of the subtasks.
 */
final class ScopeServerLoop {
  private ScopeServerLoop() {}

  public static void main(String[] args) throws InterruptedException {
    int waves = Integer.parseInt(args[0]);
    int perWave = Integer.parseInt(args[1]);
    long joined = 0;
    try (Scope scope = Scope.open()) {
      for (int w = 0; w < waves; w++) {
        for (int i = 0; i < perWave; i++) {
          scope.fork(() -> new byte[512]);
        }
        scope.join();
        joined += perWave;
      }
    }
    System.out.println(joined + " subtasks joined");
  }
}
