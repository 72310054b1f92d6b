package dev.weft.cli;

import dev.weft.io.Progress;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntSupplier;
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
 * <p>The line fits the terminal's width, measured at the first draw: a line longer than the
 * terminal wraps, and {@code '\r'} then returns only to the start of its last row, leaving a
 * staircase of old lines. Narrower terminals get a shorter bar, then fewer figures (the rate, then
 * the sizes go first), down to the percentage alone.
 *
 * <p>A run stopped by Ctrl-C would leave the shell's prompt on the bar's line: while a line is
 * open, a shutdown hook ends it.
 *
 * <p>Sizes and rates are in decimal units (1 MB = 1,000,000 bytes), as everywhere in {@code weft}.
 * The rate is the average since the bar was created; the ETA assumes it holds.
 *
 * <p>Thread-safety: weft-io calls {@link Progress#update} on the thread that started the run, and
 * {@link #finish()} and {@link #close()} belong on that thread too; the shutdown hook runs on its
 * own thread, and a lock on the bar keeps it from writing in the middle of a line. Nothing blocks
 * but the writes to {@code out}.
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

  /** The bar's cells between the brackets, when the terminal is wide enough. */
  static final int WIDTH = 24;

  /** The fewest cells worth drawing; a narrower terminal gets the figures without a bar. */
  static final int MIN_CELLS = 10;

  /**
   * Registers and removes the shutdown hook that ends an open line; {@link #RUNTIME} in the
   * command, a recording one in tests.
   */
  interface Hooks {
    /** The JVM's shutdown hooks. */
    Hooks RUNTIME =
        new Hooks() {
          @Override
          public void add(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
          }

          @Override
          public void remove(Thread hook) {
            try {
              Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
              // Already shutting down: the hook runs, finds the line ended, and prints nothing.
            }
          }
        };

    /** Hooks that are never run, for bars whose end the caller controls. */
    Hooks NONE =
        new Hooks() {
          @Override
          public void add(Thread hook) {}

          @Override
          public void remove(Thread hook) {}
        };

    void add(Thread hook);

    void remove(Thread hook);
  }

  private final PrintWriter out;
  private final LongSupplier nanoClock;
  private final boolean enabled;
  private final long delayNanos;
  private final long start;
  private final IntSupplier columnsSource;
  private final Hooks hooks;
  private final Thread hook = Thread.ofPlatform().name("weft-progress-bar").unstarted(this::onExit);
  private int columns;
  private long done;
  private long total;
  private long lastDraw;
  private boolean drawn;
  private boolean ended;
  private int lastLength;

  private ProgressBar(
      PrintWriter out,
      LongSupplier nanoClock,
      boolean enabled,
      long delayNanos,
      IntSupplier columns,
      Hooks hooks) {
    this.out = Objects.requireNonNull(out, "out");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.enabled = enabled;
    this.delayNanos = delayNanos;
    this.columnsSource = Objects.requireNonNull(columns, "columns");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.start = nanoClock.getAsLong();
  }

  /**
   * A bar for {@code --progress} on stderr, started now, as {@code weft agg} draws it: "auto"
   * decides by whether stderr is a terminal, the width is the terminal's, and Ctrl-C ends the line.
   *
   * @param mode the option's value
   * @param err stderr
   * @return the bar
   */
  static ProgressBar onStderr(Mode mode, PrintWriter err) {
    return start(
        mode,
        mode == Mode.auto && Terminal.isTerminal(2),
        err,
        System::nanoTime,
        () -> Terminal.stderrColumns(System.getenv()),
        Hooks.RUNTIME);
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
    return start(mode, terminal, out, nanoClock, () -> Terminal.DEFAULT_COLUMNS, Hooks.NONE);
  }

  /**
   * A bar for {@code --progress}, started now, on a terminal of a given width.
   *
   * @param mode the option's value
   * @param terminal whether {@code out} goes to a terminal
   * @param out where to draw (stderr)
   * @param nanoClock a clock of nanoseconds, such as {@code System::nanoTime}
   * @param columns the terminal's width, asked once, at the first draw
   * @param hooks where the hook that ends an open line at exit is registered
   * @return the bar
   */
  static ProgressBar start(
      Mode mode,
      boolean terminal,
      PrintWriter out,
      LongSupplier nanoClock,
      IntSupplier columns,
      Hooks hooks) {
    return switch (mode) {
      case always -> new ProgressBar(out, nanoClock, true, 0, columns, hooks);
      case auto -> new ProgressBar(out, nanoClock, terminal, AUTO_DELAY, columns, hooks);
      case never -> new ProgressBar(out, nanoClock, false, 0, columns, hooks);
    };
  }

  @Override
  public synchronized void update(long bytesDone, long bytesTotal) {
    done = bytesDone;
    total = bytesTotal;
    if (!enabled || ended) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (now - start < delayNanos || (drawn && now - lastDraw < INTERVAL)) {
      return;
    }
    draw(done, total, now - start, false);
    lastDraw = now;
  }

  /**
   * Draws the final state (the overall rate, "done" instead of the ETA) and ends the line, if the
   * run has lasted long enough for this bar to draw at all. Later calls do nothing.
   */
  synchronized void finish() {
    if (!enabled || ended) {
      return;
    }
    long elapsed = nanoClock.getAsLong() - start;
    if (elapsed >= delayNanos) {
      draw(done, total, elapsed, true);
    }
    close();
  }

  /**
   * Ends the line if one was drawn and not yet ended, leaving the last state in view, so that an
   * error message after a failed run starts on its own line. Later updates draw nothing.
   */
  @Override
  public synchronized void close() {
    if (ended) {
      return;
    }
    ended = true;
    if (drawn) {
      out.println();
      out.flush();
      hooks.remove(hook);
    }
  }

  /** The shutdown hook: a JVM ended by Ctrl-C while a line is open leaves the prompt after it. */
  private synchronized void onExit() {
    if (drawn && !ended) {
      ended = true;
      out.println();
      out.flush();
    }
  }

  /**
   * The shutdown hook, for tests that run it as the JVM would.
   *
   * @return the hook thread, unstarted
   */
  Thread exitHook() {
    return hook;
  }

  private void draw(long done, long total, long elapsedNanos, boolean last) {
    if (!drawn) {
      columns = columnsSource.getAsInt();
      hooks.add(hook);
    }
    String line = render(done, total, elapsedNanos, last, columns);
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
    return render(done, total, elapsedNanos, last, Terminal.DEFAULT_COLUMNS);
  }

  /**
   * One line of the bar, at most {@code columns - 3} characters: writing the last column makes some
   * terminals wrap at once, and the terminal echoes Ctrl-C as {@code ^C} after the line.
   *
   * @param done bytes done
   * @param total bytes in all; 0 counts as complete
   * @param elapsedNanos time since the run started
   * @param last whether the run has finished: "done" replaces the ETA
   * @param columns the terminal's width
   * @return the line, without {@code '\r'} or a line end
   */
  static String render(long done, long total, long elapsedNanos, boolean last, int columns) {
    int room = Math.max(1, columns - 3);
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
    String pct = String.format(Locale.ROOT, "%3d%%", percent);
    String sizes = sizes(done, total);
    String rate =
        Double.isNaN(bytesPerSecond)
            ? "-- MB/s"
            : String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
    List<String> tiers =
        List.of(
            String.join("  ", pct, sizes, rate, eta),
            String.join("  ", pct, sizes, eta),
            String.join("  ", pct, eta));
    for (String figures : tiers) {
      int cells = Math.min(WIDTH, room - figures.length() - 3);
      if (cells >= MIN_CELLS) {
        return bar(done, total, cells) + " " + figures;
      }
    }
    for (String figures : tiers) {
      if (figures.length() <= room) {
        return figures;
      }
    }
    return pct.length() <= room
        ? pct
        : pct.strip().substring(0, Math.min(room, pct.strip().length()));
  }

  private static String bar(long done, long total, int width) {
    double fraction = total <= 0 ? 1 : Math.clamp((double) done / total, 0, 1);
    int cells = (int) Math.floor(fraction * width);
    return "[" + "#".repeat(cells) + "-".repeat(width - cells) + "]";
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
