package dev.weft.policy;

import dev.weft.TaskCallable;
import dev.weft.TaskFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A resilience policy: a rule applied around a task. The policies are {@link Retry}, {@link
 * Timeout}, {@link RateLimiter} and {@link Limiter}; {@link #compose} nests them.
 *
 * <p>A policy applies to any task, in three ways:
 *
 * {@snippet :
 * String page = retry.call("fetch " + url, () -> fetch(url));     // on its own, in any thread
 * List<String> pages = pool.map(retry.wrap(u -> fetch(u)), urls);  // around each element of a map
 * Policy all = retry.around(timeout).around(rateLimiter);          // composed
 * }
 *
 * <p><b>Composition order.</b> Policies compose outermost first: in {@code compose(retry, timeout,
 * rateLimiter)} (the same as {@code retry.around(timeout).around(rateLimiter)}) the retry runs the
 * timeout, which runs the rate limiter, which runs the task. So each retry attempt gets its own
 * timeout and takes its own rate-limit permit, and the timeout also bounds the wait for the permit.
 * Put the rate limiter outside the retry instead ({@code rateLimiter.around(retry)}) and one permit
 * covers all the attempts of one call.
 *
 * <p><b>Thread-safety.</b> Every policy is thread-safe, and its configuration immutable: the {@code
 * with...} methods return new policies. {@link RateLimiter} and {@link Limiter} hold state shared
 * by every thread that calls the same instance; that is their point (one rate limiter wrapped
 * around a pool's function limits the whole pool). {@link Retry} and {@link Timeout} hold none.
 *
 * <p><b>Interrupts.</b> A policy treats an interrupt of the calling thread as cancellation of the
 * whole call: a retry makes no further attempt, a wait for a permit ends, a timed task is
 * interrupted too, and {@link InterruptedException} propagates. An {@code InterruptedException}
 * thrown by the task is never retried.
 *
 * <p><b>Exceptions.</b> What the task throws propagates unchanged, unless a policy replaces it with
 * its own: {@link RetriesExhaustedException} (unchecked) when a retry gives up, {@link
 * TaskTimeoutException} (a checked {@link java.util.concurrent.TimeoutException}) when a timeout
 * expires, and {@link java.util.concurrent.RejectedExecutionException} when a limiter configured
 * with a maximum wait has no permit in time.
 *
 * <p>Happens-before: actions of the calling thread before {@code call} happen before the task runs,
 * and the task's actions happen before {@code call} returns or throws what the task threw.
 *
 * <p>The set of policies is closed (this class is sealed), so that every policy keeps the rules
 * above.
 *
 * <p>Shipped to worker processes (a function from {@link #wrap} given to a pool whose engine ships
 * work), policies are values where that means the same thing: a {@link Retry} and a {@link Timeout}
 * ship as they are (a retry's rule from {@link Retry#retryIf} and its listener must then be
 * serializable too), and a {@link Limiter} becomes a limiter of the same bound in each worker
 * process. A {@link RateLimiter} stays one bucket for all the workers: its state moves into shared
 * memory, which every worker's copy updates (see its documentation).
 */
public abstract sealed class Policy implements java.io.Serializable
    permits Retry, Timeout, RateLimiter, Limiter, ComposedPolicy {
  private static final long serialVersionUID = 1L;

  Policy() {}

  /**
   * Runs the task under this policy, in the calling thread (except {@link Timeout}, which runs it
   * on a new virtual thread).
   *
   * @param task the task
   * @param <R> the result type
   * @return the task's result
   * @throws InterruptedException if the calling thread is interrupted, or the task throws it
   * @throws Exception what the task threw, or the policy's own exception (see above)
   */
  public final <R> R call(TaskCallable<? extends R> task) throws Exception {
    return execute(Subject.DEFAULT, Objects.requireNonNull(task, "task"));
  }

  /**
   * As {@link #call(TaskCallable)}, naming the task in the policies' messages.
   *
   * @param description what the task does, such as {@code "fetch user 42"}
   * @param task the task
   * @param <R> the result type
   * @return the task's result
   * @throws InterruptedException if the calling thread is interrupted, or the task throws it
   * @throws Exception what the task threw, or the policy's own exception
   */
  public final <R> R call(String description, TaskCallable<? extends R> task) throws Exception {
    return execute(Subject.described(description), Objects.requireNonNull(task, "task"));
  }

  /**
   * A function that applies {@code fn} under this policy, for {@link dev.weft.Pool#map} and its
   * relatives: {@code pool.map(policy.wrap(fn), inputs)}. The policy's messages name the input
   * element. The function shares this policy's state: a wrapped {@link RateLimiter} limits all the
   * pool's workers together.
   *
   * @param fn the per-element function
   * @param <T> the input type
   * @param <R> the result type
   * @return the wrapped function
   */
  public final <T, R> TaskFunction<T, R> wrap(TaskFunction<? super T, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    return input -> execute(Subject.input(input), () -> fn.apply(input));
  }

  /**
   * This policy outside {@code inner}: the same as {@code Policy.compose(this, inner)}.
   *
   * @param inner the policy to run inside this one
   * @return the composed policy
   */
  public final Policy around(Policy inner) {
    return compose(this, inner);
  }

  /**
   * Nests policies, outermost first: {@code compose(a, b, c)} runs {@code a}, which runs {@code b},
   * which runs {@code c}, which runs the task. With no policies, the task runs as is.
   *
   * @param outermostFirst the policies
   * @return the composed policy
   */
  public static Policy compose(Policy... outermostFirst) {
    List<Policy> flat = new ArrayList<>();
    for (Policy p : outermostFirst) {
      Objects.requireNonNull(p, "policy");
      if (p instanceof ComposedPolicy c) {
        flat.addAll(c.policies());
      } else {
        flat.add(p);
      }
    }
    return new ComposedPolicy(flat);
  }

  /**
   * Runs the task under this policy.
   *
   * @param subject what the task is, for messages
   * @param task the task
   */
  abstract <R> R execute(Subject subject, TaskCallable<? extends R> task) throws Exception;
}
