package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The forked-JVM helper keeps its own promises: output, exit code, and a timeout that kills. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForkedJvmTest {

  /** Prints, then exits with the code given. */
  public static final class Exits {
    public static void main(String[] args) {
      System.out.println("hello from the child");
      System.exit(Integer.parseInt(args[0]));
    }
  }

  /** Prints, then never ends. */
  public static final class Hangs {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("about to hang");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void returnsTheExitCodeAndTheOutput() throws Exception {
    ForkedJvm.Result r = ForkedJvm.run(List.of("-Xmx32m"), Exits.class, 30, "3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.output()).contains("hello from the child");
  }

  @Test
  void aChildThatNeverEndsIsKilledAtTheTimeoutWithItsOutputInTheError() {
    assertThatThrownBy(() -> ForkedJvm.run(List.of("-Xmx32m"), Hangs.class, 2))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not finish in 2 s")
        .hasMessageContaining("about to hang");
  }
}
