package dev.weft.io.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.io.MalformedRecordException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream is cut as a file is: each piece is the shortest run of whole lines of at least the chunk
 * size (the last may be shorter), the pieces are the stream's bytes in order, and their first line
 * numbers are right, whether or not the field count probe looked ahead first. So a stream's memory
 * is a chunk and a line per piece; the run's window bounds how many pieces are out.
 */
class StreamChunkerTest {
  @TempDir Path dir;

  @Test
  void aLineLongerThanTheLimitFailsWithItsPosition() throws Exception {
    byte[] content = new byte[3 + ChunkScanner.MAX_LINE + 20];
    java.util.Arrays.fill(content, (byte) 'a');
    content[2] = '\n';
    Path f = Files.write(dir.resolve("long"), content);
    try (StreamChunker s = new StreamChunker(f.toString(), 10)) {
      assertThatThrownBy(s::next)
          .isInstanceOf(MalformedRecordException.class)
          .extracting(e -> ((MalformedRecordException) e).badRecord())
          .satisfies(b -> {
            assertThat(b.line()).isEqualTo(2);
            assertThat(b.offset()).isEqualTo(3);
            assertThat(b.reason()).startsWith("line longer than");
          });
    }
  }

  @Test
  void piecesAreTheShortestRunsOfWholeLinesOfAtLeastTheChunkSize() throws Exception {
    Random rnd = new Random(8);
    for (int round = 0; round < 60; round++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = rnd.nextInt(200); i > 0; i--) {
        byte[] text = new byte[rnd.nextInt(10) == 0 ? rnd.nextInt(300_000) : rnd.nextInt(30)];
        java.util.Arrays.fill(text, (byte) ('a' + rnd.nextInt(3)));
        out.writeBytes(text);
        if (i > 1 || rnd.nextBoolean()) {
          out.write('\n');
        }
      }
      byte[] content = out.toByteArray();
      Path f = Files.write(dir.resolve("s" + round), content);
      long chunkSize = rnd.nextBoolean() ? 1 + rnd.nextInt(100) : 1 + rnd.nextInt(200_000);
      try (StreamChunker s = new StreamChunker(f.toString(), chunkSize)) {
        int peeked = rnd.nextInt(4);
        List<Piece> looked = new ArrayList<>();
        for (int i = 0; i < peeked && s.peek(i) != null; i++) {
          looked.add(s.peek(i));
        }
        long offset = 0;
        long line = 1;
        int index = 0;
        for (Piece p = s.next(); p != null; p = s.next(), index++) {
          if (index < looked.size()) {
            assertThat(p).isSameAs(looked.get(index));
          }
          byte[] b = p.bytes();
          assertThat(p.chunk().start()).isEqualTo(offset);
          assertThat(p.chunk().length()).isEqualTo(b.length);
          assertThat(p.firstLine()).isEqualTo(line);
          int from = (int) offset;
          assertThat(java.util.Arrays.equals(b, 0, b.length, content, from, from + b.length))
              .isTrue();
          boolean last = offset + b.length == content.length;
          if (!last) {
            assertThat(b.length).isGreaterThanOrEqualTo((int) chunkSize);
            assertThat(b[b.length - 1]).isEqualTo((byte) '\n');
          }
          int early = -1; // a line end past the chunk size, before the piece's last byte
          for (int i = (int) chunkSize - 1; i < b.length - 1 && early < 0; i++) {
            early = b[i] == '\n' ? i : -1;
          }
          assertThat(early).as("round %d", round).isEqualTo(-1);
          for (byte x : b) {
            line += x == '\n' ? 1 : 0;
          }
          offset += b.length;
        }
        assertThat(offset).isEqualTo(content.length);
      }
    }
  }
}
