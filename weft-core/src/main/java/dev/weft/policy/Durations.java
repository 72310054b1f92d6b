package dev.weft.policy;

import java.time.Duration;
import java.util.Objects;

/** Checks and renders durations for the policies' arguments and messages. */
final class Durations {
  private Durations() {}

  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (!d.isPositive()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    return d;
  }

  /** Nanoseconds, saturating instead of overflowing (a limit of years means "forever"). */
  static long toNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** A duration for people: {@code 250 ms}, {@code 1.5 s}, {@code 2 min}, {@code 40 µs}. */
  static String format(Duration d) {
    long nanos = toNanos(d);
    if (nanos == Long.MAX_VALUE || nanos == Long.MIN_VALUE) {
      return d.toString();
    }
    long abs = Math.abs(nanos);
    if (abs < 1_000) {
      return nanos + " ns";
    }
    if (abs < 1_000_000) {
      return trim(nanos / 1e3) + " µs";
    }
    if (abs < 1_000_000_000) {
      return trim(nanos / 1e6) + " ms";
    }
    if (abs < 60_000_000_000L || nanos % 60_000_000_000L != 0) {
      return trim(nanos / 1e9) + " s";
    }
    return nanos / 60_000_000_000L + " min";
  }

  private static String trim(double value) {
    String s = String.format(java.util.Locale.ROOT, "%.3f", value);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
