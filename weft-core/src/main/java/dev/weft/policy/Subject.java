package dev.weft.policy;

import dev.weft.TaskFailedException;
import java.util.Objects;

/**
 * What a policy is applied to, for messages: a description given by the caller, or the input
 * element of a {@linkplain Policy#wrap wrapped} function. The input is rendered only when a message
 * needs it, so wrapping a function costs no {@code toString()} per element.
 */
final class Subject {
  static final Subject DEFAULT = new Subject("task", false);

  private final Object value;
  private final boolean isInput;

  private Subject(Object value, boolean isInput) {
    this.value = value;
    this.isInput = isInput;
  }

  static Subject described(String description) {
    return new Subject(Objects.requireNonNull(description, "description"), false);
  }

  static Subject input(Object input) {
    return new Subject(input, true);
  }

  /** The subject as a message names it: {@code fetch user 42} or {@code task on input "three"}. */
  @Override
  public String toString() {
    return isInput ? "task on input " + TaskFailedException.describeInput(value) : (String) value;
  }
}
