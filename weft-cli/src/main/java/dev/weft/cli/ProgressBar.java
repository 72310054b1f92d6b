package dev.weft.cli;

import dev.weft.io.Progress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for a run over files: bar, percent, bytes done of the total, rate and
 * ETA, rewritten in place with {@code '\r'}. For example:
 *
 * <pre>
 * [#########---------------]  38%  1.03 / 2.70 GB  312.4 MB/s  ETA 0:06
 * </pre>
 *
 * <p>Redraws are driven by {@link #update} calls and throttled: a line is drawn at most once per
 * {@link #INTERVAL}, and none before the bar's delay has passed since it was created, so a short
 * run prints nothing. {@link #finish()} draws the final state and ends the line, so that what
 * follows starts on a line of its own; {@link #close()} ends a line left open by a failed run. Time
 * comes from an injected clock of nanoseconds, so that tests control it.
 *
 * <p>Sizes and rates are in decimal units (1 MB = 1,000,000 bytes), as in {@code weft agg}'s
 * summary line. The rate is the average since the bar was created; the ETA assumes it holds.
 *
 * <p>Not thread-safe: weft-io calls {@link Progress#update} on the thread that started the run, and
 * {@link #finish()} and {@link #close()} belong on that thread too.
 */
final class ProgressBar implements Progress, AutoCloseable {
  /** When the bar is drawn: {@code --progress}'s values. */
  enum Mode {
    /** Only when stderr is a terminal, and only once the run has lasted {@link #AUTO_DELAY}. */
    auto,
    /** Whatever stderr is, from the first update on (still throttled). */
    always,
    /** Never. */
    never
  }

  /** The least time between two drawn lines. */
  static final long INTERVAL = 200_000_000L;

  /** How long a run must have lasted before {@link Mode#auto} draws. */
  static final long AUTO_DELAY = 1_000_000_000L;

  /** The bar's cells between the brackets. */
  static final int WIDTH = 24;

  private final PrintWriter out;
  private final LongSupplier nanoClock;
  private final boolean enabled;
  private final long delayNanos;
  private final long start;
  private long done;
  private long total;
  private long lastDraw;
  private boolean drawn;
  private boolean ended;
  private int lastLength;

  private ProgressBar(PrintWriter out, LongSupplier nanoClock, boolean enabled, long delayNanos) {
    this.out = Objects.requireNonNull(out, "out");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.enabled = enabled;
    this.delayNanos = delayNanos;
    this.start = nanoClock.getAsLong();
  }

  /**
   * A bar for {@code --progress}, started now: the run's clock starts when this is called.
   *
   * @param mode the option's value
   * @param terminal whether {@code out} goes to a terminal
   * @param out where to draw (stderr)
   * @param nanoClock a clock of nanoseconds, such as {@code System::nanoTime}
   * @return the bar; for {@link Mode#never}, or {@link Mode#auto} off a terminal, one that never
   *     draws
   */
  static ProgressBar start(Mode mode, boolean terminal, PrintWriter out, LongSupplier nanoClock) {
    return switch (mode) {
      case always -> new ProgressBar(out, nanoClock, true, 0);
      case auto -> new ProgressBar(out, nanoClock, terminal, AUTO_DELAY);
      case never -> new ProgressBar(out, nanoClock, false, 0);
    };
  }

  /**
   * Whether the user is watching a terminal, as {@link Mode#auto} needs to know: {@link
   * System#console()} exists and {@link java.io.Console#isTerminal() is a terminal}. The JDK's test
   * is that stdin and stdout are a terminal, which stands in for stderr; a redirected stdout (a
   * result written to a file) therefore turns the bar off, and {@link Mode#always} turns it on.
   *
   * @return true if the JVM's console is a terminal
   */
  static boolean stderrIsTerminal() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }

  @Override
  public void update(long bytesDone, long bytesTotal) {
    done = bytesDone;
    total = bytesTotal;
    if (!enabled || ended) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (now - start < delayNanos || (drawn && now - lastDraw < INTERVAL)) {
      return;
    }
    draw(render(done, total, now - start, false));
    lastDraw = now;
  }

  /**
   * Draws the final state (the overall rate, "done" instead of the ETA) and ends the line, if the
   * run has lasted long enough for this bar to draw at all. Later calls do nothing.
   */
  void finish() {
    if (!enabled || ended) {
      return;
    }
    long elapsed = nanoClock.getAsLong() - start;
    if (elapsed >= delayNanos) {
      draw(render(done, total, elapsed, true));
    }
    close();
  }

  /**
   * Ends the line if one was drawn and not yet ended, leaving the last state in view, so that an
   * error message after a failed run starts on its own line. Later updates draw nothing.
   */
  @Override
  public void close() {
    if (ended) {
      return;
    }
    ended = true;
    if (drawn) {
      out.println();
      out.flush();
    }
  }

  private void draw(String line) {
    // Blank out the end of a longer previous line.
    String padding = " ".repeat(Math.max(0, lastLength - line.length()));
    out.print('\r' + line + padding);
    out.flush();
    lastLength = line.length();
    drawn = true;
  }

  /**
   * One line of the bar.
   *
   * @param done bytes done
   * @param total bytes in all; 0 counts as complete
   * @param elapsedNanos time since the run started
   * @param last whether the run has finished: "done" replaces the ETA
   * @return the line, without {@code '\r'} or a line end
   */
  static String render(long done, long total, long elapsedNanos, boolean last) {
    double fraction = total <= 0 ? 1 : Math.clamp((double) done / total, 0, 1);
    int cells = (int) Math.floor(fraction * WIDTH);
    // Floor, so that 100% means really all of it.
    int percent = total <= 0 ? 100 : (int) Math.min(100, Math.max(0, done) * 100 / total);
    double bytesPerSecond = elapsedNanos <= 0 ? Double.NaN : done / (elapsedNanos / 1e9);
    String eta;
    if (last) {
      eta = "done";
    } else if (Double.isNaN(bytesPerSecond) || bytesPerSecond <= 0) {
      eta = "ETA --:--";
    } else {
      eta = "ETA " + clock((long) Math.ceil(Math.max(0, total - done) / bytesPerSecond));
    }
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%%  %s  %s  %s",
        "#".repeat(cells),
        "-".repeat(WIDTH - cells),
        percent,
        sizes(done, total),
        Double.isNaN(bytesPerSecond)
            ? "-- MB/s"
            : String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6),
        eta);
  }

  /** Done and total in the total's unit: MB below a gigabyte, GB from one on. */
  private static String sizes(long done, long total) {
    if (total >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f / %.2f GB", done / 1e9, total / 1e9);
    }
    return String.format(Locale.ROOT, "%.1f / %.1f MB", done / 1e6, total / 1e6);
  }

  /** Seconds as m:ss, or h:mm:ss from an hour on. */
  static String clock(long seconds) {
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
