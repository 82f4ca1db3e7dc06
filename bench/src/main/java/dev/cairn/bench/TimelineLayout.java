package dev.cairn.bench;

import dev.cairn.bench.Canvas.Anchor;
import dev.cairn.bench.Canvas.Style;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latency-over-time chart of a report: for each workload whose runs recorded a {@link Timeline}
 * (the first round's), a latency panel with one line per target for p99 (solid) and max (dotted)
 * per second on a log axis, readwhilebursting's bursts shaded grey where they were scheduled, a
 * strip per target marking its stalled seconds, and panels of measured operations and background
 * writes per second; then the caption of {@link ChartLayout}.
 *
 * <p>Design. Time runs left to right in seconds since each run's start, so the targets' runs (one
 * after the other in the benchmark) line up by their own clocks, and bursts, which start at the
 * same offsets in every run, fall on the same seconds. Latency keeps the log axis of the bar chart
 * (a stall is a hundred or a thousand times a normal p99); throughput is linear from zero. Stalls
 * are marked below the latency panel, in the target's colour: a filled box for a second in which
 * the store's {@code stalls} statistic grew, an outlined one for a second in which no operation
 * completed. Colours are {@link EngineColors}', as in the bar chart.
 */
final class TimelineLayout implements Canvas.Drawing {

  private static final int WIDTH = ChartLayout.WIDTH;
  private static final int MARGIN = 24;
  private static final int LEFT = 84;
  private static final int LATENCY_HEIGHT = 230;
  private static final int RATE_HEIGHT = 90;
  private static final int STRIP = 12;
  private static final String INK = "#222222";
  private static final String MUTED = "#666666";
  private static final String GRID = "#e6e6e6";
  private static final String BURST = "#ececec";

  private final BenchReport report;
  private final Map<String, String> colors;
  private final Map<String, List<RunResult>> byWorkload = new LinkedHashMap<>();

  TimelineLayout(BenchReport report) {
    this.report = report;
    List<String> targets = report.targets().stream().map(TargetInfo::name).toList();
    this.colors = EngineColors.of(targets);
    for (String w : report.workloads()) {
      List<RunResult> runs = new ArrayList<>();
      for (String t : targets) {
        report.runs().stream()
            .filter(x -> x.workload().equals(w) && x.target().equals(t) && x.timeline() != null)
            .min((a, b) -> Integer.compare(a.round(), b.round()))
            .ifPresent(runs::add);
      }
      if (!runs.isEmpty()) {
        byWorkload.put(w, runs);
      }
    }
  }

  /** True if no run of the report recorded a timeline. */
  boolean isEmpty() {
    return byWorkload.isEmpty();
  }

  @Override
  public int width() {
    return WIDTH;
  }

  @Override
  public int height() {
    return (int) Math.ceil(draw(Canvas.NONE));
  }

  @Override
  public double draw(Canvas c) {
    double y = 34;
    c.text(
        MARGIN,
        y,
        "cairn bench: latency over time, per second"
            + (report.interrupted() ? " (INTERRUPTED)" : ""),
        Anchor.START,
        19,
        Style.BOLD,
        INK);
    y = legend(c, y + 26);
    c.text(
        MARGIN,
        y + 20,
        "Each second of each run: p99 (solid) and max (dotted) latency of the measured operations,"
            + " log scale; grey: the write bursts' schedule.",
        Anchor.START,
        11.5,
        Style.PLAIN,
        MUTED);
    c.text(
        MARGIN,
        y + 36,
        "Stalls, in the target's colour below the latency panel: a filled box where the store's"
            + " stalls statistic grew in that second, an outlined box where no operation completed"
            + " in it.",
        Anchor.START,
        11.5,
        Style.PLAIN,
        MUTED);
    y += 46;
    for (Map.Entry<String, List<RunResult>> e : byWorkload.entrySet()) {
      y = workload(c, y + 24, e.getKey(), e.getValue());
    }
    return new ChartLayout(report).caption(c, y + 28);
  }

  private double legend(Canvas c, double y) {
    double x = MARGIN;
    c.text(x, y, "Targets:", Anchor.START, 12, Style.BOLD, INK);
    x += ChartLayout.textWidth("Targets:", 12) + 12;
    for (Map.Entry<String, String> t : colors.entrySet()) {
      c.rect(x, y - 11, 14, 14, t.getValue(), null, t.getKey(), t.getKey());
      c.text(x + 20, y, t.getKey(), Anchor.START, 12, Style.PLAIN, INK);
      x += 14 + 6 + ChartLayout.textWidth(t.getKey(), 12) + 22;
    }
    c.line(x, y - 4, x + 24, y - 4, INK, 1.8);
    c.text(x + 30, y, "p99", Anchor.START, 12, Style.PLAIN, INK);
    x += 70;
    c.polyline(new double[] {x, x + 24}, new double[] {y - 4, y - 4}, INK, 1.4, true, null);
    c.text(x + 30, y, "max", Anchor.START, 12, Style.PLAIN, INK);
    x += 70;
    c.rect(x, y - 11, 14, 14, BURST, "#bbbbbb", null, "write burst");
    c.text(x + 20, y, "write burst", Anchor.START, 12, Style.PLAIN, INK);
    return y;
  }

  /** One workload's panels; returns the y below them. */
  private double workload(Canvas c, double y, String workload, List<RunResult> runs) {
    c.text(MARGIN, y, workload, Anchor.START, 15, Style.BOLD, INK);
    String note = runs.getFirst().note();
    if (note != null) {
      c.text(
          MARGIN + ChartLayout.textWidth(workload, 15) + 16,
          y,
          note,
          Anchor.START,
          11.5,
          Style.PLAIN,
          MUTED);
    }
    int seconds = runs.stream().mapToInt(r -> r.timeline().size()).max().orElse(1);
    ChartAxis time = timeAxis(seconds);
    double x0 = MARGIN + LEFT;
    double x1 = WIDTH - MARGIN - 10;
    double top = y + 26;
    // latency
    double smallest = Double.MAX_VALUE;
    double largest = 0;
    for (RunResult r : runs) {
      for (Timeline.Interval i : r.timeline()) {
        if (i.operations() > 0) {
          smallest = Math.min(smallest, Math.max(1, i.p99Nanos()));
          largest = Math.max(largest, i.maxNanos());
        }
      }
    }
    ChartAxis latency =
        ChartAxis.logNanos(
            smallest == Double.MAX_VALUE ? 1000 : smallest,
            largest == 0 ? 1000 : largest,
            LATENCY_HEIGHT / 16);
    double bottom = top + LATENCY_HEIGHT;
    if (workload.equals(Workload.READWHILEBURSTING.id())) {
      bursts(c, seconds, time, x0, x1, top, bottom);
    }
    yGrid(c, latency, x0, x1, top, bottom, "latency per operation (log scale)");
    for (RunResult r : runs) {
      String color = colors.get(r.target());
      lines(c, r, time, latency, x0, x1, top, bottom, color, true);
      lines(c, r, time, latency, x0, x1, top, bottom, color, false);
    }
    double y2 = xAxis(c, time, x0, x1, bottom, seconds);
    y2 = stalls(c, runs, time, x0, x1, y2 + 6);
    // measured operations per second
    y2 = ratePanel(c, runs, time, x0, x1, y2 + 14, "measured ops/s", i -> i.opsPerSecond());
    if (runs.stream().anyMatch(r -> r.timeline().stream().anyMatch(i -> i.writes() > 0))) {
      y2 =
          ratePanel(
              c,
              runs,
              time,
              x0,
              x1,
              y2 + 22,
              "background writes per second (bursts, storms)",
              i -> i.writes() * 1e9 / i.nanos());
    }
    return y2;
  }

  private static double at(ChartAxis axis, double v, double from, double to) {
    return from + axis.fraction(v) * (to - from);
  }

  /** A time axis from 0 to a whole number of steps of 1, 2, 2.5 or 5 × 10^n seconds. */
  private static ChartAxis timeAxis(int seconds) {
    double step = Math.max(1, ChartAxis.niceStep(Math.max(1, seconds) / 8.0));
    int steps = (int) Math.ceil(seconds / step - 1e-9);
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i <= steps; i++) {
      ticks.add(i * step);
      labels.add(ChartAxis.count(i * step));
    }
    return new ChartAxis(false, 0, Math.max(1, steps * step), ticks, labels);
  }

  /** Shades readwhilebursting's bursts, as scheduled: the same seconds in every run. */
  private void bursts(
      Canvas c, int seconds, ChartAxis time, double x0, double x1, double top, double b) {
    double length = report.config().burstMillis() / 1000.0;
    double every = report.config().burstEveryMillis() / 1000.0;
    for (double from = every - length; from < seconds; from += every) {
      double a = at(time, from, x0, x1);
      double e = at(time, Math.min(seconds, from + length), x0, x1);
      c.rect(
          a,
          top,
          e - a,
          b - top,
          BURST,
          null,
          null,
          String.format(Locale.ROOT, "write burst from %.1f s to %.1f s", from, from + length));
    }
  }

  private static void yGrid(
      Canvas c, ChartAxis axis, double x0, double x1, double top, double bottom, String title) {
    for (int k = 0; k < axis.ticks().size(); k++) {
      double ty = bottom - axis.fraction(axis.ticks().get(k)) * (bottom - top);
      c.line(x0, ty, x1, ty, GRID, 1);
      if (!axis.labels().get(k).isEmpty()) {
        c.text(x0 - 6, ty + 3.5, axis.labels().get(k), Anchor.END, 9.5, Style.PLAIN, MUTED);
      }
    }
    c.line(x0, top, x0, bottom, MUTED, 1);
    c.text(x0, top - 6, title, Anchor.START, 10.5, Style.ITALIC, MUTED);
  }

  /** The time axis below a panel; returns the y below its labels. */
  private static double xAxis(
      Canvas c, ChartAxis time, double x0, double x1, double bottom, int seconds) {
    c.line(x0, bottom, x1, bottom, MUTED, 1);
    for (int k = 0; k < time.ticks().size(); k++) {
      double tx = at(time, time.ticks().get(k), x0, x1);
      c.line(tx, bottom, tx, bottom + 3, MUTED, 1);
      c.text(tx, bottom + 14, time.labels().get(k), Anchor.MIDDLE, 9.5, Style.PLAIN, MUTED);
    }
    c.text(x1, bottom + 26, "seconds since the run's start", Anchor.END, 9.5, Style.PLAIN, MUTED);
    return bottom + 28;
  }

  /** A target's p99 (solid) or max (dotted) line, broken where a second had no operation. */
  private static void lines(
      Canvas c,
      RunResult r,
      ChartAxis time,
      ChartAxis latency,
      double x0,
      double x1,
      double top,
      double bottom,
      String color,
      boolean p99) {
    List<double[]> segment = new ArrayList<>();
    for (Timeline.Interval i : r.timeline()) {
      if (i.operations() == 0) {
        flush(c, segment, color, p99, r.target());
        continue;
      }
      double v = p99 ? i.p99Nanos() : i.maxNanos();
      double x = at(time, i.second() + Math.min(1, i.nanos() / 1e9) / 2, x0, x1);
      double y = bottom - latency.fraction(Math.max(1, v)) * (bottom - top);
      segment.add(new double[] {x, y});
    }
    flush(c, segment, color, p99, r.target());
  }

  private static void flush(
      Canvas c, List<double[]> segment, String color, boolean solid, String target) {
    if (segment.size() == 1) {
      double[] p = segment.getFirst();
      c.rect(p[0] - 1.5, p[1] - 1.5, 3, 3, color, null, target, null);
    } else if (segment.size() > 1) {
      double[] xs = segment.stream().mapToDouble(p -> p[0]).toArray();
      double[] ys = segment.stream().mapToDouble(p -> p[1]).toArray();
      c.polyline(xs, ys, color, solid ? 1.8 : 1.2, !solid, target);
    }
    segment.clear();
  }

  /** A strip per target marking its stalled seconds; returns the y below them. */
  private double stalls(
      Canvas c, List<RunResult> runs, ChartAxis time, double x0, double x1, double y) {
    c.text(MARGIN, y + STRIP - 2, "stalls", Anchor.START, 10.5, Style.ITALIC, MUTED);
    for (RunResult r : runs) {
      String color = colors.get(r.target());
      c.text(x0 - 6, y + STRIP - 2, r.target(), Anchor.END, 9.5, Style.PLAIN, INK);
      c.line(x0, y + STRIP / 2.0, x1, y + STRIP / 2.0, GRID, 1);
      for (Timeline.Interval i : r.timeline()) {
        if (i.stall() == null) {
          continue;
        }
        double a = at(time, i.second(), x0, x1);
        double e = at(time, i.second() + Math.min(1, i.nanos() / 1e9), x0, x1);
        boolean grew = Timeline.STALLS_GREW.equals(i.stall());
        String tip =
            r.target()
                + " second "
                + i.second()
                + (grew ? ": stalls statistic grew by " + i.stalls() : ": no operation completed");
        c.rect(
            a + 0.5,
            y + 1,
            Math.max(2, e - a - 1),
            STRIP - 2,
            grew ? color : "#ffffff",
            color,
            r.target(),
            tip);
      }
      y += STRIP + 2;
    }
    return y;
  }

  /** A panel of a per-second rate, a line per target, linear from zero; returns the y below. */
  private double ratePanel(
      Canvas c,
      List<RunResult> runs,
      ChartAxis time,
      double x0,
      double x1,
      double top,
      String title,
      java.util.function.ToDoubleFunction<Timeline.Interval> rate) {
    double largest = 0;
    for (RunResult r : runs) {
      for (Timeline.Interval i : r.timeline()) {
        if (i.nanos() >= Timeline.INTERVAL_NANOS / 2) {
          largest = Math.max(largest, rate.applyAsDouble(i));
        }
      }
    }
    ChartAxis axis = ChartAxis.linear(largest);
    double bottom = top + RATE_HEIGHT;
    yGrid(c, axis, x0, x1, top, bottom, title);
    for (RunResult r : runs) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (Timeline.Interval i : r.timeline()) {
        if (i.nanos() < Timeline.INTERVAL_NANOS / 2) {
          continue; // a run's last, short second: its rate is noise
        }
        xs.add(at(time, i.second() + Math.min(1, i.nanos() / 1e9) / 2, x0, x1));
        ys.add(bottom - axis.fraction(rate.applyAsDouble(i)) * (bottom - top));
      }
      c.polyline(
          xs.stream().mapToDouble(Double::doubleValue).toArray(),
          ys.stream().mapToDouble(Double::doubleValue).toArray(),
          colors.get(r.target()),
          1.6,
          false,
          r.target());
    }
    return xAxis(c, time, x0, x1, bottom, 0);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "TimelineLayout%s", byWorkload.keySet());
  }
}
