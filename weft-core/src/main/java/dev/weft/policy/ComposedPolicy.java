package dev.weft.policy;

import dev.weft.TaskCallable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Policies nested outermost first; see {@link Policy#compose}. Never holds a nested composition.
 */
final class ComposedPolicy extends Policy {
  private static final long serialVersionUID = 1L;

  private final List<Policy> policies;

  ComposedPolicy(List<Policy> policies) {
    this.policies = List.copyOf(policies);
  }

  List<Policy> policies() {
    return policies;
  }

  @Override
  <R> R execute(Subject subject, TaskCallable<? extends R> task) throws Exception {
    return executeFrom(0, subject, task);
  }

  private <R> R executeFrom(int i, Subject subject, TaskCallable<? extends R> task)
      throws Exception {
    if (i == policies.size()) {
      return task.call();
    }
    return policies.get(i).execute(subject, () -> executeFrom(i + 1, subject, task));
  }

  @Override
  public String toString() {
    return policies.stream()
        .map(Policy::toString)
        .collect(Collectors.joining(" > ", "Policy.compose(", ")"));
  }
}
