package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** Escaping file content for a terminal, sizes, and the reasons given for I/O failures. */
class TextTest {
  @Test
  void escapesControlCharactersAndKeepsPrintableText() {
    assertThat(Text.escape("Zürich;12.3")).isEqualTo("Zürich;12.3");
    assertThat(Text.escape("a\tb\r\n\u0000\u001b[2J\u007f\\"))
        .isEqualTo("a\\tb\\r\\n\\x00\\x1b[2J\\x7f\\\\");
    assertThat(Text.escape("\u0085\u200b\u2028")).isEqualTo("\\u0085\\u200b\\u2028");
  }

  @Test
  void anExcerptIsShortAndNeverCutsAnEscape() {
    assertThat(Text.excerpt("abc", 3)).isEqualTo("abc");
    assertThat(Text.excerpt("abcd", 3)).isEqualTo("abc...");
    assertThat(Text.excerpt("ab\u0000", 4)).isEqualTo("ab...");
    assertThat(Text.excerpt("x".repeat(500), Text.EXCERPT)).hasSize(Text.EXCERPT + 3);
  }

  @Test
  void sizesAreDecimal() {
    assertThat(Text.size(999)).isEqualTo("999 bytes");
    assertThat(Text.size(1_000_000)).isEqualTo("1.0 MB");
    assertThat(Text.size(12_345_678_901.0)).isEqualTo("12,345.7 MB");
  }

  @Test
  void aFullDiskIsCalledThat() {
    assertThat(Failures.reason(new FileSystemException("/x", null, "No space left on device")))
        .isEqualTo("disk full (no space left on device)");
    assertThat(Failures.reason(new IOException("No space left on device")))
        .isEqualTo("disk full (no space left on device)");
    assertThat(Failures.reason(new java.nio.file.AccessDeniedException("/x")))
        .isEqualTo("permission denied");
  }
}
