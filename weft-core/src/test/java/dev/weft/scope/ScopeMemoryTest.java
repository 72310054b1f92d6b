package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A long-lived scope must not keep the subtasks it has finished with (the server-loop pattern). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScopeMemoryTest {

  private record Joined(WeakReference<Subtask<byte[]>> subtask, WeakReference<Thread> thread) {}

  /** Forks one subtask, joins it, and lets go of everything but weak references. */
  private static Joined forkAndJoinOne(Scope scope) throws InterruptedException {
    AtomicReference<Thread> ran = new AtomicReference<>();
    Subtask<byte[]> s =
        scope.fork(() -> {
          ran.set(Thread.currentThread());
          return new byte[1024];
        });
    scope.join();
    assertThat(s.get()).hasSize(1024);
    return new Joined(new WeakReference<>(s), new WeakReference<>(ran.get()));
  }

  private static boolean collected(WeakReference<?> ref) throws InterruptedException {
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10); // lets the reference handler run; the bound is the number of tries
    }
    return ref.get() == null;
  }

  @Test
  void aJoinedSubtaskTheOwnerDropsIsCollectable() throws Exception {
    try (Scope scope = Scope.supervised()) {
      Joined joined = forkAndJoinOne(scope);
      assertThat(collected(joined.subtask())).as("the subtask was collected").isTrue();
      assertThat(collected(joined.thread())).as("its thread was collected").isTrue();
      // The scope is still usable after its old subtasks are gone.
      assertThat(scope.fork(() -> 7)).isNotNull();
      scope.join();
    }
  }

  /** The server loop under a heap that cannot hold every subtask it ever forked. */
  @Test
  void forkingWavesWithJoinsBetweenRunsInASmallHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        String.join(File.pathSeparator, location(Scope.class), location(ScopeServerLoop.class));
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx64m",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-cp",
                    classPath,
                    ScopeServerLoop.class.getName(),
                    "124",
                    "1000"))
            .redirectErrorStream(true)
            .start();
    String output;
    try {
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
    } finally {
      p.destroyForcibly();
    }
    assertThat(output).contains("124000 subtasks joined");
    assertThat(p.exitValue()).as(output).isZero();
  }

  private static String location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
