package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Owner-only methods called from inside the scope's own subtasks would wait for themselves; they
 * must fail at once instead. A separate-thread timeout keeps a regression from hanging the build.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class ScopeOwnershipTest {

  @Test
  void joinFromASubtaskOfTheSameScopeFailsAtOnce() throws Exception {
    try (Scope scope = Scope.open(c -> c.withName("self"))) {
      Subtask<Object> inner =
          scope.fork(() -> {
            scope.join();
            return "joined itself";
          });
      assertThatThrownBy(scope::join)
          .isInstanceOf(ScopeFailedException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("join()")
          .hasMessageContaining("subtask of scope 'self'");
      assertThat(inner.state()).isEqualTo(Subtask.State.FAILED);
    }
  }

  @Test
  void closeFromASubtaskOfTheSameScopeFailsAtOnce() throws Exception {
    try (Scope scope = Scope.supervised()) {
      Subtask<Object> inner =
          scope.fork(() -> {
            scope.close();
            return "closed its own scope";
          });
      scope.join();
      assertThat(inner.exception())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("close()");
    }
  }

  @Test
  void iteratingCompletionsFromASubtaskOfTheSameScopeFailsAtOnce() throws Exception {
    try (Scope scope = Scope.supervised()) {
      Subtask<Object> inner =
          scope.fork(() -> {
            for (Subtask<?> s : scope.completions()) {
              s.state();
            }
            return "iterated";
          });
      scope.join();
      assertThat(inner.exception())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("completions()");
    }
  }

  @Test
  void aSubtaskOfANestedScopeCannotJoinTheOuterScopeEither() throws Exception {
    try (Scope outer = Scope.open(c -> c.withName("outer"))) {
      outer.fork(() -> {
        try (Scope nested = Scope.open()) {
          nested.fork(() -> {
            outer.join();
            return null;
          });
          nested.join();
        }
        return null;
      });
      assertThatThrownBy(outer::join)
          .isInstanceOf(ScopeFailedException.class)
          .rootCause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("subtask of scope 'outer'");
    }
  }

  @Test
  void aScopeOpenedInsideASubtaskWorksAsUsual() throws Exception {
    try (Scope outer = Scope.open()) {
      Subtask<Integer> sum =
          outer.fork(() -> {
            try (Scope nested = Scope.open(c -> c.withDeadline(Duration.ofMinutes(5)))) {
              Subtask<Integer> a = nested.fork(() -> 20);
              Subtask<Integer> b = nested.fork(() -> 22);
              nested.join();
              return a.get() + b.get();
            }
          });
      outer.join();
      assertThat(sum.get()).isEqualTo(42);
    }
  }

  @Test
  void anotherThreadMayStillJoinAndForkFromSubtasksStillWorks() throws Exception {
    CountDownLatch forked = new CountDownLatch(1);
    try (Scope scope = Scope.supervised()) {
      Subtask<Subtask<String>> parent =
          scope.fork(() -> {
            Subtask<String> child = scope.fork(() -> "child");
            forked.countDown();
            return child;
          });
      forked.await();
      Thread other =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  scope.join();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      other.join();
      assertThat(parent.get().get()).isEqualTo("child");
    }
  }
}
