/**
 * The engine service-provider interface: what a new place to run tasks (threads, worker processes,
 * a cluster) implements. A {@link dev.weft.spi.Engine} receives {@link dev.weft.spi.Batch batches}
 * of inputs and reports one {@link dev.weft.spi.BatchResult} per batch; {@link
 * dev.weft.spi.BatchRunner} runs a batch on the current thread for engines that run Java code
 * directly; {@link dev.weft.spi.Recorder} and {@link dev.weft.spi.WorkerRecorder} carry where each
 * worker's time went to the diagnostics.
 */
package dev.weft.spi;
