package dev.weft.io.internal;

import dev.weft.io.BadRecord;
import dev.weft.io.FileChunk;
import dev.weft.io.MalformedRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Cuts a stream (a pipe, {@code /dev/stdin}, a character device) into line-aligned {@link Piece}s
 * by reading it sequentially on the calling thread: a stream has no length and cannot be read by
 * offset, so workers cannot read their own chunks as they do a regular file's. Not thread-safe.
 *
 * <p>Memory: the bytes not yet cut (less than a chunk, plus the line that crosses its end, plus one
 * read) and the pieces looked ahead for the field count (at most {@link #MAX_LOOKAHEAD} bytes); the
 * run's window bounds the pieces handed out and not yet merged. Like {@link Chunker}, a piece ends
 * at the first line end at or after the chunk size; a line longer than {@link
 * ChunkScanner#MAX_LINE} fails the run, as it does in a file.
 *
 * <p>Opening a FIFO waits until a writer opens it, as for any reader, and reading waits until data
 * comes; an interrupt of the calling thread ends either wait with {@link
 * ClosedByInterruptException} (see {@link #openInterruptibly(Path)}).
 */
final class StreamChunker implements AutoCloseable {
  /** A stream's automatic chunk size: its length is unknown, so the smallest automatic one. */
  static final long AUTO = Chunker.MIN_AUTO;

  /** How many bytes the field count probe may look ahead into a stream. */
  static final long MAX_LOOKAHEAD = 64L << 20;

  private static final int READ = 1 << 16;

  private final String file;
  private final int chunkSize;
  private FileChannel ch;
  private byte[] pending = new byte[2 * READ];
  private int length;
  private int searched; // pending[0, searched) holds no line end at or past chunkSize - 1
  private boolean eof;
  private long offset; // of pending[0] in the stream
  private long line = 1; // of pending[0]
  private final ArrayDeque<Piece> ahead = new ArrayDeque<>();
  private long aheadBytes;

  StreamChunker(String file, long chunkSize) {
    this.file = file;
    this.chunkSize = (int) Math.min(chunkSize > 0 ? chunkSize : AUTO, 1 << 30);
  }

  /**
   * The next piece, or null at the stream's end.
   *
   * @return the piece
   * @throws IOException if the stream cannot be read
   */
  Piece next() throws IOException {
    if (!ahead.isEmpty()) {
      Piece p = ahead.removeFirst();
      aheadBytes -= p.bytes().length;
      return p;
    }
    return cut();
  }

  /**
   * Looks at the {@code i}th next piece without taking it, if the look-ahead stays within {@link
   * #MAX_LOOKAHEAD} bytes.
   *
   * @param i 0 for the next piece
   * @return the piece, or null at the stream's end or past the look-ahead bound
   * @throws IOException if the stream cannot be read
   */
  Piece peek(int i) throws IOException {
    while (ahead.size() <= i) {
      if (aheadBytes >= MAX_LOOKAHEAD) {
        return null;
      }
      Piece p = cut();
      if (p == null) {
        return null;
      }
      ahead.addLast(p);
      aheadBytes += p.bytes().length;
    }
    return ahead.stream().skip(i).findFirst().orElseThrow();
  }

  private Piece cut() throws IOException {
    if (ch == null) {
      ch = openInterruptibly(Path.of(file));
    }
    while (true) {
      int from = Math.max(searched, chunkSize - 1);
      for (int i = from; i < length; i++) {
        if (pending[i] == '\n') {
          return emit(i + 1);
        }
      }
      searched = length;
      if (eof) {
        return length == 0 ? null : emit(length);
      }
      if (length >= chunkSize + ChunkScanner.MAX_LINE) {
        throw tooLong();
      }
      if (pending.length - length < READ) {
        pending = Arrays.copyOf(pending, Math.max(2 * pending.length, length + READ));
      }
      int n = ch.read(ByteBuffer.wrap(pending, length, pending.length - length));
      if (n < 0) {
        eof = true;
      } else {
        length += n;
      }
    }
  }

  /**
   * Opens a stream for reading so that an interrupt ends the wait: opening a FIFO for reading
   * blocks in the kernel until a writer opens it, and {@link Thread#interrupt()} does not end that.
   * So a helper thread opens it while the caller waits; on an interrupt, the caller opens the FIFO
   * for reading and writing, which on Linux does not block and counts as the writer the helper
   * waits for, so the helper returns and no thread is left behind.
   *
   * @throws ClosedByInterruptException if the calling thread is interrupted while it waits, with
   *     its interrupt status set, as an interrupted channel read leaves it
   */
  static FileChannel openInterruptibly(Path path) throws IOException {
    CompletableFuture<FileChannel> opened = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("weft-io open " + path)
        .start(() -> {
          try {
            opened.complete(FileChannel.open(path, StandardOpenOption.READ));
          } catch (Throwable e) {
            opened.completeExceptionally(e);
          }
        });
    try {
      return opened.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot open " + path, e.getCause());
    } catch (InterruptedException e) {
      opened.thenAccept(StreamChunker::closeQuietly);
      if (!opened.isDone()) {
        try (FileChannel unblock =
            FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          // Held open until the helper's open has returned: the helper may not have reached the
          // kernel's open yet (a busy machine), and a writer that came and went before it did
          // would leave it waiting for good. It returns as soon as it runs, so the wait is short;
          // bounded all the same, and not ended by a second interrupt.
          awaitQuietly(opened);
        } catch (IOException | RuntimeException ignored) {
          // Not a FIFO after all, or gone: the helper's open fails or returns by itself.
        }
      }
      Thread.currentThread().interrupt();
      throw new ClosedByInterruptException();
    }
  }

  private static void awaitQuietly(CompletableFuture<FileChannel> opened) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    boolean interrupted = false;
    while (!opened.isDone()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        opened.get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Never read: nothing to lose.
    }
  }

  /**
   * The line that crosses the chunk size has no end within {@link ChunkScanner#MAX_LINE} bytes: a
   * failure of the run, as the scanner makes it for a file, whether or not bad records are skipped.
   */
  private MalformedRecordException tooLong() {
    int start = Math.min(chunkSize - 1, length);
    while (start > 0 && pending[start - 1] != '\n') {
      start--;
    }
    long lineNo = line;
    for (int i = 0; i < start; i++) {
      lineNo += pending[i] == '\n' ? 1 : 0;
    }
    String reason = "line longer than " + ChunkScanner.MAX_LINE + " bytes";
    return new MalformedRecordException(
        new BadRecord(file, lineNo, offset + start, reason, ""), null);
  }

  private Piece emit(int n) {
    byte[] bytes = Arrays.copyOf(pending, n);
    Piece p = new Piece(new FileChunk(file, offset, offset + n), bytes, line);
    for (byte b : bytes) {
      if (b == '\n') {
        line++;
      }
    }
    offset += n;
    System.arraycopy(pending, n, pending, 0, length - n);
    length -= n;
    searched = 0;
    if (pending.length > 2L * chunkSize + 4 * READ && length < pending.length / 4) {
      pending = Arrays.copyOf(pending, Math.max(2 * READ, 2 * length)); // after a long line
    }
    return p;
  }

  @Override
  public void close() throws IOException {
    if (ch != null) {
      ch.close();
    }
  }
}
