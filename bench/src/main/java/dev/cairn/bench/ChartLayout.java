package dev.cairn.bench;

import dev.cairn.bench.Canvas.Anchor;
import dev.cairn.bench.Canvas.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The picture of a report, drawn onto a {@link Canvas}: a title, a legend of the targets' colours,
 * then two sections of small panels, one panel per workload: throughput (a bar per target on a
 * linear axis from zero, the panel's own) and latency (a bar to p99, its part up to p50 darker, in
 * the target's colour, on a log axis with a tick per decade); last a caption with the run's
 * parameters and the machine.
 *
 * <p>Design. A panel per workload, each with its own axis, because one run's figures span orders of
 * magnitude (an fsync against a hash lookup): on one shared axis the slow workloads' bars vanish,
 * and a log axis under throughput bars makes 2× look like 10 %. Within a panel the bars are linear
 * from zero, so their lengths compare. Latency keeps a log axis, with decades labelled in time
 * units, because p99 is often ten or a hundred times p50; a bar ends at the number written beside
 * it (p99), as a reader expects, and the tail beyond (p99.9, max) is left to the table. Every
 * target has one colour everywhere ({@link EngineColors}), the targets keep the order asked for in
 * every panel, each row is labelled with the target's name, and a target that cannot run a workload
 * gets the reason written where its bar would be. Both formats draw through this one class, so they
 * cannot disagree.
 */
final class ChartLayout implements Canvas.Drawing {

  static final int WIDTH = 1400;
  private static final int MARGIN = 24;
  private static final int COLUMNS = 4;
  private static final int GAP_X = 24;
  private static final int GAP_Y = 16;
  private static final int ROW = 17;
  private static final int BAR = 12;
  private static final int PANEL_TITLE = 20;
  private static final int AXIS = 24;
  private static final int VALUE_ROOM = 52;
  private static final String INK = "#222222";
  private static final String MUTED = "#666666";
  private static final String GRID = "#e6e6e6";
  private static final String WHISKER = "#333333";

  /** The share of the target's colour in the part of a latency bar from p50 to p99. */
  static final double P99_SHADE = 0.45;

  /** The width a decade's label needs on a log axis. */
  private static final double LOG_LABEL_ROOM = 34;

  private final BenchReport report;
  private final List<String> targets;
  private final Map<String, String> colors;
  private final List<Cell> cells;
  private final int labelWidth;
  private final double panelWidth;

  ChartLayout(BenchReport report) {
    this.report = report;
    this.targets = report.targets().stream().map(TargetInfo::name).toList();
    this.colors = EngineColors.of(targets);
    this.cells = report.cells();
    int longest = targets.stream().mapToInt(String::length).max().orElse(4);
    this.labelWidth = (int) Math.min(110, Math.max(40, textWidth("x".repeat(longest), 10.5)));
    this.panelWidth = (WIDTH - 2.0 * MARGIN - (COLUMNS - 1) * GAP_X) / COLUMNS;
  }

  /** The colour of each target. */
  Map<String, String> colors() {
    return colors;
  }

  @Override
  public int width() {
    return WIDTH;
  }

  /** The picture's height: a dry run of {@link #draw}. */
  @Override
  public int height() {
    return (int) Math.ceil(draw(Canvas.NONE));
  }

  /** Draws the picture; returns its height. */
  @Override
  public double draw(Canvas c) {
    double y = 34;
    c.text(
        MARGIN,
        y,
        "cairn bench: throughput and latency by workload"
            + (report.interrupted() ? " (INTERRUPTED)" : ""),
        Anchor.START,
        19,
        Style.BOLD,
        INK);
    y = legend(c, y + 26);
    int repeat = report.config().repeat();
    y =
        section(
            c,
            y + 34,
            "Throughput: operations per second, higher is better",
            "Each panel has its own linear scale from 0. "
                + (repeat > 1
                    ? "Bars and numbers are the medians of "
                        + repeat
                        + " rounds; the whisker spans the slowest to the fastest round, and * marks"
                        + " a spread over "
                        + spread()
                        + "."
                    : "One round: --repeat N gives medians and the spread over N rounds."),
            true);
    y =
        section(
            c,
            y + 30,
            "Latency per operation: lower is better",
            "Log scale, a tick per decade. The dark part of a bar reaches the median (p50), the"
                + " whole bar and the number the 99th percentile (p99); p99.9 and max are in the"
                + " table and the JSON"
                + (repeat > 1 ? ". Medians of " + repeat + " rounds." : "."),
            false);
    return caption(c, y + 28);
  }

  private static String spread() {
    return String.format(Locale.ROOT, "%.1f×", Cell.WIDE_SPREAD);
  }

  private double legend(Canvas c, double y) {
    double x = MARGIN;
    c.text(x, y, "Targets:", Anchor.START, 12, Style.BOLD, INK);
    x += textWidth("Targets:", 12) + 12;
    for (String t : targets) {
      double w = 14 + 6 + textWidth(t, 12) + 22;
      if (x + w > WIDTH - MARGIN) {
        x = MARGIN + textWidth("Targets:", 12) + 12;
        y += 20;
      }
      c.rect(x, y - 11, 14, 14, colors.get(t), null, t, t);
      c.text(x + 20, y, t, Anchor.START, 12, Style.PLAIN, INK);
      x += w;
    }
    return y;
  }

  /** A section's heading and its grid of panels; returns the y below it. */
  private double section(Canvas c, double y, String heading, String note, boolean throughput) {
    c.text(MARGIN, y, heading, Anchor.START, 15, Style.BOLD, INK);
    c.text(MARGIN, y + 18, note, Anchor.START, 11.5, Style.PLAIN, MUTED);
    double top = y + 34;
    double panelHeight = PANEL_TITLE + targets.size() * ROW + AXIS;
    List<String> workloads = report.workloads();
    for (int i = 0; i < workloads.size(); i++) {
      double px = MARGIN + (i % COLUMNS) * (panelWidth + GAP_X);
      double py = top + (i / COLUMNS) * (panelHeight + GAP_Y);
      List<Cell> row = row(workloads.get(i));
      if (throughput) {
        throughputPanel(c, px, py, workloads.get(i), row);
      } else {
        latencyPanel(c, px, py, workloads.get(i), row);
      }
    }
    int rows = (workloads.size() + COLUMNS - 1) / COLUMNS;
    return top + rows * panelHeight + Math.max(0, rows - 1) * GAP_Y;
  }

  private List<Cell> row(String workload) {
    List<Cell> out = new ArrayList<>();
    for (Cell x : cells) {
      if (x.workload().equals(workload)) {
        out.add(x);
      }
    }
    return out;
  }

  private double barStart(double px) {
    return px + labelWidth + 6;
  }

  private double barEnd(double px) {
    return px + panelWidth - VALUE_ROOM;
  }

  private void throughputPanel(Canvas c, double px, double py, String workload, List<Cell> row) {
    boolean rounds = report.config().repeat() > 1;
    double largest =
        row.stream()
            .filter(x -> x.status() == Cell.Status.MEASURED)
            .mapToDouble(x -> rounds ? x.maxOpsPerSecond() : x.opsPerSecond())
            .max()
            .orElse(Double.NaN);
    ChartAxis axis = Double.isNaN(largest) ? null : ChartAxis.linear(largest);
    panelFrame(c, px, py, workload, axis);
    double x0 = barStart(px);
    double span = barEnd(px) - x0;
    for (int i = 0; i < row.size(); i++) {
      Cell cell = row.get(i);
      double ry = py + PANEL_TITLE + i * ROW;
      String color = colors.get(cell.target());
      if (cell.status() != Cell.Status.MEASURED) {
        missing(c, x0, ry, cell);
        continue;
      }
      double len = Math.max(1, axis.fraction(cell.opsPerSecond()) * span);
      c.rect(
          x0,
          ry + 2,
          len,
          BAR,
          color,
          null,
          cell.target(),
          cell.target() + " " + cell.workload() + ": " + throughputTip(cell));
      double end = x0 + len;
      if (rounds) {
        double lo = x0 + axis.fraction(cell.minOpsPerSecond()) * span;
        double hi = x0 + axis.fraction(cell.maxOpsPerSecond()) * span;
        double mid = ry + 2 + BAR / 2.0;
        c.line(lo, mid, hi, mid, WHISKER, 1.2);
        c.line(lo, mid - 4, lo, mid + 4, WHISKER, 1.2);
        c.line(hi, mid - 4, hi, mid + 4, WHISKER, 1.2);
        end = Math.max(end, hi);
      }
      String label = ChartAxis.count(round3(cell.opsPerSecond()));
      if (cell.wideSpread()) {
        label += " " + ResultTable.WIDE;
      }
      c.text(end + 4, ry + 12, label, Anchor.START, 10.5, Style.PLAIN, INK);
    }
  }

  private static String throughputTip(Cell cell) {
    String s = ResultTable.count(cell.opsPerSecond()) + " ops/s";
    if (cell.rounds().size() > 1) {
      s +=
          " (median of "
              + cell.rounds().size()
              + " rounds; "
              + ResultTable.count(cell.minOpsPerSecond())
              + "–"
              + ResultTable.count(cell.maxOpsPerSecond())
              + ")";
    }
    return s;
  }

  private void latencyPanel(Canvas c, double px, double py, String workload, List<Cell> row) {
    List<Cell> measured = row.stream().filter(x -> x.status() == Cell.Status.MEASURED).toList();
    ChartAxis axis = null;
    double x0 = barStart(px);
    double span = barEnd(px) - x0;
    if (!measured.isEmpty()) {
      double smallest =
          measured.stream().mapToDouble(Cell::p50Nanos).filter(v -> v > 0).min().orElse(1);
      double largest = measured.stream().mapToDouble(Cell::p99Nanos).max().orElse(smallest);
      axis = ChartAxis.logNanos(smallest, largest, (int) (span / LOG_LABEL_ROOM));
    }
    panelFrame(c, px, py, workload, axis);
    for (int i = 0; i < row.size(); i++) {
      Cell cell = row.get(i);
      double ry = py + PANEL_TITLE + i * ROW;
      String color = colors.get(cell.target());
      if (cell.status() != Cell.Status.MEASURED) {
        missing(c, x0, ry, cell);
        continue;
      }
      String tip =
          cell.target()
              + " "
              + cell.workload()
              + ": p50 "
              + time(cell.p50Nanos())
              + ", p99 "
              + time(cell.p99Nanos())
              + ", p99.9 "
              + time(cell.p999Nanos())
              + ", max "
              + time(cell.maxNanos());
      double p99 = Math.max(1, axis.fraction(cell.p99Nanos()) * span);
      double p50 = Math.max(1, Math.min(p99, axis.fraction(cell.p50Nanos()) * span));
      c.rect(x0, ry + 2, p99, BAR, EngineColors.tint(color, P99_SHADE), color, cell.target(), tip);
      c.rect(x0, ry + 2, p50, BAR, color, null, cell.target(), tip);
      c.text(x0 + p99 + 4, ry + 12, time(cell.p99Nanos()), Anchor.START, 10.5, Style.PLAIN, INK);
    }
  }

  /** The panel's title, its targets' names, grid lines, axis and tick labels. */
  private void panelFrame(Canvas c, double px, double py, String workload, ChartAxis axis) {
    c.text(px, py + 13, workload, Anchor.START, 12.5, Style.BOLD, INK);
    double x0 = barStart(px);
    double span = barEnd(px) - x0;
    double rowsBottom = py + PANEL_TITLE + targets.size() * ROW + 2;
    for (int i = 0; i < targets.size(); i++) {
      double ry = py + PANEL_TITLE + i * ROW;
      c.text(x0 - 6, ry + 12, targets.get(i), Anchor.END, 10.5, Style.PLAIN, INK);
    }
    if (axis == null) {
      return;
    }
    for (int k = 0; k < axis.ticks().size(); k++) {
      double tx = x0 + axis.fraction(axis.ticks().get(k)) * span;
      c.line(tx, py + PANEL_TITLE, tx, rowsBottom, GRID, 1);
      c.line(tx, rowsBottom, tx, rowsBottom + 3, MUTED, 1);
      if (!axis.labels().get(k).isEmpty()) {
        c.text(tx, rowsBottom + 14, axis.labels().get(k), Anchor.MIDDLE, 9.5, Style.PLAIN, MUTED);
      }
    }
    c.line(x0, rowsBottom, x0 + span, rowsBottom, MUTED, 1);
  }

  /** The reason a cell has no bar, where its bar would be. */
  private static void missing(Canvas c, double x0, double ry, Cell cell) {
    String why =
        cell.status() == Cell.Status.NOT_APPLICABLE
            ? "n/a (" + cell.reason() + ")"
            : "not run (" + cell.reason() + ")";
    c.text(x0 + 3, ry + 12, why, Anchor.START, 10.5, Style.ITALIC, MUTED);
  }

  /** The caption: the run's parameters and the machine; returns the picture's height. */
  double caption(Canvas c, double y) {
    BenchConfig k = report.config();
    Machine m = report.machine();
    List<String> run = new ArrayList<>();
    run.add(String.format(Locale.ROOT, "%,d records", k.records()));
    run.add(
        String.format(
            Locale.ROOT,
            "%,d ops per workload (warm-up %,d)",
            k.operations(),
            k.warmupOperations()));
    run.add(
        String.format(
            Locale.ROOT, "syncput %,d ops, %d writers", k.syncOperations(), k.syncWriters()));
    run.add(k.threads() + (k.threads() == 1 ? " thread" : " threads"));
    run.add("key " + k.keySize() + " B");
    run.add("value " + k.valueSize() + " B");
    run.add("durability " + k.durability());
    run.add(
        k.cacheBytes() < 0
            ? "each store's own cache size"
            : "cache " + ResultTable.bytes(k.cacheBytes()) + " per store");
    run.add("repeat " + k.repeat());
    run.add("seed " + k.seed());
    List<String> machine = new ArrayList<>();
    machine.add(m.cpu());
    machine.add(m.cores() + " cores");
    machine.add(ResultTable.bytes(m.memoryBytes()) + " memory");
    machine.add(m.os());
    machine.add("Java " + m.java());
    if (m.loadAverage() >= 0) {
      machine.add(String.format(Locale.ROOT, "load average %.1f at the end", m.loadAverage()));
    }
    machine.add(String.format(Locale.ROOT, "run took %.1f s", report.wallNanos() / 1e9));
    List<String> lines = new ArrayList<>();
    lines.addAll(wrap("Run: ", run));
    lines.addAll(wrap("Machine: ", machine));
    if (!report.notApplicable().isEmpty()) {
      lines.add(
          "n/a: the target cannot run the workload; no key order: a hash store has no ordered"
              + " scans (seekrandom, ycsb-e).");
    }
    if (report.interrupted()) {
      lines.add("INTERRUPTED: only what finished is drawn; 'not run' marks the rest.");
    }
    for (String l : lines) {
      c.text(MARGIN, y, l, Anchor.START, 11.5, Style.PLAIN, INK);
      y += 17;
    }
    return y + 4;
  }

  /** {@code parts} joined with " · " after {@code head}, in lines that fit the width. */
  private static List<String> wrap(String head, List<String> parts) {
    double room = WIDTH - 2.0 * MARGIN;
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder(head);
    boolean first = true;
    for (String p : parts) {
      String next = first ? p : " · " + p;
      if (!first && textWidth(line + next, 11.5) > room) {
        out.add(line.toString());
        line = new StringBuilder("    ").append(p);
      } else {
        line.append(next);
      }
      first = false;
    }
    out.add(line.toString());
    return out;
  }

  /** A latency as a label: {@code 850 ns, 12.3 µs, 4.50 ms}. */
  static String time(long nanos) {
    return ResultTable.time(nanos).replace(" us", " µs");
  }

  /** {@code v} to three significant digits, so that labels read 1.23M, not 1.2345M. */
  private static double round3(double v) {
    if (!(v > 0)) {
      return v;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)) - 2);
    return Math.round(v / p) * p;
  }

  /** The width of {@code s} in a sans-serif font of {@code size} px, estimated. */
  static double textWidth(String s, double size) {
    return s.length() * size * 0.58;
  }
}
