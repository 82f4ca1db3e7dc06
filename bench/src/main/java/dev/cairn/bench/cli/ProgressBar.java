package dev.cairn.bench.cli;

import dev.cairn.bench.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with a carriage return, at most five times a second.
 * Drawn from the benchmark's thread; {@link #close} may come from another (a shutdown hook), so
 * every method is synchronized: once closed, the bar draws nothing more. It never hides the cursor,
 * so closing it has only the line to end. Other {@code cairn} commands draw their progress with it
 * too ({@code cairn export}, {@code cairn import}).
 */
public final class ProgressBar implements ProgressListener {

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean enabled;
  private final boolean terminal;
  private String lastPhase = "";
  private long lastDraw;
  private int lastLength;
  private boolean drawn;
  private boolean closed;

  /**
   * @param terminal true to redraw one line in place; false (output is not a terminal) to print a
   *     line per phase instead
   */
  public ProgressBar(PrintWriter err, boolean enabled, boolean terminal) {
    this.err = err;
    this.enabled = enabled;
    this.terminal = terminal;
  }

  @Override
  public synchronized void progress(String phase, long done, long total) {
    if (!enabled || closed) {
      return;
    }
    if (!terminal) {
      if (!phase.equals(lastPhase)) {
        err.println(render(phase, done, total));
        err.flush();
        lastPhase = phase;
      }
      return;
    }
    long now = System.nanoTime();
    if (drawn && now - lastDraw < 200_000_000L && done < total) {
      return;
    }
    lastDraw = now;
    String line = render(phase, done, total);
    int pad = Math.max(0, lastLength - line.length());
    err.print("\r" + line + " ".repeat(pad));
    err.flush();
    lastLength = line.length();
    drawn = true;
  }

  static String render(String phase, long done, long total) {
    double f = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(f * WIDTH);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%% %s",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        Math.round(f * 100),
        phase);
  }

  /**
   * Clears the bar's line and leaves the cursor at its start, so that what is printed next starts
   * on a clean line; the bar draws nothing after. Idempotent.
   */
  public synchronized void close() {
    if (enabled && terminal && drawn && !closed) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      err.flush();
    }
    closed = true;
  }

  /**
   * Ends the bar's line as it stands, for an interrupted run: the last phase stays in sight (with
   * the {@code ^C} the terminal echoed after it), and what is printed next starts on the next line.
   * The bar draws nothing after. Idempotent, and nothing after {@link #close}.
   */
  synchronized void interrupt() {
    if (enabled && terminal && drawn && !closed) {
      err.println();
      err.flush();
    }
    closed = true;
  }
}
