/**
 * Structured concurrency on virtual threads: {@link dev.weft.scope.Scope} (fork, join, fail-fast or
 * supervised, deadline, nothing outlives the block) and the helpers built on it: {@link
 * dev.weft.scope.Scope#asCompleted}, {@link dev.weft.scope.Scope#race}, {@link
 * dev.weft.scope.Scope#par}.
 *
 * <p>Interrupts: every blocking method that can throw a checked exception ({@code join}, {@code
 * race}, {@code par}) cancels the subtasks it waits for, waits for them to stop and throws {@link
 * java.lang.InterruptedException}; iterators ({@code completions}, {@code asCompleted}) do the same
 * but throw {@link java.util.concurrent.CancellationException} with the interrupt status set;
 * {@code close} never gives up waiting and keeps the interrupt status. Time (deadlines, the grace
 * period after which a stuck subtask is reported) is read from the scope's {@link
 * dev.weft.policy.TimeSource}.
 */
package dev.weft.scope;
