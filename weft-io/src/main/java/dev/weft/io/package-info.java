/**
 * Files larger than memory: split into chunks aligned on line ends, parsed from bytes, folded in
 * parallel on any {@link dev.weft.Pool}, with partial results merged as they arrive.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li><b>Chunk</b> ({@link dev.weft.io.FileChunk}): a byte range {@code [start, end)} of one file
 *       that begins at the file's start or just after a {@code '\n'} and ends just after a {@code
 *       '\n'} or at the file's end. Offsets are {@code long}: files past 2 GiB are fine.
 *   <li><b>Row</b> ({@link dev.weft.io.Row}): one line, or one CSV row. A record is a reusable view
 *       over bytes, valid only during the callback that receives it; fields are parsed from bytes
 *       and become a {@code String} only when asked.
 *   <li><b>Fold</b> ({@link dev.weft.io.Fold}): zero, accumulate, merge. Each chunk is folded from
 *       zero on a worker; partial results are merged on the calling thread in chunk order.
 * </ul>
 *
 * <h2>Formats</h2>
 *
 * UTF-8 text; a byte-order mark at the start of a file is skipped; lines end with {@code \n} or
 * {@code \r\n}; the last line need not end with one. CSV fields are separated by a one-byte ASCII
 * delimiter and may be quoted with {@code "}, a quote inside a quoted field written as {@code ""}.
 * <b>A newline inside a quoted field is not supported</b>: such a record is reported as an
 * unterminated quote. That choice is what lets any line end be a chunk boundary without a
 * sequential pre-scan. A quote in the middle of an unquoted field is an ordinary byte. Blank lines
 * in CSV are skipped; in line mode they are records with one empty field. Fields are not trimmed. A
 * pipe ({@code /dev/stdin}, {@code <(cmd)}) or a character device has no offsets: it is read
 * sequentially on the calling thread and cut into line-aligned chunks for the workers; a socket is
 * refused (see {@link dev.weft.io.Records#csv(java.nio.file.Path)}). Neither is read as empty.
 *
 * <h2>Errors</h2>
 *
 * A malformed record (wrong field count, bad number, unterminated quote, invalid UTF-8) fails the
 * whole run with {@link dev.weft.io.MalformedRecordException}, naming the file, the line number and
 * the byte offset; or, with {@link dev.weft.io.Records#skipBad()}, it is skipped, counted and the
 * first few are reported in {@link dev.weft.io.FoldResult#badRecords()}. The byte offset is exact
 * and known as the chunk is parsed; the line number is computed on demand, only for reported
 * records, by counting line ends from the start of the file up to the offset.
 *
 * <h2>Memory and threads</h2>
 *
 * Chunks are produced lazily and run through the pool's bounded window (at most about twice the
 * pool's parallelism at once), so memory does not grow with the file. Each worker reads its own
 * chunk with positional reads through a heap buffer of at most 1 MiB, so reading overlaps parsing
 * across workers.
 */
package dev.weft.io;
