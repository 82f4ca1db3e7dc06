package dev.cairn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A value axis of a chart panel: where a value lands along the panel's bars, and the ticks to
 * label. Linear from zero with ticks at round steps (1, 2, 2.5 or 5 × a power of ten) labelled
 * {@code 0, 250k, 500k, 1M}; or logarithmic over whole decades of nanoseconds with a tick per
 * decade labelled {@code 1 µs, 10 µs, 100 µs, 1 ms}, never a fractional power. Immutable.
 *
 * @param log true for a logarithmic axis
 * @param min the value at the axis' start (0, or a power of ten on a log axis)
 * @param max the value at its end
 * @param ticks the values to mark, ascending
 * @param labels a label per tick, empty for a tick left unlabelled (so that labels do not collide)
 */
record ChartAxis(boolean log, double min, double max, List<Double> ticks, List<String> labels) {

  /** How far along the axis {@code v} lies: 0 at {@link #min}, 1 at {@link #max}, clamped. */
  double fraction(double v) {
    double f;
    if (log) {
      double lo = Math.log10(min);
      f = v > 0 ? (Math.log10(v) - lo) / (Math.log10(max) - lo) : 0;
    } else {
      f = v / max;
    }
    return Math.max(0, Math.min(1, f));
  }

  /**
   * A linear axis from 0 that holds {@code largest}, with about four steps.
   *
   * @param largest the largest value to show; an axis to 1 when it is not positive
   */
  static ChartAxis linear(double largest) {
    double top = largest > 0 && Double.isFinite(largest) ? largest : 1;
    double step = niceStep(top / 4);
    int steps = (int) Math.ceil(top / step - 1e-9);
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i <= steps; i++) {
      ticks.add(i * step);
      labels.add(count(i * step));
    }
    return new ChartAxis(false, 0, steps * step, ticks, labels);
  }

  /** The smallest of 1, 2, 2.5 and 5 × a power of ten that is at least {@code rough}. */
  static double niceStep(double rough) {
    double p = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= rough * (1 - 1e-9)) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /**
   * A log axis of nanoseconds over the whole decades around {@code smallest} and {@code largest},
   * at least one decade; labels on every decade, or every other one when there are more than {@code
   * roomForLabels}.
   */
  static ChartAxis logNanos(double smallest, double largest, int roomForLabels) {
    double lo = smallest > 0 && Double.isFinite(smallest) ? smallest : 1000;
    double hi = largest > 0 && Double.isFinite(largest) ? Math.max(largest, lo) : lo;
    int from = (int) Math.floor(Math.log10(lo) + 1e-9);
    int to = (int) Math.ceil(Math.log10(hi) - 1e-9);
    if (to <= from) {
      to = from + 1;
    }
    int every = to - from + 1 > roomForLabels ? 2 : 1;
    List<Double> ticks = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int e = from; e <= to; e++) {
      ticks.add(Math.pow(10, e));
      labels.add((e - from) % every == 0 ? nanos(e) : "");
    }
    return new ChartAxis(true, Math.pow(10, from), Math.pow(10, to), ticks, labels);
  }

  /** {@code 10^exponent} nanoseconds as a label: {@code 1 ns, 10 µs, 100 ms, 1 s}. */
  static String nanos(int exponent) {
    String[] units = {"ns", "µs", "ms", "s"};
    int unit = Math.min(units.length - 1, Math.max(0, exponent / 3));
    long mantissa = Math.round(Math.pow(10, exponent - 3 * unit));
    return mantissa + " " + units[unit];
  }

  /** A count as a short label: {@code 0, 750, 2.5k, 1M, 1.25M}. */
  static String count(double v) {
    if (v >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (v >= 1e3) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
