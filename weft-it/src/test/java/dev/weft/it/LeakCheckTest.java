package dev.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.shm.SharedMemory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The build's last check, run by {@code ./mvnw verify} after every module's tests (its own surefire
 * execution in the verify phase of the last module): no test left a shared-memory segment that no
 * live process holds, and no worker process outlived the JVM that started it. Crash tests included:
 * a killed holder's segment must have been reclaimed, a killed parent's workers must have exited.
 *
 * <p>Things held by processes that are still alive (another build on the same machine) are not
 * leaks and are left alone. What it finds it also removes (segments) or kills (orphans), so one
 * failed build does not fail the next one.
 */
class LeakCheckTest {
  private static final String WORKER_MAIN = "dev.weft.process.internal.WorkerMain";

  /** Workers notice a dead parent within seconds (they poll its pid); give them that long. */
  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(15);

  @Test
  void noSharedMemorySegmentIsLeftThatNoLiveProcessHolds() throws Exception {
    List<String> orphans = SharedMemory.reclaimOrphans();
    assertThat(orphans)
        .as(
            "weft segments in "
                + SharedMemory.directory()
                + " that no live process held after the tests (now removed)")
        .isEmpty();
  }

  @Test
  void noWorkerProcessOutlivedItsParent() throws Exception {
    Instant until = Instant.now().plus(ORPHAN_GRACE);
    List<String> orphans = orphanWorkers();
    while (!orphans.isEmpty() && Instant.now().isBefore(until)) {
      Thread.sleep(200);
      orphans = orphanWorkers();
    }
    if (!orphans.isEmpty()) {
      ProcessHandle.allProcesses()
          .filter(p -> isOrphanWorker(p).isPresent())
          .forEach(ProcessHandle::destroyForcibly);
    }
    assertThat(orphans)
        .as("weft worker processes whose parent had died " + ORPHAN_GRACE + " ago (now killed)")
        .isEmpty();
  }

  private static List<String> orphanWorkers() {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> isOrphanWorker(p).ifPresent(found::add));
    return found;
  }

  /**
   * A worker's arguments after its main class are: socket, token, name, parent pid, parent start
   * time (epoch ms). It is an orphan if that parent is gone (or the pid now belongs to another
   * process).
   */
  private static Optional<String> isOrphanWorker(ProcessHandle p) {
    String[] args = p.info().arguments().orElse(null);
    if (args == null || !p.isAlive()) {
      return Optional.empty();
    }
    for (int i = 0; i + 5 < args.length; i++) {
      if (args[i].equals(WORKER_MAIN) || args[i].endsWith("/" + WORKER_MAIN)) {
        String name = args[i + 3];
        long parentPid = Long.parseLong(args[i + 4]);
        long parentStart = Long.parseLong(args[i + 5]);
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        boolean parentAlive =
            parent.isPresent()
                && parent.get().isAlive()
                && parent
                    .get()
                    .info()
                    .startInstant()
                    .map(s -> parentStart == 0 || s.toEpochMilli() == parentStart)
                    .orElse(true);
        return parentAlive
            ? Optional.empty()
            : Optional.of(name + " (pid " + p.pid() + ", parent " + parentPid + " gone)");
      }
    }
    return Optional.empty();
  }
}
