/**
 * Resilience policies: small immutable values that apply to any task, on their own, around each
 * element of a {@link dev.weft.Pool#map}, or composed.
 *
 * <ul>
 *   <li>{@link dev.weft.policy.Retry}: attempts again after a failure, with exponential backoff and
 *       full jitter, up to a number of attempts and a deadline;
 *   <li>{@link dev.weft.policy.Timeout}: interrupts a task that runs too long, and says whether it
 *       stopped;
 *   <li>{@link dev.weft.policy.RateLimiter}: a token bucket shared by all the threads that use it;
 *   <li>{@link dev.weft.policy.Limiter}: at most N tasks at once, FIFO-fair.
 * </ul>
 *
 * <p>Vocabulary. A <em>policy</em> runs a <em>task</em> (a {@link dev.weft.TaskCallable}, or a
 * {@link dev.weft.TaskFunction} applied to one input); an <em>attempt</em> is one run of the task
 * under a retry; a <em>permit</em> is the right to start one task under a rate limiter; a
 * <em>place</em> is the right to be one of the tasks running inside a limiter. Policies compose
 * <em>outermost first</em>: {@code Policy.compose(retry, timeout, rateLimiter)} gives each attempt
 * its own timeout and its own permit (see {@link dev.weft.policy.Policy}).
 *
 * <p>Cancellation. An interrupt of the calling thread cancels the whole call: no further attempt,
 * no further wait, the timed task is interrupted as well, and {@link InterruptedException}
 * propagates. So a {@code Pool} that cancels its tasks (a failure in fail-fast mode, {@code
 * shutdownNow}, closing streamed results) stops its policies too.
 *
 * <p>Time. {@link dev.weft.policy.Retry} and {@link dev.weft.policy.RateLimiter} read the clock and
 * sleep through a {@link dev.weft.policy.TimeSource}, which tests replace by virtual time.
 *
 * <p>Memory consistency: actions in a thread before it calls a policy happen before the task runs
 * (on the same thread, or on the timeout's thread), and the task's actions happen before the call
 * returns. A {@link dev.weft.policy.Limiter} also orders the tasks that follow each other in one
 * place; a {@link dev.weft.policy.RateLimiter} orders nothing.
 */
package dev.weft.policy;
