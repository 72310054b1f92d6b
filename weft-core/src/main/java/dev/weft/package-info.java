/**
 * weft: parallel and concurrent work on the JVM.
 *
 * <p>The entry point is {@link dev.weft.Pool}: {@code Pool.cpu()} for CPU work on platform threads,
 * {@code Pool.io(n)} for IO work on virtual threads, {@code Pool.on(engine)} for any other {@link
 * dev.weft.spi.Engine engine}. All of them map tasks over inputs ({@link dev.weft.Mapper}) with the
 * same guarantees.
 *
 * <h2>Vocabulary</h2>
 *
 * <ul>
 *   <li><b>task</b>: one application of a function to one input; tasks are {@link
 *       java.io.Serializable} functional interfaces ({@link dev.weft.TaskFunction} and relatives)
 *       so that they can also run in another process.
 *   <li><b>batch</b>: consecutive tasks handed to a worker together; sized automatically.
 *   <li><b>kernel</b> and <b>slice</b>: a kernel ({@link dev.weft.Pool#forRange} and relatives) is
 *       a data-parallel loop over a range of {@code int} indices; it cuts the range into contiguous
 *       slices and runs each slice as one task, so elements stay primitive.
 *   <li><b>window</b>: how many inputs a map call holds at most, from the moment it reads them
 *       until the caller has taken their results; the bound on a call's memory.
 *   <li><b>fail-fast</b> and <b>collect</b>: the two error modes. Fail-fast throws {@link
 *       dev.weft.TaskFailedException} for the first failure and cancels the rest; collect returns
 *       an {@link dev.weft.Outcome} for every input.
 * </ul>
 *
 * <h2>Memory consistency</h2>
 *
 * Actions in a thread before it passes an input to a pool happen before the task for that input
 * runs; a task's actions happen before its result is returned to the caller (from a map call, a
 * {@link dev.weft.Results} iterator, or {@link java.util.concurrent.Future#get()}).
 */
package dev.weft;
