package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parent whose weft and Fory are on the module path starts workers the same way: the launcher
 * passes the module path on and runs the worker as a module.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModulePathTest {
  private static final java.util.Set<String> WEFT_AND_FORY =
      java.util.Set.of("dev.weft.core", "dev.weft.process", "org.apache.fory.core");

  @TempDir Path dir;

  @Test
  void workersOfAModularParentRunAsModules() throws Exception {
    List<String> modules = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      boolean module =
          java.lang.module.ModuleFinder.of(Path.of(e)).findAll().stream()
              .anyMatch(m -> WEFT_AND_FORY.contains(m.descriptor().name()));
      (module ? modules : classes).add(e);
    }
    assertThat(modules).hasSize(3); // weft-core, weft-process, fory-core
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-p");
    command.add(String.join(File.pathSeparator, modules));
    command.add("--add-modules");
    command.add("dev.weft.process");
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classes));
    command.add(dev.weft.process.apptest.ModularMain.class.getName());
    Path log = dir.resolve("out.log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("RESULT [Point[x=2, y=1]] [dev.weft.process]");
  }
}
