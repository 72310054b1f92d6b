package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScopeDeadlineTest {

  @Test
  void aForkAfterTheDeadlineIsReportedByJoinNotLeftForGetToDiscover() throws Exception {
    Duration deadline = Duration.ofMillis(1);
    try (Scope scope = Scope.open(c -> c.withDeadline(deadline).withName("late"))) {
      long opened = System.nanoTime();
      // Only makes sure the deadline is behind us; nothing is asserted about time.
      while (System.nanoTime() - opened <= deadline.toNanos() * 2) {
        Thread.sleep(1);
      }
      AtomicBoolean ran = new AtomicBoolean();
      Subtask<String> late =
          scope.fork(() -> {
            ran.set(true);
            return "too late";
          });
      assertThat(late.state()).isEqualTo(Subtask.State.CANCELLED);
      assertThatThrownBy(scope::join)
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessageContaining("'late'")
          .hasMessageContaining("1 subtask");
      assertThat(ran).isFalse();
    }
  }

  @Test
  void aSupervisedScopeAlsoReportsAForkAfterItsDeadline() throws Exception {
    Duration deadline = Duration.ofMillis(1);
    try (Scope scope = Scope.supervised(c -> c.withDeadline(deadline))) {
      long opened = System.nanoTime();
      while (System.nanoTime() - opened <= deadline.toNanos() * 2) {
        Thread.sleep(1);
      }
      scope.fork(() -> "too late");
      assertThatThrownBy(scope::join).isInstanceOf(DeadlineExceededException.class);
    }
  }
}
