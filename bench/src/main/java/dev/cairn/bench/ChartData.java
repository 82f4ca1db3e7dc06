package dev.cairn.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One grouped bar panel: a value per (series, category), drawn on a logarithmic axis because the
 * figures of one run span orders of magnitude (an fsync against a hash lookup).
 *
 * @param title the panel's title
 * @param axis the value axis label
 * @param categories the groups along the x axis (workloads)
 * @param series the bars within each group
 * @param values {@code values[s][c]}, NaN when absent
 */
record ChartData(
    String title, String axis, List<String> categories, List<String> series, double[][] values) {

  /** Throughput per workload, a bar per target. */
  static ChartData throughput(BenchReport r) {
    List<String> workloads = workloads(r);
    List<String> targets = targets(r);
    double[][] v = new double[targets.size()][workloads.size()];
    for (double[] row : v) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    for (RunResult x : r.runs()) {
      v[targets.indexOf(x.target())][workloads.indexOf(x.workload())] = x.opsPerSecond();
    }
    return new ChartData("Throughput (higher is better)", "operations/s", workloads, targets, v);
  }

  /** Latency percentiles per workload, bars for each target's p50, p99 and p99.9. */
  static ChartData latency(BenchReport r) {
    List<String> workloads = workloads(r);
    List<String> targets = targets(r);
    String[] pct = {"p50", "p99", "p99.9"};
    List<String> series = new ArrayList<>();
    for (String t : targets) {
      for (String p : pct) {
        series.add(t + " " + p);
      }
    }
    double[][] v = new double[series.size()][workloads.size()];
    for (double[] row : v) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    for (RunResult x : r.runs()) {
      int base = targets.indexOf(x.target()) * 3;
      int c = workloads.indexOf(x.workload());
      v[base][c] = x.p50Nanos() / 1e3;
      v[base + 1][c] = x.p99Nanos() / 1e3;
      v[base + 2][c] = x.p999Nanos() / 1e3;
    }
    return new ChartData("Latency (lower is better)", "microseconds", workloads, series, v);
  }

  private static List<String> workloads(BenchReport r) {
    Set<String> s = new LinkedHashSet<>();
    r.runs().forEach(x -> s.add(x.workload()));
    return List.copyOf(s);
  }

  private static List<String> targets(BenchReport r) {
    Set<String> s = new LinkedHashSet<>();
    r.targets().forEach(t -> s.add(t.name()));
    r.runs().forEach(x -> s.add(x.target()));
    return List.copyOf(s);
  }

  /** The smallest and largest positive values, for the log axis. */
  double[] range() {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double[] row : values) {
      for (double v : row) {
        if (v > 0 && Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (max == 0) {
      return new double[] {1, 10};
    }
    return new double[] {
      Math.pow(10, Math.floor(Math.log10(min))), Math.pow(10, Math.ceil(Math.log10(max)))
    };
  }
}
