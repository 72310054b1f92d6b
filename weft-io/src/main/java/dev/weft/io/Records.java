package dev.weft.io;

import dev.weft.Pool;
import dev.weft.io.internal.Chunker;
import dev.weft.io.internal.FileKinds;
import dev.weft.io.internal.Job;
import dev.weft.io.internal.Runner;
import dev.weft.io.internal.Spec;
import dev.weft.io.internal.StatsAccumulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The records of one or more files, folded in parallel on a {@link Pool}: the entry point of
 * weft-io. Immutable; every setting returns a new instance.
 *
 * {@snippet :
 * try (Pool pool = Pool.cpu()) {
 *   SortedMap<String, Stats> byStation =
 *       Records.csv(Path.of("measurements.txt")).delimiter(';').statsBy(pool, 0, 1).value();
 * }
 * }
 *
 * <p>A run splits each file into chunks aligned on line ends (see {@link FileChunk}), folds each
 * chunk on a worker from a fresh zero, and merges the partial results on the calling thread in
 * chunk order. Results do not depend on the chunk size: counts, min and max trivially, sums because
 * {@link Stats} sums exactly, user folds if their merge is associative (see {@link Fold}). Group-by
 * results are sorted by key.
 *
 * <p>A run blocks its calling thread; if that thread is interrupted (before or during the run), the
 * run's queued chunks are cancelled, running ones interrupted, and it throws {@link
 * InterruptedException} with the interrupt status cleared, as the JDK's blocking methods do. If the
 * pool is shut down during a run, it throws {@link java.util.concurrent.CancellationException}. A
 * pipe is read as a stream (see {@link #csv(Path)}). It holds at most about twice the pool's
 * parallelism chunks at once. Happens-before: actions before the call happen before every record is
 * read; everything the fold did happens before the call returns.
 */
public final class Records {
  private final Spec spec;
  private final Progress progress;

  private Records(Spec spec) {
    this(spec, null);
  }

  private Records(Spec spec, Progress progress) {
    this.spec = spec;
    this.progress = progress;
  }

  /**
   * The lines of a file, or of every regular file in a directory (sorted by name, not recursive).
   * Each line is a record of one field.
   *
   * @param path a file, a pipe or a directory
   * @return the records
   * @throws IllegalArgumentException if the path exists and is neither a regular file, a pipe, a
   *     character device nor a directory (a socket, say): its message names the path and what it is
   */
  public static Records lines(Path path) {
    return new Records(spec(files(path, null), false));
  }

  /**
   * The lines of the files in a directory whose names match a glob, such as {@code "*.log"}.
   *
   * @param directory the directory
   * @param glob the pattern for file names
   * @return the records
   */
  public static Records lines(Path directory, String glob) {
    return new Records(spec(files(directory, glob), false));
  }

  /**
   * The CSV rows of a file or of every regular file in a directory (sorted by name), comma
   * separated, without a header until {@link #header(boolean)} says so.
   *
   * <p>A regular file is read by its workers in chunks by offset. A pipe or a character device
   * ({@code /dev/stdin}, {@code <(cmd)}, a FIFO) has no length and no offsets: the calling thread
   * reads it sequentially and hands line-aligned chunks of the same size (1 MiB when automatic) to
   * the workers, so memory stays bounded by the run's window; its bad records' line numbers are
   * counted as it is read. Opening a FIFO waits for a writer, as any reader does (an interrupt ends
   * that wait too). Anything else that is not a regular file (a socket, a directory in a list of
   * files) is refused with an {@link IllegalArgumentException} such as {@code "/tmp/s is a socket,
   * not a regular file or a pipe: weft-io reads files by offset and pipes as a stream"}, here and
   * again when a run starts. A missing file fails the run with an {@link
   * java.io.UncheckedIOException} caused by {@link java.nio.file.NoSuchFileException}.
   *
   * @param path a file, a pipe or a directory
   * @return the records
   * @throws IllegalArgumentException if the path exists and is neither a regular file, a pipe, a
   *     character device nor a directory (a socket, say): its message names the path and what it is
   */
  public static Records csv(Path path) {
    return new Records(spec(files(path, null), true));
  }

  /**
   * The CSV rows of the files in a directory whose names match a glob, such as {@code "*.csv"}.
   *
   * @param directory the directory
   * @param glob the pattern for file names
   * @return the records
   */
  public static Records csv(Path directory, String glob) {
    return new Records(spec(files(directory, glob), true));
  }

  /**
   * The CSV rows of the given files, in this order.
   *
   * @param files the files
   * @return the records
   * @throws IllegalArgumentException if one exists and is neither a regular file, a pipe nor a
   *     character device (a socket, a directory): its message names the path and what it is
   */
  public static Records csv(List<Path> files) {
    files.forEach(FileKinds::requireReadable);
    return new Records(spec(files.stream().map(Path::toString).toList(), true));
  }

  private static Spec spec(List<String> files, boolean csv) {
    return new Spec(files, csv, (byte) ',', false, 0, 0, false, 5, null);
  }

  private static List<String> files(Path path, String glob) {
    Objects.requireNonNull(path, "path");
    if (!Files.isDirectory(path)) {
      if (glob != null) {
        throw new IllegalArgumentException("not a directory: " + path);
      }
      FileKinds.requireReadable(path);
      return List.of(path.toString());
    }
    PathMatcher matcher =
        glob == null ? p -> true : path.getFileSystem().getPathMatcher("glob:" + glob);
    try (Stream<Path> s = Files.list(path)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(p.getFileName()))
          .map(Path::toString)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Records with(Spec s) {
    return new Records(s, progress);
  }

  /**
   * Reports progress to a listener during each run (see {@link Progress} for when and where).
   *
   * @param listener the listener, or null for none
   * @return the new records
   */
  public Records onProgress(Progress listener) {
    return new Records(spec, listener);
  }

  /**
   * With another CSV field delimiter.
   *
   * @param delimiter one ASCII character other than {@code "}, {@code \r} and {@code \n}
   * @return the new records
   */
  public Records delimiter(char delimiter) {
    if (delimiter >= 0x80 || delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("the delimiter must be one ASCII character: " + delimiter);
    }
    return with(spec.withDelimiter((byte) delimiter));
  }

  /**
   * Whether each file's first line is a header, which is skipped (it still sets the expected field
   * count, see {@link #fieldCount(int)}).
   *
   * @param header true if the files have a header line
   * @return the new records
   */
  public Records header(boolean header) {
    return with(spec.withHeader(header));
  }

  /**
   * How many fields every CSV record must have: a positive count; 0 (the default) for the count of
   * the first record (or header) of the first non-empty file; -1 for any count.
   *
   * @param count the count, 0 or -1
   * @return the new records
   */
  public Records fieldCount(int count) {
    if (count < -1) {
      throw new IllegalArgumentException("fieldCount must be positive, 0 or -1: " + count);
    }
    return with(spec.withFieldCount(count));
  }

  /**
   * With a fixed chunk size instead of the automatic one (about four chunks per worker, between 1
   * MiB and 16 MiB). Chunks end on a line end at or after this many bytes, so any positive size
   * works; 1 makes one chunk per line.
   *
   * @param bytes bytes per chunk, positive, or 0 for automatic
   * @return the new records
   */
  public Records chunkSize(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("chunk size must be 0 (automatic) or positive: " + bytes);
    }
    return with(spec.withChunkSize(bytes));
  }

  /**
   * Skips malformed records instead of failing, reporting the first five.
   *
   * @return the new records
   */
  public Records skipBad() {
    return skipBad(5);
  }

  /**
   * Skips malformed records instead of failing, reporting the first few.
   *
   * @param report how many skipped records {@link FoldResult#badRecords()} shows
   * @return the new records
   */
  public Records skipBad(int report) {
    if (report < 0) {
      throw new IllegalArgumentException("report must not be negative: " + report);
    }
    return with(spec.withSkipBad(report));
  }

  /**
   * Keeps only the records that pass, in addition to any earlier filter.
   *
   * @param predicate the test
   * @return the new records
   */
  public Records filter(RowPredicate predicate) {
    Objects.requireNonNull(predicate, "predicate");
    RowPredicate before = spec.filter();
    RowPredicate combined = before == null ? predicate : r -> before.test(r) && predicate.test(r);
    return with(spec.withFilter(combined));
  }

  /**
   * The files read, in order.
   *
   * @return the files
   */
  public List<Path> files() {
    return spec.files().stream().map(Path::of).toList();
  }

  /**
   * The chunks a run on a pool of the given parallelism would read, lazily.
   *
   * @param parallelism the pool's parallelism (it sizes automatic chunks)
   * @return the chunks, in file order; the stream throws {@link IllegalArgumentException} when it
   *     reaches a pipe, whose chunks are known only by reading (and so consuming) it
   */
  public Stream<FileChunk> chunks(int parallelism) {
    Iterator<FileChunk> it = new Chunker(spec.files(), spec.chunkSize(), parallelism);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, 0), false);
  }

  /**
   * Counts the records that pass the filters.
   *
   * @param pool the pool
   * @return the count
   * @throws InterruptedException if the calling thread is interrupted; the run is cancelled
   * @throws MalformedRecordException for a malformed record, unless skipping
   */
  public FoldResult<Long> count(Pool pool) throws InterruptedException {
    return Runner.run(pool, spec, progress, Job.count());
  }

  /**
   * Count, exact sum, min, max and mean of a numeric field.
   *
   * @param pool the pool
   * @param field the field's index
   * @return the stats
   * @throws InterruptedException if the calling thread is interrupted; the run is cancelled
   */
  public FoldResult<Stats> stats(Pool pool, int field) throws InterruptedException {
    return stats(pool, r -> r.parseDouble(field));
  }

  /**
   * Count, exact sum, min, max and mean of a number computed from each record.
   *
   * @param pool the pool
   * @param value the number
   * @return the stats
   * @throws InterruptedException if the calling thread is interrupted; the run is cancelled
   */
  public FoldResult<Stats> stats(Pool pool, RowToDouble value) throws InterruptedException {
    FoldResult<StatsAccumulator> r = Runner.run(pool, spec, progress, Job.stats(value));
    return map(r, r.value().toStats());
  }

  /**
   * Stats of a numeric field per key, sorted by key.
   *
   * @param pool the pool
   * @param keyField the key's field
   * @param valueField the number's field
   * @return the stats per key
   * @throws InterruptedException if the calling thread is interrupted; the run is cancelled
   */
  public FoldResult<SortedMap<String, Stats>> statsBy(Pool pool, int keyField, int valueField)
      throws InterruptedException {
    FoldResult<HashMap<String, StatsAccumulator>> r =
        Runner.run(pool, spec, progress, Job.statsBy(keyField, valueField));
    TreeMap<String, Stats> sorted = new TreeMap<>();
    for (Map.Entry<String, StatsAccumulator> e : r.value().entrySet()) {
      sorted.put(e.getKey(), e.getValue().toStats());
    }
    return map(r, sorted);
  }

  /**
   * Counts records per key, sorted by key.
   *
   * @param pool the pool
   * @param keyField the key's field
   * @return the count per key
   * @throws InterruptedException if the calling thread is interrupted; the run is cancelled
   */
  public FoldResult<SortedMap<String, Long>> countBy(Pool pool, int keyField)
      throws InterruptedException {
    return foldBy(pool, keyField, Fold.of(() -> 0L, (n, r) -> n + 1, Long::sum));
  }

  /**
   * Folds all records with a user's fold.
   *
   * @param pool the pool
   * @param fold the fold
   * @param <A> the accumulator type
   * @return the folded value
   * @throws InterruptedException if the calling thread is interrupted; the run is cancelled
   */
  public <A> FoldResult<A> fold(Pool pool, Fold<A> fold) throws InterruptedException {
    return Runner.run(pool, spec, progress, Job.fold(fold));
  }

  /**
   * Folds the records of each key with a user's fold, sorted by key.
   *
   * @param pool the pool
   * @param keyField the key's field
   * @param fold the fold
   * @param <A> the accumulator type
   * @return the folded value per key
   * @throws InterruptedException if the calling thread is interrupted; the run is cancelled
   */
  public <A> FoldResult<SortedMap<String, A>> foldBy(Pool pool, int keyField, Fold<A> fold)
      throws InterruptedException {
    FoldResult<HashMap<String, A>> r = Runner.run(pool, spec, progress, Job.foldBy(keyField, fold));
    return map(r, new TreeMap<>(r.value()));
  }

  private static <V> FoldResult<V> map(FoldResult<?> r, V value) {
    return new FoldResult<>(value, r.records(), r.skipped(), r.bytes(), r.badRecords());
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add(spec.csv() ? "csv" : "lines");
    parts.add(spec.files().size() + " file(s)");
    return "Records" + parts;
  }
}
