package dev.weft.process.apptest;

import dev.weft.Pool;
import dev.weft.process.ProcessWorker;
import java.util.List;

/**
 * A main for {@code ModulePathTest}: weft on the module path, this class (in a package of its own,
 * since a named module owns dev.weft.process) on the class path.
 */
public final class ModularMain {
  private ModularMain() {}

  record Point(int x, int y) implements java.io.Serializable {}

  /**
   * Runs a map through worker processes and prints what came back.
   *
   * @param args unused
   * @throws Exception if the map fails
   */
  public static void main(String[] args) throws Exception {
    try (Pool pool = Pool.processes(1)) {
      System.out.println(
          "RESULT "
              + pool.map(p -> new Point(p.y(), p.x()), List.of(new Point(1, 2)))
              + " "
              + pool.map(x -> ProcessWorker.class.getModule().getName(), List.of(1)));
    }
  }
}
