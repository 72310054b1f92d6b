/**
 * Diagnostics: where each worker's time goes. Engines report batches and waits through the {@link
 * dev.weft.spi.Recorder} SPI; {@link dev.weft.diag.TimeAccounting} adds them up and {@link
 * dev.weft.diag.PoolStats} / {@link dev.weft.diag.WorkerStats} are immutable snapshots, read with
 * {@link dev.weft.Pool#stats()}.
 *
 * <p>Vocabulary: <i>working</i> is time inside tasks; <i>waiting for input</i> is a worker with
 * nothing to do (the producer, or a consumer slower than the workers through the window, starves
 * it).
 */
package dev.weft.diag;
