package dev.weft.io.internal;

import dev.weft.io.BadRecord;
import dev.weft.io.FileChunk;
import dev.weft.io.MalformedRecordException;
import dev.weft.io.Row;
import dev.weft.io.RowPredicate;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one chunk and hands each well-formed record to a consumer.
 *
 * <p>Implementation note: a chunk of at least {@link #MAP_THRESHOLD} bytes is memory-mapped into a
 * confined arena (so offsets past 2 GiB are fine and the mapping is released when the chunk is
 * done); smaller ones, typical of many small files, are read with positional reads, which are
 * cheaper than a mapping. Either way the bytes pass through one heap buffer of at most {@link
 * #BUFFER} bytes (grown only for a longer line, up to {@link #MAX_LINE}), so a worker's heap use
 * does not depend on the chunk size. Invariant: {@code buf[lineStart, limit)} holds the unconsumed
 * bytes, and {@code base + i} is the file offset of {@code buf[i]}.
 *
 * <p>The scan reads eight bytes at a time and steps only from one byte that matters (line end,
 * delimiter, quote) to the next, found with zero-byte masks. UTF-8 is validated per read, not per
 * line, skipping ASCII a word at a time; only when a read is not valid as a whole are the lines
 * from there on checked one by one, so that the bad one is named.
 */
public final class ChunkScanner {
  private ChunkScanner() {}

  static final int MAP_THRESHOLD = 1 << 20;
  static final int BUFFER = 1 << 20;
  static final int MAX_LINE = 1 << 26;
  private static final int SAMPLE_BYTES = 800;
  private static final int SAMPLE_CHARS = 200;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;
  private static final long NEWLINES = ONES * '\n';
  private static final long QUOTES = ONES * '"';
  private static final VarHandle WORD =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Takes one record.
   *
   * @param <S> the chunk's state
   */
  @FunctionalInterface
  public interface Consumer<S> {
    /**
     * Takes it.
     *
     * @param state the chunk's state
     * @param record the record, valid during this call
     * @throws Exception a failure
     */
    void accept(S state, Row record) throws Exception;
  }

  /**
   * What one chunk produced.
   *
   * @param state the consumer's state
   * @param records well-formed records
   * @param skipped malformed records skipped
   * @param bytes the chunk's length
   * @param bad the first skipped records, in order, without line numbers
   * @param <S> the state type
   */
  public record Outcome<S>(S state, long records, long skipped, long bytes, List<BadRecord> bad)
      implements Serializable {}

  /** Thrown by a consumer to stop early; not a failure. */
  static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  /**
   * Scans a chunk.
   *
   * @param spec how to parse
   * @param chunk the chunk
   * @param state the consumer's state
   * @param consumer takes every well-formed record that passes the filter
   * @param <S> the state type
   * @return the state and the counts
   * @throws Exception what the consumer threw, an IO failure, or a {@link MalformedRecordException}
   *     without a line number
   */
  public static <S> Outcome<S> scan(Spec spec, FileChunk chunk, S state, Consumer<S> consumer)
      throws Exception {
    try (FileChannel ch = FileChannel.open(Path.of(chunk.file()), StandardOpenOption.READ);
        Arena arena = Arena.ofConfined()) {
      return new Scan<>(spec, chunk, ch, arena, state, consumer).run();
    }
  }

  private static final class Scan<S> {
    final Spec spec;
    final FileChunk chunk;
    final FileChannel ch;
    final MemorySegment mapped;
    final S state;
    final Consumer<S> consumer;
    final RowView view;
    final RowPredicate filter;
    final int expected;
    boolean headerPending;
    boolean atFileStart;
    boolean checkLines; // validate each line's UTF-8 on its own
    long records;
    long skipped;
    final List<BadRecord> bad = new ArrayList<>();

    Scan(Spec spec, FileChunk chunk, FileChannel ch, Arena arena, S state, Consumer<S> consumer)
        throws IOException {
      this.spec = spec;
      this.chunk = chunk;
      this.ch = ch;
      this.state = state;
      this.consumer = consumer;
      this.view = new RowView(chunk.file(), spec.csv(), spec.delimiter());
      this.filter = spec.filter();
      this.expected = spec.fieldCount();
      this.headerPending = spec.header() && chunk.start() == 0;
      this.atFileStart = chunk.start() == 0;
      this.mapped =
          chunk.length() >= MAP_THRESHOLD
              ? ch.map(FileChannel.MapMode.READ_ONLY, chunk.start(), chunk.length(), arena)
              : null;
    }

    Outcome<S> run() throws Exception {
      long pos = chunk.start();
      long end = chunk.end();
      int cap = (int) Math.max(16, Math.min(BUFFER, chunk.length()));
      byte[] buf = new byte[cap + Long.BYTES]; // a word read at any i < limit stays inside
      view.buf = buf;
      final boolean csv = spec.csv();
      final long delimiters = ONES * (spec.delimiter() & 0xFF);
      long base = pos;
      int lineStart = 0;
      int limit = 0;
      int i = 0;
      int fieldStart = 0;
      boolean quote = false;
      int utf8 = Utf8.START;
      while (true) {
        // From each structural byte (line end, delimiter, quote) to the next, eight bytes at a
        // time: one step per field, not per byte or per word, so the branches follow the record's
        // shape and predict well. Only the lowest match of a mask is used: it is exact. Bytes
        // past limit are stale and masked off.
        while (i < limit) {
          long w = (long) WORD.get(buf, i);
          long m =
              csv
                  ? first(w ^ NEWLINES) | first(w ^ delimiters) | first(w ^ QUOTES)
                  : first(w ^ NEWLINES);
          if (limit - i < 8) {
            m &= -1L >>> (64 - 8 * (limit - i));
          }
          if (m == 0) {
            i += 8;
            continue;
          }
          int k = i + (Long.numberOfTrailingZeros(m) >>> 3);
          byte c = buf[k];
          if (c == '\n') {
            line(buf, lineStart, fieldStart, k, base + lineStart, quote);
            lineStart = k + 1;
            fieldStart = lineStart;
            quote = false;
            view.clear();
          } else if (c == '"') {
            quote = true;
          } else {
            view.add(fieldStart, k);
            fieldStart = k + 1;
          }
          i = k + 1;
        }
        if (pos >= end) {
          if (lineStart < limit) {
            line(buf, lineStart, fieldStart, limit, base + lineStart, quote);
          }
          break;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("chunk scan cancelled");
        }
        if (lineStart > 0) {
          System.arraycopy(buf, lineStart, buf, 0, limit - lineStart);
          base += lineStart;
          limit -= lineStart;
          lineStart = 0;
        } else if (limit == cap) {
          if (cap >= MAX_LINE) {
            throw new MalformedRecordException(
                new BadRecord(chunk.file(), 0, base, "line longer than " + MAX_LINE + " bytes", ""),
                null);
          }
          cap = Math.min(MAX_LINE, cap * 2);
          buf = java.util.Arrays.copyOf(buf, cap + Long.BYTES);
          view.buf = buf;
        }
        int n = (int) Math.min(cap - limit, end - pos);
        read(pos, buf, limit, n);
        utf8 = Utf8.resume(buf, limit, limit + n, utf8);
        pos += n;
        limit += n;
        // The new bytes are valid UTF-8 as a whole, or some line needs checking on its own: from
        // here on (lines already handed over were checked), or the last one if it ends inside a
        // character. The unfinished line is scanned again from its start, once per refill.
        checkLines |= utf8 == Utf8.FAILED || (pos >= end && utf8 != Utf8.START);
        i = lineStart;
        fieldStart = lineStart;
        quote = false;
        view.clear();
      }
      return new Outcome<>(state, records, skipped, chunk.length(), bad);
    }

    /**
     * The high bit of the zero bytes of {@code x}: exact for the lowest, while a byte above a zero
     * byte may show as zero too (the borrow), so only the lowest is used.
     */
    private static long first(long x) {
      return (x - ONES) & ~x & HIGH;
    }

    private void read(long filePos, byte[] dst, int off, int len) throws IOException {
      if (mapped != null) {
        MemorySegment.copy(mapped, ValueLayout.JAVA_BYTE, filePos - chunk.start(), dst, off, len);
        return;
      }
      ByteBuffer bb = ByteBuffer.wrap(dst, off, len);
      long p = filePos;
      while (bb.hasRemaining()) {
        int r = ch.read(bb, p);
        if (r < 0) {
          throw new EOFException(chunk.file() + " ended at byte " + p + " while being read");
        }
        p += r;
      }
    }

    /**
     * One line, {@code buf[from, to)} without the {@code '\n'}. For CSV the scan has already split
     * the fields before {@code lastField}, unless the line has a quote; the rest of the work on an
     * ordinary line is closing the last field.
     */
    private void line(byte[] buf, int from, int lastField, int to, long offset, boolean quote)
        throws Exception {
      int rawLength = to - from;
      if (to > from && buf[to - 1] == '\r') {
        to--;
      }
      boolean split = spec.csv() && !quote;
      if (atFileStart) {
        atFileStart = false;
        if (to - from >= 3
            && buf[from] == (byte) 0xEF
            && buf[from + 1] == (byte) 0xBB
            && buf[from + 2] == (byte) 0xBF) {
          from += 3;
          split = false; // the first field starts later: split again below
        }
      }
      if (headerPending) {
        headerPending = false; // the header is line 1, whatever it holds
        return;
      }
      if (spec.csv() && to == from) {
        return;
      }
      try {
        if (checkLines && !Utf8.valid(buf, from, to)) {
          throw new MalformedRecordException("invalid UTF-8");
        }
        view.offset = offset;
        if (split) {
          view.add(lastField, to);
        } else {
          view.parse(from, to);
        }
        if (expected > 0 && view.fieldCount() != expected) {
          throw new MalformedRecordException(
              "expected " + expected + " fields, found " + view.fieldCount());
        }
        if (filter == null || filter.test(view)) {
          consumer.accept(state, view);
        }
        records++;
      } catch (MalformedRecordException e) {
        BadRecord record =
            new BadRecord(chunk.file(), 0, offset, e.reason(), text(offset, rawLength));
        if (!spec.skipBad()) {
          throw new MalformedRecordException(record, null);
        }
        skipped++;
        if (bad.size() < spec.maxBadSamples()) {
          bad.add(record);
        }
      }
    }

    /** The raw line again, from the file, since parsing unescapes the buffer in place. */
    private String text(long offset, int rawLength) throws IOException {
      int n = Math.min(rawLength, SAMPLE_BYTES);
      byte[] b = new byte[n];
      ByteBuffer bb = ByteBuffer.wrap(b);
      long p = offset;
      while (bb.hasRemaining()) {
        int r = ch.read(bb, p);
        if (r < 0) {
          break;
        }
        p += r;
      }
      String s = new String(b, 0, bb.position(), StandardCharsets.UTF_8);
      if (s.endsWith("\r")) {
        s = s.substring(0, s.length() - 1);
      }
      return s.length() > SAMPLE_CHARS ? s.substring(0, SAMPLE_CHARS) : s;
    }
  }
}
