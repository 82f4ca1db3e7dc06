package dev.cairn.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Formats a {@link BenchReport} as a plain-text table: one row per workload and target with
 * throughput, its ratio to the best target of that workload, and latency percentiles; then the
 * loads with bytes on disk, space amplification, memory after the load and after the last workload,
 * index bytes per key and the time to reopen the loaded store; then each target's memory (its cache
 * under the run's cache size) and durability mapping. Stateless and thread-safe.
 */
public final class ResultTable {

  private ResultTable() {}

  /** The report as text, lines ending in {@code \n}. */
  public static String format(BenchReport r) {
    StringBuilder b = new StringBuilder();
    int w = 10;
    for (TargetInfo t : r.targets()) {
      w = Math.max(w, t.name().length());
    }
    String name = "%-" + w + "s";
    b.append(
        String.format(
            Locale.ROOT,
            "%-19s " + name + " %4s %12s %7s %10s %10s %10s %10s%n",
            "workload",
            "target",
            "thr",
            "ops/s",
            "vs best",
            "p50",
            "p99",
            "p99.9",
            "max"));
    Map<String, List<RunResult>> byWorkload = new LinkedHashMap<>();
    r.runs().forEach(x -> byWorkload.computeIfAbsent(x.workload(), k -> new ArrayList<>()).add(x));
    for (List<RunResult> rows : byWorkload.values()) {
      double best = rows.stream().mapToDouble(RunResult::opsPerSecond).max().orElse(0);
      List<RunResult> sorted = new ArrayList<>(rows);
      sorted.sort((x, y) -> Double.compare(y.opsPerSecond(), x.opsPerSecond()));
      for (RunResult x : sorted) {
        b.append(
            String.format(
                Locale.ROOT,
                "%-19s " + name + " %4d %12s %7s %10s %10s %10s %10s%n",
                x.workload(),
                x.target(),
                x.threads(),
                count(x.opsPerSecond()),
                ratio(x.opsPerSecond(), best),
                time(x.p50Nanos()),
                time(x.p99Nanos()),
                time(x.p999Nanos()),
                time(x.maxNanos())));
      }
    }
    if (!r.loads().isEmpty()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%n" + name + " %10s %12s %12s %9s %12s %12s %11s %10s%n",
              "load",
              "records",
              "records/s",
              "disk",
              "space amp",
              "memory",
              "mem at end",
              "index/key",
              "reopen"));
      for (LoadResult l : r.loads()) {
        b.append(
            String.format(
                Locale.ROOT,
                name + " %10d %12s %12s %9s %12s %12s %11s %10s%n",
                l.target(),
                l.records(),
                count(l.opsPerSecond()),
                bytes(l.diskBytes()),
                Double.isFinite(l.spaceAmplification())
                    ? String.format(Locale.ROOT, "%.2fx", l.spaceAmplification())
                    : "-",
                bytes(l.memoryBytes()),
                bytes(l.endMemoryBytes()),
                Double.isFinite(l.indexBytesPerKey())
                    ? String.format(Locale.ROOT, "%.1f B", l.indexBytesPerKey())
                    : "-",
                l.reopenNanos() < 0 ? "-" : time(l.reopenNanos())));
      }
    }
    long cache = r.config().cacheBytes();
    b.append(
        String.format(
            Locale.ROOT,
            "%nmemory (%s):%n",
            cache < 0
                ? "--cache-size default: every store keeps its own cache size"
                : "cache size " + bytes(cache) + " for every store with a cache of its own"));
    for (TargetInfo t : r.targets()) {
      b.append(String.format(Locale.ROOT, "  " + name + " %s%n", t.name(), t.memory()));
    }
    b.append(
        String.format(
            Locale.ROOT, "%ndurability (%s for ordinary writes):%n", r.config().durability()));
    for (TargetInfo t : r.targets()) {
      b.append(String.format(Locale.ROOT, "  " + name + " %s%n", t.name(), t.durability()));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%npeak resident memory %s; %d cores, load average %.1f at the end; %.1f s%n",
            bytes(r.peakResidentBytes()),
            r.machine().cores(),
            r.machine().loadAverage(),
            r.wallNanos() / 1e9));
    return b.toString();
  }

  static String ratio(double value, double best) {
    if (best <= 0) {
      return "-";
    }
    return value >= best ? "best" : String.format(Locale.ROOT, "%.2fx", value / best);
  }

  static String count(double perSecond) {
    if (perSecond >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
    }
    if (perSecond >= 1e3) {
      return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", perSecond);
  }

  /** A latency in the largest unit that keeps it at least 1: ns, µs, ms or s. */
  static String time(long nanos) {
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  static String bytes(long b) {
    if (b < 0) {
      return "-";
    }
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024L * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
    if (b < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  }
}
