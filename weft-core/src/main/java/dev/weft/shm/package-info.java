/**
 * Memory shared between processes on one machine, and a bounded queue built on it.
 *
 * <p>{@link dev.weft.shm.SharedMemory} is a named segment that any JVM creates or attaches by name
 * and sees as a {@link java.lang.foreign.MemorySegment} or through typed views ({@link
 * dev.weft.shm.LongView}, {@link dev.weft.shm.IntView}, {@link dev.weft.shm.DoubleView}, {@link
 * dev.weft.shm.ByteView}). Large arrays reach worker processes by {@linkplain
 * dev.weft.shm.SharedMemory.Handle handle}, not by copy. {@link dev.weft.shm.SharedQueue} is a
 * bounded multi-producer multi-consumer queue between processes, the cross-process sibling of
 * {@link dev.weft.channel.Channel}.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li><b>segment</b>: the named shared memory, a file {@code weft-<name>} in {@code /dev/shm}.
 *   <li><b>reference</b>: one attachment of a segment by one process, registered in the segment's
 *       header; a segment is removed when its last reference is released.
 *   <li><b>orphan</b>: a segment that no live process references, because its holders died.
 *   <li><b>end</b>: one process's attachment of a queue; a queue fails when a process dies holding
 *       an end, so its peers see an error instead of waiting forever.
 * </ul>
 *
 * <p>Memory consistency: between processes, actions before a volatile write or atomic update of a
 * shared long happen before actions after a volatile read of it that sees the value; actions in a
 * process before it sends an element on a {@code SharedQueue} happen before the actions of the
 * process that receives that element, after its {@code receive} returns.
 */
package dev.weft.shm;
