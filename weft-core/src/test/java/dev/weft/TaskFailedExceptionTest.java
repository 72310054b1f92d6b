package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskFailedExceptionTest {
  @Test
  void theMessageNamesTheIndexTheInputAndTheCause() {
    var e = new TaskFailedException(17, "line 17", new NumberFormatException("For input: x"));
    assertThat(e.getMessage())
        .isEqualTo(
            "task #17 failed on input \"line 17\": java.lang.NumberFormatException: For input: x");
    assertThat(e.index()).isEqualTo(17);
    assertThat(e.input()).isEqualTo("line 17");
  }

  @Test
  void longInputsAreCutAndBrokenToStringsDoNotHideTheFailure() {
    String huge = "x".repeat(10_000);
    assertThat(new TaskFailedException(0, huge, new RuntimeException()).getMessage())
        .hasSizeLessThan(300)
        .contains("...");
    Object broken =
        new Object() {
          @Override
          public String toString() {
            throw new IllegalStateException("nope");
          }
        };
    assertThat(new TaskFailedException(3, broken, new RuntimeException("real")).getMessage())
        .contains("toString failed")
        .contains("real");
  }
}
