/**
 * Worker processes for a {@link dev.weft.Pool}: {@link dev.weft.process.ProcessEngine} runs a
 * pool's batches in separate JVMs on this machine, configured by {@link
 * dev.weft.process.ProcessOptions}; {@code Pool.processes(n)} finds it by itself.
 *
 * <p>Vocabulary. A <em>worker</em> is one JVM, named {@code weft-proc-<engine>-w<slot>}; a
 * replacement keeps its slot's name and gets a new pid. A worker is <em>lost</em> when it dies
 * before answering (killed, crashed, halted, out of memory at the JVM level): the inputs it had not
 * answered run again elsewhere, one per batch, and fail with {@link dev.weft.WorkerLostException}
 * after {@link dev.weft.process.ProcessOptions#maxAttempts()} workers died under them. A task past
 * its deadline ({@code MapOptions.withTaskTimeout}) has its worker killed and fails with {@link
 * dev.weft.policy.TaskTimeoutException}. What cannot cross the boundary (a result or exception that
 * does not serialize, a class the worker lacks) fails its own input with {@link
 * dev.weft.process.WorkerFailureException}.
 *
 * <p>Memory consistency: tasks run on copies. What a caller did before a call is visible to the
 * tasks only as far as the task's function and inputs carry it (they are serialized when sent);
 * what a task does is visible to the caller only through its result.
 */
package dev.weft.process;
