package dev.weft.policy;

import dev.weft.TaskCallable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Runs a task again when it fails, with exponential backoff and full jitter, up to a number of
 * attempts and within an optional deadline.
 *
 * {@snippet :
 * Retry retry = Retry.attempts(5)
 *     .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
 *     .withDeadline(Duration.ofSeconds(30))
 *     .retryOn(IOException.class);
 * String body = retry.call("GET " + url, () -> http.get(url));
 * }
 *
 * <p><b>Delays.</b> After attempt {@code n} (counting from 1) fails, the retry sleeps for a delay
 * drawn uniformly from {@code [0, min(maxDelay, base * 2^(n-1))]} ("full jitter"), so that many
 * callers failing together do not retry together. With {@code withBackoff(ZERO, ZERO)} it retries
 * at once.
 *
 * <p><b>What is retried.</b> By default every {@link Exception} is, and no result is. {@link
 * #retryOn(Class[])} and {@link #retryIf} choose the failures, {@link #retryWhileResult} the
 * results (a result that matches counts as a failed attempt). A failure that is not to be retried
 * propagates at once, unchanged; so does every {@link Error}.
 *
 * <p><b>Giving up.</b> When the attempts are used up, or the next attempt would start at or after
 * the deadline (counted from the start of the first attempt), the retry throws {@link
 * RetriesExhaustedException}, which names the attempts made and carries the last failure as its
 * cause and the first earlier ones (at most {@value RetriesExhaustedException#MAX_SUPPRESSED}) as
 * suppressed exceptions. The deadline decides when attempts may start; to bound a running attempt,
 * compose with a {@link Timeout}: {@code retry.around(timeout)}.
 *
 * <p><b>Interrupts.</b> An interrupt stops the retries at once: if the calling thread is
 * interrupted before an attempt, while sleeping between attempts, or when an attempt ends, or if
 * the task throws {@link InterruptedException}, no further attempt is made and {@code
 * InterruptedException} propagates (the interrupt status cleared, as by any method that throws it).
 *
 * <p>Thread-safety: immutable and stateless between calls; any number of threads may use one {@code
 * Retry} at once. It blocks only while sleeping between attempts (and while the task runs, in the
 * calling thread). Happens-before: each attempt's actions happen before the next attempt starts and
 * before the listener is told of it.
 */
public final class Retry extends Policy {
  private static final Duration DEFAULT_BASE = Duration.ofMillis(100);
  private static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
  private static final long serialVersionUID = 1L;
  // Serializable, so that a retry with its default rules can be shipped to a worker process.
  private static final Predicate<Exception> ANY_EXCEPTION =
      (Predicate<Exception> & java.io.Serializable) e -> true;
  private static final Predicate<Object> NO_RESULT =
      (Predicate<Object> & java.io.Serializable) r -> false;

  private final int maxAttempts;
  private final Duration base;
  private final Duration maxDelay;
  private final Duration deadline; // null: none
  private final Predicate<? super Exception> retryOnFailure;
  private final Predicate<Object> retryOnResult;
  private final Listener listener; // null: none
  private final TimeSource time;
  private final RandomGenerator random; // null: ThreadLocalRandom

  private Retry(
      int maxAttempts,
      Duration base,
      Duration maxDelay,
      Duration deadline,
      Predicate<? super Exception> retryOnFailure,
      Predicate<Object> retryOnResult,
      Listener listener,
      TimeSource time,
      RandomGenerator random) {
    this.maxAttempts = maxAttempts;
    this.base = base;
    this.maxDelay = maxDelay;
    this.deadline = deadline;
    this.retryOnFailure = retryOnFailure;
    this.retryOnResult = retryOnResult;
    this.listener = listener;
    this.time = time;
    this.random = random;
  }

  /**
   * A retry that makes at most {@code maxAttempts} attempts in all (the first one included), with
   * backoff from 100 ms up to 10 s, no deadline, retrying every exception.
   *
   * @param maxAttempts the number of attempts, at least 1
   * @return the retry
   */
  public static Retry attempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    return new Retry(
        maxAttempts,
        DEFAULT_BASE,
        DEFAULT_MAX_DELAY,
        null,
        ANY_EXCEPTION,
        NO_RESULT,
        null,
        TimeSource.system(),
        null);
  }

  /**
   * The same retry with another number of attempts.
   *
   * @param maxAttempts the number of attempts, at least 1
   * @return the new retry
   */
  public Retry withMaxAttempts(int maxAttempts) {
    int checked = attempts(maxAttempts).maxAttempts;
    return new Retry(
        checked, base, maxDelay, deadline, retryOnFailure, retryOnResult, listener, time, random);
  }

  /**
   * The same retry with other backoff: after attempt {@code n} fails it sleeps a random delay in
   * {@code [0, min(maxDelay, base * 2^(n-1))]}.
   *
   * @param base the cap of the first delay; zero retries at once
   * @param maxDelay the largest delay, at least {@code base}
   * @return the new retry
   */
  public Retry withBackoff(Duration base, Duration maxDelay) {
    Durations.nonNegative(base, "base");
    Durations.nonNegative(maxDelay, "maxDelay");
    if (maxDelay.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "maxDelay (" + maxDelay + ") must not be less than base (" + base + ")");
    }
    return new Retry(
        maxAttempts,
        base,
        maxDelay,
        deadline,
        retryOnFailure,
        retryOnResult,
        listener,
        time,
        random);
  }

  /**
   * The same retry with an overall deadline: no attempt starts at or after {@code deadline} from
   * the start of the first one. The first attempt always runs.
   *
   * @param deadline the time allowed for all attempts and delays
   * @return the new retry
   */
  public Retry withDeadline(Duration deadline) {
    Durations.positive(deadline, "deadline");
    return new Retry(
        maxAttempts,
        base,
        maxDelay,
        deadline,
        retryOnFailure,
        retryOnResult,
        listener,
        time,
        random);
  }

  /**
   * The same retry, retrying only failures that are instances of one of {@code types} (replacing
   * the previous failure rule).
   *
   * @param types the exception types to retry
   * @return the new retry
   */
  @SafeVarargs
  public final Retry retryOn(Class<? extends Exception>... types) {
    List<Class<? extends Exception>> list = new ArrayList<>();
    for (Class<? extends Exception> type : types) {
      list.add(Objects.requireNonNull(type, "type"));
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("name at least one exception type");
    }
    return retryIf(new InstanceOfAny(List.copyOf(list)));
  }

  /**
   * The same retry, retrying the failures that match {@code rule} (replacing the previous failure
   * rule).
   *
   * @param rule true for a failure to retry
   * @return the new retry
   */
  public Retry retryIf(Predicate<? super Exception> rule) {
    Objects.requireNonNull(rule, "rule");
    return new Retry(
        maxAttempts, base, maxDelay, deadline, rule, retryOnResult, listener, time, random);
  }

  /**
   * The same retry, retrying while the result matches {@code rule}: such a result counts as a
   * failed attempt. If the attempts run out on such a result, {@link
   * RetriesExhaustedException#lastResult()} holds it.
   *
   * @param rule true for a result that calls for another attempt, such as {@code r -> r == null}
   * @return the new retry
   */
  public Retry retryWhileResult(Predicate<Object> rule) {
    Objects.requireNonNull(rule, "rule");
    return new Retry(
        maxAttempts, base, maxDelay, deadline, retryOnFailure, rule, listener, time, random);
  }

  /**
   * The same retry, telling {@code listener} of every attempt as it ends, in the calling thread and
   * before any delay. If the listener throws, the retry ends with that exception (with the
   * attempt's failure, if any, suppressed in it).
   *
   * @param listener the listener (replacing the previous one)
   * @return the new retry
   */
  public Retry withListener(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    return new Retry(
        maxAttempts,
        base,
        maxDelay,
        deadline,
        retryOnFailure,
        retryOnResult,
        listener,
        time,
        random);
  }

  /**
   * The same retry on another clock and sleeper, for tests.
   *
   * @param time the time source
   * @return the new retry
   */
  public Retry withTimeSource(TimeSource time) {
    Objects.requireNonNull(time, "time");
    return new Retry(
        maxAttempts,
        base,
        maxDelay,
        deadline,
        retryOnFailure,
        retryOnResult,
        listener,
        time,
        random);
  }

  /**
   * The same retry drawing its jitter from {@code random} instead of {@link ThreadLocalRandom}: a
   * seeded generator makes the delays repeatable. It must be thread-safe if several threads use
   * this retry at once ({@link java.util.Random} is).
   *
   * @param random the random generator
   * @return the new retry
   */
  public Retry withRandom(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return new Retry(
        maxAttempts,
        base,
        maxDelay,
        deadline,
        retryOnFailure,
        retryOnResult,
        listener,
        time,
        random);
  }

  /**
   * The most attempts made, the first one included.
   *
   * @return the number of attempts
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The cap of the first delay.
   *
   * @return the base delay
   */
  public Duration baseDelay() {
    return base;
  }

  /**
   * The largest delay between attempts.
   *
   * @return the maximum delay
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * The overall deadline, if any.
   *
   * @return the deadline
   */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * The largest delay after attempt {@code attempt} fails: {@code min(maxDelay, base *
   * 2^(attempt-1))}, without overflow.
   */
  long delayCapNanos(int attempt) {
    long cap = Durations.toNanos(maxDelay);
    long b = Durations.toNanos(base);
    int shift = attempt - 1;
    if (b == 0) {
      return 0;
    }
    if (shift >= Long.numberOfLeadingZeros(b) - 1) {
      return cap; // b << shift would pass Long.MAX_VALUE, so surely past the cap
    }
    return Math.min(cap, b << shift);
  }

  private long nextDelayNanos(int attempt) {
    long cap = delayCapNanos(attempt);
    if (cap == 0) {
      return 0;
    }
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    return cap == Long.MAX_VALUE ? r.nextLong(cap) : r.nextLong(cap + 1);
  }

  @Override
  <R> R execute(Subject subject, TaskCallable<? extends R> task) throws Exception {
    long start = time.nanoTime();
    long deadlineNanos = deadline == null ? Long.MAX_VALUE : Durations.toNanos(deadline);
    List<Exception> earlier = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      if (Thread.interrupted()) {
        throw stopped(subject, attempt - 1, earlier);
      }
      R result = null;
      Exception failure = null;
      try {
        result = task.call();
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        failure = e;
      }
      boolean again = failure != null ? retryOnFailure.test(failure) : retryOnResult.test(result);
      long elapsed = time.nanoTime() - start;
      if (!again) {
        tell(
            new Attempt(attempt, result, failure, Duration.ofNanos(elapsed), Optional.empty()),
            failure);
        if (failure != null) {
          throw failure;
        }
        return result;
      }
      if (Thread.currentThread().isInterrupted()) {
        // The attempt ended because its caller was cancelled (say, by a
        // ClosedByInterruptException).
        tell(
            new Attempt(attempt, result, failure, Duration.ofNanos(elapsed), Optional.empty()),
            failure);
        Thread.interrupted();
        remember(earlier, failure);
        throw stopped(subject, attempt, earlier);
      }
      long delay = attempt < maxAttempts ? nextDelayNanos(attempt) : -1;
      boolean pastDeadline = delay >= 0 && delay >= deadlineNanos - elapsed;
      if (delay < 0 || pastDeadline) {
        tell(
            new Attempt(attempt, result, failure, Duration.ofNanos(elapsed), Optional.empty()),
            failure);
        throw new RetriesExhaustedException(
            subject.toString(),
            attempt,
            maxAttempts,
            pastDeadline ? deadline : null,
            Duration.ofNanos(elapsed),
            failure,
            result,
            earlier);
      }
      Duration next = Duration.ofNanos(delay);
      tell(
          new Attempt(attempt, result, failure, Duration.ofNanos(elapsed), Optional.of(next)),
          failure);
      remember(earlier, failure);
      try {
        time.sleep(next);
      } catch (InterruptedException e) {
        throw withSuppressed(e, earlier);
      }
    }
  }

  /** Keeps the first few failures: the first is often the root cause of the rest. */
  private static void remember(List<Exception> earlier, Exception failure) {
    if (failure != null && earlier.size() < RetriesExhaustedException.MAX_SUPPRESSED) {
      earlier.add(failure);
    }
  }

  private static InterruptedException stopped(
      Subject subject, int attempts, List<Exception> earlier) {
    return withSuppressed(
        new InterruptedException(
            "retries of "
                + subject
                + " stopped by an interrupt after "
                + attempts
                + (attempts == 1 ? " attempt" : " attempts")),
        earlier);
  }

  private static InterruptedException withSuppressed(
      InterruptedException e, List<Exception> earlier) {
    for (Exception f : earlier) {
      if (f != e) {
        e.addSuppressed(f);
      }
    }
    return e;
  }

  private void tell(Attempt attempt, Exception failure) {
    if (listener == null) {
      return;
    }
    try {
      listener.onAttempt(attempt);
    } catch (RuntimeException | Error e) {
      if (failure != null && failure != e) {
        e.addSuppressed(failure);
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Retry[attempts "
        + maxAttempts
        + ", backoff "
        + Durations.format(base)
        + " to "
        + Durations.format(maxDelay)
        + (deadline == null ? "" : ", deadline " + Durations.format(deadline))
        + "]";
  }

  /**
   * Told of each attempt as it ends; see {@link #withListener}. Called in the thread that runs the
   * retry. An attempt that throws {@link InterruptedException} ends the call without being
   * reported.
   */
  @FunctionalInterface
  public interface Listener {
    /**
     * One attempt has ended.
     *
     * @param attempt what happened
     */
    void onAttempt(Attempt attempt);
  }

  /**
   * One attempt, as a {@link Listener} sees it.
   *
   * @param number the attempt's number, from 1
   * @param result what the attempt returned (null if it failed)
   * @param failure what the attempt threw, or null if it returned
   * @param elapsed the time from the start of the first attempt to the end of this one
   * @param nextDelay the delay before the next attempt, or empty if there will be none (the attempt
   *     succeeded, is not to be retried, or the retries are exhausted or interrupted)
   */
  public record Attempt(
      int number,
      Object result,
      Exception failure,
      Duration elapsed,
      Optional<Duration> nextDelay) {
    /**
     * Whether the attempt threw.
     *
     * @return true if it failed with an exception
     */
    public boolean failed() {
      return failure != null;
    }

    /**
     * Whether another attempt follows this one.
     *
     * @return true if the retry will sleep {@link #nextDelay()} and try again
     */
    public boolean willRetry() {
      return nextDelay.isPresent();
    }
  }

  /** The rule of {@link #retryOn}: a named, serializable class, so that the retry ships. */
  private record InstanceOfAny(List<Class<? extends Exception>> types)
      implements Predicate<Exception>, java.io.Serializable {
    @Override
    public boolean test(Exception e) {
      for (Class<? extends Exception> t : types) {
        if (t.isInstance(e)) {
          return true;
        }
      }
      return false;
    }
  }
}
