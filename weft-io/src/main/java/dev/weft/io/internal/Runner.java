package dev.weft.io.internal;

import dev.weft.InputFailedException;
import dev.weft.Mapper;
import dev.weft.Pool;
import dev.weft.Results;
import dev.weft.TaskFailedException;
import dev.weft.TaskFunction;
import dev.weft.io.BadRecord;
import dev.weft.io.FileChunk;
import dev.weft.io.FoldResult;
import dev.weft.io.MalformedRecordException;
import dev.weft.io.Progress;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Runs a {@link Job} over files on a pool: chunks are produced lazily on the calling thread, folded
 * on workers through a window of about twice the pool's parallelism, and merged in chunk order as
 * they complete ({@code imap}), so memory holds a bounded number of chunks and partial results.
 */
public final class Runner {
  private Runner() {}

  /**
   * One chunk's partial result and counts.
   *
   * @param partial the partial result
   * @param records well-formed records
   * @param skipped skipped records
   * @param bytes bytes read
   * @param bad the first skipped records
   * @param <P> the partial result's type
   */
  record ChunkResult<P>(P partial, long records, long skipped, long bytes, List<BadRecord> bad)
      implements Serializable {}

  /**
   * Runs the job.
   *
   * @param pool the pool
   * @param spec what to read
   * @param progress told after each merged chunk, or null
   * @param job what to compute
   * @param <S> the per-chunk state
   * @param <P> the result
   * @return the result and counts
   * @throws InterruptedException if the calling thread is interrupted before or during the run
   *     (while it waits for a chunk, or while it reads a file: an interrupt closes the channel);
   *     the run is cancelled and the interrupt status cleared, as the JDK's blocking methods do
   */
  public static <S, P> FoldResult<P> run(Pool pool, Spec spec, Progress progress, Job<S, P> job)
      throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before the run started");
    }
    FileKinds.requireReadable(spec.files()); // again: a file may have been replaced since
    int parallelism = pool.parallelism();
    try (Pieces pieces = new Pieces(spec.files(), spec.chunkSize(), parallelism)) {
      return runResolved(pool, resolveFieldCount(spec, pieces), pieces, progress, job);
    } catch (CancellationException e) {
      // The pool's Results iterator cannot throw InterruptedException; it reports an interrupt as
      // a CancellationException with the status kept. A shutdown pool stays a cancellation.
      if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
        throw interrupted(e);
      }
      throw e;
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof ClosedByInterruptException) {
        throw interrupted(e);
      }
      throw e;
    }
  }

  private static InterruptedException interrupted(RuntimeException cause) {
    Thread.interrupted();
    InterruptedException e =
        new InterruptedException("interrupted while reading records; the run was cancelled");
    e.initCause(cause);
    return e;
  }

  private static <S, P> FoldResult<P> runResolved(
      Pool pool, Spec resolved, Pieces pieces, Progress progress, Job<S, P> job) {
    int parallelism = pool.parallelism();
    Mapper mapper = pool.with(o -> o.withChunkSize(1).withWindow(Math.max(4, 2 * parallelism)));
    TaskFunction<Piece, ChunkResult<P>> task =
        piece -> {
          ChunkScanner.Outcome<S> o =
              ChunkScanner.scan(resolved, piece, job.start(), job::accept, job.direct());
          return new ChunkResult<>(
              job.partial(o.state()), o.records(), o.skipped(), o.bytes(), o.bad());
        };
    P acc = null;
    long records = 0;
    long skipped = 0;
    long bytes = 0;
    List<BadRecord> bad = new ArrayList<>();
    long total = progress == null ? 0 : totalBytes(resolved.files());
    try (Results<ChunkResult<P>> results = mapper.imap(task, pieces)) {
      for (ChunkResult<P> r : results) {
        acc = acc == null ? r.partial() : job.merge(acc, r.partial());
        records += r.records();
        skipped += r.skipped();
        bytes += r.bytes();
        if (progress != null) {
          progress.update(bytes, total);
        }
        for (BadRecord b : r.bad()) {
          if (bad.size() < resolved.maxBadSamples()) {
            bad.add(b);
          }
        }
      }
    } catch (TaskFailedException e) {
      if (e.getCause() instanceof MalformedRecordException m && m.badRecord() != null) {
        throw new MalformedRecordException(withLine(m.badRecord()), e);
      }
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u;
      }
      if (e.getCause() instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw e;
    } catch (InputFailedException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u;
      }
      if (e.getCause() instanceof MalformedRecordException m) {
        throw m; // a stream's overlong line, found as the calling thread cut it
      }
      throw e;
    }
    if (acc == null) {
      acc = job.partial(job.start());
    }
    List<BadRecord> numbered = new ArrayList<>(bad.size());
    for (BadRecord b : bad) {
      numbered.add(withLine(b));
    }
    return new FoldResult<>(acc, records, skipped, bytes, numbered);
  }

  private static long totalBytes(List<String> files) {
    long total = 0;
    for (String f : files) {
      try {
        total += java.nio.file.Files.size(java.nio.file.Path.of(f));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return total;
  }

  private static BadRecord withLine(BadRecord b) {
    if (b.line() > 0) {
      return b; // from a stream, numbered as it was read: it cannot be read again
    }
    try {
      return b.withLine(Chunker.lineNumber(b.file(), b.offset()));
    } catch (IOException e) {
      return b;
    }
  }

  /**
   * The spec with its expected field count decided: for CSV with count 0, the first record's (the
   * header's, if any) of the first file that has one. A stream's first pieces are looked ahead
   * (kept in {@code pieces} for the run), up to {@link StreamChunker#MAX_LOOKAHEAD} bytes.
   *
   * @param spec the spec
   * @param pieces the run's pieces, which hold its streams
   * @return the spec with a positive count, or -1 for no check
   * @throws InterruptedException if the calling thread is interrupted while it reads
   */
  static Spec resolveFieldCount(Spec spec, Pieces pieces) throws InterruptedException {
    if (!spec.csv()) {
      return spec.withFieldCount(-1);
    }
    if (spec.fieldCount() != 0) {
      return spec;
    }
    Spec probe = new Spec(spec.files(), true, spec.delimiter(), false, -1, 0, false, 0, null);
    int[] found = {-1};
    ChunkScanner.Consumer<int[]> first =
        (f, r) -> {
          f[0] = r.fieldCount();
          throw new ChunkScanner.Stop();
        };
    for (String file : spec.files()) {
      try {
        StreamChunker stream = pieces.stream(file);
        if (stream == null) {
          long size = java.nio.file.Files.size(java.nio.file.Path.of(file));
          ChunkScanner.scan(probe, new FileChunk(file, 0, size), found, first);
        } else {
          for (int i = 0; stream.peek(i) != null; i++) {
            ChunkScanner.scan(probe, stream.peek(i), found, first, null);
          }
        }
      } catch (ChunkScanner.Stop stop) {
        break;
      } catch (MalformedRecordException e) {
        break; // the run itself will report it, with its position
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return spec.withFieldCount(found[0]);
  }
}
