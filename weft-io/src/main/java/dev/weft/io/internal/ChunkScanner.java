package dev.weft.io.internal;

import dev.weft.io.BadRecord;
import dev.weft.io.FileChunk;
import dev.weft.io.MalformedRecordException;
import dev.weft.io.Row;
import dev.weft.io.RowPredicate;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
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
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reads one chunk and hands each well-formed record to a consumer.
 *
 * <p>Implementation note: a chunk is read with positional reads ({@code long} offsets, so files
 * past 2 GiB are fine) into one heap buffer of at most {@link #BUFFER} bytes (grown only for a
 * longer line, up to {@link #MAX_LINE}), so a worker's heap use does not depend on the chunk size.
 * Invariant: {@code buf[lineStart, limit)} holds the unconsumed bytes, and {@code base + i} is the
 * file offset of {@code buf[i]}.
 *
 * <p>The scan reads eight bytes at a time and steps only from one byte that matters (line end,
 * delimiter, quote) to the next, found with zero-byte masks. UTF-8 is checked a word at a time
 * ({@link Utf8#resume}). Without a direct path, once per read, for every line: only when a read is
 * not valid as a whole are its lines checked one by one, so that the bad one is named. With one,
 * only where it can fail: a field that parsed as a number is ASCII, and a key the fold's table
 * already holds was checked when first seen, so the direct path checks only new keys (through the
 * table, see {@link KeyedNumbers.Add}) and other fields, and the general path, for the few lines
 * left to it, checks each line. (Checking each line on the general path alone cost {@code count}
 * 30% more; checking each read cost {@code statsBy} 10%.)
 *
 * <p>Why not memory-mapping: it was the way for chunks of 1 MiB and more, and measured slower. The
 * bytes still had to be copied into the heap buffer, and each fresh mapping paid a page fault per
 * page, which costs more in a virtual machine: positional reads made {@code weft agg} on 50 million
 * rows about 5% faster and its peak RSS 25 MB smaller (docs/PERFORMANCE.md, section 6).
 */
public final class ChunkScanner {
  private ChunkScanner() {}

  static final int BUFFER = 1 << 20;

  /**
   * Read buffers of {@link #BUFFER} bytes (and the slack), reused from chunk to chunk: a fresh
   * megabyte per chunk cost its zeroing and a page fault per page, about 7% of {@code weft agg}. At
   * most two per core are kept, so the pool's memory is bounded.
   */
  private static final ArrayBlockingQueue<byte[]> BUFFERS =
      new ArrayBlockingQueue<>(2 * Runtime.getRuntime().availableProcessors());

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
    return scan(spec, chunk, state, consumer, null);
  }

  /**
   * Scans a chunk, handing plain CSV records straight to {@code direct} when it is given: records
   * without quotes, a carriage return, a filter or anything else that needs the general path, whose
   * key and number {@code direct} takes from the bytes. Every other record goes to {@code
   * consumer}, which must do to the state what {@code direct} would.
   *
   * @param spec how to parse
   * @param chunk the chunk
   * @param state the consumer's state
   * @param consumer takes every well-formed record that passes the filter and that {@code direct}
   *     does not take
   * @param direct takes plain records' key and number, or null
   * @param <S> the state type
   * @return the state and the counts
   * @throws Exception what the consumer threw, an IO failure, or a {@link MalformedRecordException}
   *     without a line number
   */
  public static <S> Outcome<S> scan(
      Spec spec, FileChunk chunk, S state, Consumer<S> consumer, KeyedNumbers<S> direct)
      throws Exception {
    byte[] buffer = chunk.length() >= BUFFER ? BUFFERS.poll() : null;
    if (buffer == null) {
      buffer = new byte[(int) Math.max(16, Math.min(BUFFER, chunk.length())) + Long.BYTES];
    }
    try (FileChannel ch = FileChannel.open(Path.of(chunk.file()), StandardOpenOption.READ)) {
      return new Scan<>(spec, chunk, ch::read, state, consumer, direct).run(buffer);
    } finally {
      if (buffer.length == BUFFER + Long.BYTES) {
        BUFFERS.offer(buffer); // dropped when the pool is full
      }
    }
  }

  /**
   * Scans a piece: a regular file's chunk as {@link #scan(Spec, FileChunk, Object,
   * ChunkScanner.Consumer, ChunkScanner.KeyedNumbers)} does, or a stream's from its bytes, with the
   * line numbers of its bad records filled in (a stream cannot be read again to count them).
   *
   * @param spec how to parse
   * @param piece the piece
   * @param state the consumer's state
   * @param consumer takes the records {@code direct} does not
   * @param direct takes plain records' key and number, or null
   * @param <S> the state type
   * @return the state and the counts
   * @throws Exception as the other scan
   */
  static <S> Outcome<S> scan(
      Spec spec, Piece piece, S state, Consumer<S> consumer, KeyedNumbers<S> direct)
      throws Exception {
    if (piece.bytes() == null) {
      return scan(spec, piece.chunk(), state, consumer, direct);
    }
    FileChunk chunk = piece.chunk();
    byte[] bytes = piece.bytes();
    Positional memory =
        (dst, position) -> {
          long at = position - chunk.start();
          if (at >= bytes.length) {
            return -1;
          }
          int n = (int) Math.min(dst.remaining(), bytes.length - at);
          dst.put(bytes, (int) at, n);
          return n;
        };
    byte[] buffer = chunk.length() >= BUFFER ? BUFFERS.poll() : null;
    if (buffer == null) {
      buffer = new byte[(int) Math.max(16, Math.min(BUFFER, chunk.length())) + Long.BYTES];
    }
    Outcome<S> o;
    try {
      o = new Scan<>(spec, chunk, memory, state, consumer, direct).run(buffer);
    } catch (MalformedRecordException e) {
      BadRecord b = e.badRecord();
      throw b == null
          ? e
          : new MalformedRecordException(b.withLine(piece.lineAt(b.offset())), null);
    } finally {
      if (buffer.length == BUFFER + Long.BYTES) {
        BUFFERS.offer(buffer); // as for a file's chunk: dropped when the pool is full
      }
    }
    List<BadRecord> bad = new ArrayList<>(o.bad().size());
    for (BadRecord b : o.bad()) {
      bad.add(b.withLine(piece.lineAt(b.offset())));
    }
    return new Outcome<>(o.state(), o.records(), o.skipped(), o.bytes(), bad);
  }

  /** Reads bytes at a position: a file channel, or a stream's piece held in memory. */
  @FunctionalInterface
  interface Positional {
    int read(ByteBuffer dst, long position) throws IOException;
  }

  /**
   * A fold of one number per key that can take both from a record's bytes, skipping the {@link
   * Row}: the fast path of {@code statsBy}.
   *
   * @param keyField the key's field
   * @param valueField the number's field
   * @param add adds a number to a key
   * @param <S> the fold's state
   */
  public record KeyedNumbers<S>(int keyField, int valueField, Add<S> add) {
    /**
     * Adds a number to a key.
     *
     * @param <S> the fold's state
     */
    @FunctionalInterface
    public interface Add<S> {
      /**
       * Adds it, or throws before changing the state if the number's field is not a number or the
       * key is not UTF-8. The scanner has not checked the key's UTF-8: a fold must check each key
       * it has not seen before (one it has was checked then).
       *
       * @param state the fold's state
       * @param b the bytes
       * @param keyFrom the key's first byte
       * @param keyTo just past the key's last byte
       * @param valueFrom the number's first byte
       * @param valueTo just past the number's last byte
       * @throws MalformedRecordException if the field is not a number, or the key is new and not
       *     UTF-8
       */
      void add(S state, byte[] b, int keyFrom, int keyTo, int valueFrom, int valueTo);
    }
  }

  private static final class Scan<S> {
    final Spec spec;
    final FileChunk chunk;
    final Positional ch;
    final S state;
    final Consumer<S> consumer;
    final KeyedNumbers<S> direct;
    final int keyField;
    final int valueField;
    final int lastField;
    final RowView view;
    final RowPredicate filter;
    final int expected;
    boolean headerPending;
    boolean atFileStart;
    boolean checkLines; // validate each line's UTF-8 on its own
    long records;
    long skipped;
    final List<BadRecord> bad = new ArrayList<>();

    Scan(
        Spec spec,
        FileChunk chunk,
        Positional ch,
        S state,
        Consumer<S> consumer,
        KeyedNumbers<S> direct)
        throws IOException {
      this.spec = spec;
      this.direct = spec.csv() && spec.filter() == null ? direct : null;
      this.keyField = direct == null ? -1 : direct.keyField();
      this.valueField = direct == null ? -1 : direct.valueField();
      this.lastField = Math.max(keyField, valueField);
      this.chunk = chunk;
      this.ch = ch;
      this.state = state;
      this.consumer = consumer;
      this.view = new RowView(chunk.file(), spec.csv(), spec.delimiter());
      this.filter = spec.filter();
      this.expected = spec.fieldCount();
      this.headerPending = spec.header() && chunk.start() == 0;
      this.atFileStart = chunk.start() == 0;
    }

    /** Runs the scan in {@code buf}, whose last eight bytes are slack for word reads. */
    Outcome<S> run(byte[] buf) throws Exception {
      long pos = chunk.start();
      long end = chunk.end();
      int cap = buf.length - Long.BYTES; // a word read at any i < limit stays inside
      view.buf = buf;
      final boolean csv = spec.csv();
      final long delimiters = ONES * (spec.delimiter() & 0xFF);
      long base = pos;
      int lineStart = 0;
      int limit = 0;
      int unfinishedField = 0; // where the scan of the line cut by limit left off
      boolean unfinishedQuote = false;
      final boolean perRead = direct == null;
      checkLines = !perRead;
      int utf8 = Utf8.START;
      while (true) {
        // One line at a time: the direct path first, when it can take the line, else the general
        // one, from each structural byte (line end, delimiter, quote) to the next, eight bytes at
        // a time, so that the branches follow the record's shape and predict well. Only the
        // lowest match of a mask is used: it is exact. Bytes past limit are stale: masked off.
        while (true) {
          if (direct != null && !atFileStart && !headerPending) {
            lineStart = direct(buf, lineStart, limit, delimiters);
          }
          int i = lineStart;
          int fieldStart = lineStart;
          boolean quote = false;
          view.clear();
          int k = -1;
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
            int at = i + (Long.numberOfTrailingZeros(m) >>> 3);
            byte c = buf[at];
            if (c == '\n') {
              k = at;
              break;
            } else if (c == '"') {
              quote = true;
            } else {
              view.add(fieldStart, at);
              fieldStart = at + 1;
            }
            i = at + 1;
          }
          if (k < 0) {
            unfinishedField = fieldStart;
            unfinishedQuote = quote;
            break; // the line goes on past limit
          }
          line(buf, lineStart, fieldStart, k, base + lineStart, quote);
          lineStart = k + 1;
        }
        if (pos >= end) {
          if (lineStart < limit) {
            line(buf, lineStart, unfinishedField, limit, base + lineStart, unfinishedQuote);
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
        pos += n;
        limit += n;
        if (perRead) {
          // The new bytes are valid UTF-8 as a whole, or some line needs checking on its own: from
          // here on (lines already handed over were checked), or the last one if it ends inside a
          // character.
          utf8 = Utf8.resume(buf, limit - n, limit, utf8);
          checkLines |= utf8 == Utf8.FAILED || (pos >= end && utf8 != Utf8.START);
        }
        // The unfinished line is scanned again from its start, once per refill.
      }
      return new Outcome<>(state, records, skipped, chunk.length(), bad);
    }

    /**
     * The direct path: takes the lines from {@code p} on for as long as each is whole in the buffer
     * and plain (no quote, no carriage return, not blank, the expected field count, the key and
     * number fields present, the number parsing), and returns where the first line it did not take
     * starts: the general path takes that one, finding what made it not plain, or reads more. One
     * call runs through many lines, with the settings in locals.
     */
    private int direct(byte[] buf, int p, int limit, long delimiters) {
      // The mask loop is the general path's, written out again: a shared helper measured 5% slower
      // here and 3% there (paired single-thread scans of 8.4M rows).
      final S s = state;
      final KeyedNumbers.Add<S> add = direct.add();
      final int keyAt = keyField;
      final int valueAt = valueField;
      final int fieldsAtLeast = lastField + 1;
      final int fieldsExactly = expected;
      int taken = 0;
      int line = p;
      lines:
      while (true) {
        int field = 0;
        int start = line;
        int keyFrom = 0;
        int keyTo = 0;
        int valueFrom = 0;
        int valueTo = 0;
        int i = line;
        while (true) {
          if (i >= limit) {
            break lines; // the line goes on past the buffer
          }
          long w = (long) WORD.get(buf, i);
          long m = first(w ^ NEWLINES) | first(w ^ delimiters) | first(w ^ QUOTES);
          if (limit - i < 8) {
            m &= -1L >>> (64 - 8 * (limit - i));
          }
          if (m == 0) {
            i += 8;
            continue;
          }
          int at = i + (Long.numberOfTrailingZeros(m) >>> 3);
          byte c = buf[at];
          if (c == '"') {
            break lines;
          }
          if (field == keyAt) {
            keyFrom = start;
            keyTo = at;
          } else if (field == valueAt) {
            valueFrom = start;
            valueTo = at;
          } else if (Utf8.resume(buf, start, at, Utf8.START) != Utf8.START) {
            break lines; // neither the key nor the number: checked here
          }
          field++;
          if (c == '\n') {
            if (at == line
                || buf[at - 1] == '\r'
                || field < fieldsAtLeast
                || (fieldsExactly > 0 && field != fieldsExactly)) {
              break lines;
            }
            try {
              add.add(s, buf, keyFrom, keyTo, valueFrom, valueTo);
            } catch (MalformedRecordException e) {
              break lines; // the general path reports it, with the line
            }
            taken++;
            line = at + 1;
            continue lines;
          }
          start = at + 1;
          i = at + 1;
        }
      }
      records += taken;
      return line;
    }

    /**
     * The high bit of the zero bytes of {@code x}: exact for the lowest, while a byte above a zero
     * byte may show as zero too (the borrow), so only the lowest is used.
     */
    private static long first(long x) {
      return (x - ONES) & ~x & HIGH;
    }

    private void read(long filePos, byte[] dst, int off, int len) throws IOException {
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
        if (checkLines && Utf8.resume(buf, from, to, Utf8.START) != Utf8.START) {
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
