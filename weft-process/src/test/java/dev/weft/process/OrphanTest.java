package dev.weft.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Workers never outlive their parent, however it dies. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrphanTest {
  @Test
  void workersExitWhenTheirParentIsKilledWithSigkill() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OrphanParent.class.getName());
    Process parent = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<Long> workers = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("PIDS ")) {
          for (String pid : line.substring(5).split(" ")) {
            workers.add(Long.parseLong(pid));
          }
          break;
        }
      }
      assertThat(workers).hasSize(2);
      for (long pid : workers) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
      }
      Signals.kill9(parent.pid());
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (long pid : workers) {
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("worker %d still alive 10 s after its parent was killed", pid)
            .isFalse();
      }
    } finally {
      parent.destroyForcibly();
      for (long pid : workers) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
