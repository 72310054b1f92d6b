/**
 * The implementation of weft-process: the parent's {@link dev.weft.process.internal.Supervisor},
 * the worker's {@link dev.weft.process.internal.WorkerMain}, the frames between them ({@link
 * dev.weft.process.internal.Wire}) and the swappable {@link dev.weft.process.internal.Codec}. Not
 * exported.
 *
 * <p>Protocol, over one Unix-domain socket per worker in a private temporary directory: the worker
 * connects and says HELLO (a random token and its pid); the parent sends INIT (the initializer),
 * then per batch the FUNCTION once per worker (cached by id, FORGET evicts) and the BATCH; the
 * worker streams RESULTS (flushed every 20 ms, every 1,024 results or about every 4 MiB, and after
 * every task when a deadline is set, after a STARTED frame), then END. CANCEL interrupts a batch,
 * RECALL takes back a batch that has not started, SHUTDOWN ends the worker, RETIRING says it will
 * exit after an OutOfMemoryError or StackOverflowError.
 */
package dev.weft.process.internal;
