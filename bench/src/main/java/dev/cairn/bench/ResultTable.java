package dev.cairn.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Formats a {@link BenchReport} as a plain-text table: a row per workload and target, the targets
 * in the order asked for in every workload, with throughput, its ratio to the best target of that
 * workload, and latency percentiles; a target that cannot run a workload gets a row that says why,
 * and one an interrupted run did not reach a row that says so. Over several rounds each figure is
 * the median over the rounds, the throughput's min–max is shown beside it, and a wide spread is
 * marked with a footnote. Then the loads with bytes on disk, space amplification, memory after the
 * load and after the last workload, index bytes per key and the time to reopen the loaded store;
 * then each target's memory (its cache under the run's cache size) and durability mapping.
 * Stateless and thread-safe.
 */
public final class ResultTable {

  /** Marks a figure whose rounds spread wider than {@link Cell#WIDE_SPREAD}. */
  static final String WIDE = "*";

  private ResultTable() {}

  /** The report as text, lines ending in {@code \n}. */
  public static String format(BenchReport r) {
    StringBuilder b = new StringBuilder();
    int w = 10;
    for (TargetInfo t : r.targets()) {
      w = Math.max(w, t.name().length());
    }
    String name = "%-" + w + "s";
    int repeat = r.config().repeat();
    boolean rounds = repeat > 1;
    if (r.interrupted()) {
      b.append(
          String.format(
              Locale.ROOT,
              "INTERRUPTED after %.1f s: the figures of what finished; 'not run' marks the rest.%n",
              r.wallNanos() / 1e9));
    }
    if (rounds) {
      b.append(
          String.format(
              Locale.ROOT,
              "%d rounds: every figure is the median over the rounds; min-max is the range of the"
                  + " rounds' throughput.%n",
              repeat));
    }
    String spreadHeader = rounds ? String.format(Locale.ROOT, " %-16s", "min-max") : "";
    b.append(
        String.format(
            Locale.ROOT,
            "%-19s " + name + " %4s %12s%s %7s %10s %10s %10s %10s%n",
            "workload",
            "target",
            "thr",
            "ops/s",
            spreadHeader,
            "vs best",
            "p50",
            "p99",
            "p99.9",
            "max"));
    boolean anyWide = false;
    List<Cell> cells = r.cells();
    for (String workload : r.workloads()) {
      List<Cell> row = cells.stream().filter(c -> c.workload().equals(workload)).toList();
      double best =
          row.stream()
              .filter(c -> c.status() == Cell.Status.MEASURED)
              .mapToDouble(Cell::opsPerSecond)
              .max()
              .orElse(0);
      for (Cell c : row) {
        if (c.status() != Cell.Status.MEASURED) {
          String why =
              c.status() == Cell.Status.NOT_APPLICABLE
                  ? "n/a (" + c.reason() + ")"
                  : "not run (" + c.reason() + ")";
          b.append(
              String.format(
                  Locale.ROOT,
                  "%-19s " + name + " %4s   %s%n",
                  c.workload(),
                  c.target(),
                  "-",
                  why));
          continue;
        }
        String spread = "";
        if (rounds) {
          String range = count(c.minOpsPerSecond()) + "-" + count(c.maxOpsPerSecond());
          if (c.wideSpread()) {
            range += " " + WIDE;
            anyWide = true;
          }
          spread = String.format(Locale.ROOT, " %-16s", range);
        }
        b.append(
            String.format(
                Locale.ROOT,
                "%-19s " + name + " %4d %12s%s %7s %10s %10s %10s %10s%n",
                c.workload(),
                c.target(),
                c.threads(),
                count(c.opsPerSecond()),
                spread,
                ratio(c.opsPerSecond(), best),
                time(c.p50Nanos()),
                time(c.p99Nanos()),
                time(c.p999Nanos()),
                time(c.maxNanos())));
      }
    }
    tails(b, r);
    if (!r.loads().isEmpty()) {
      anyWide |= loads(b, r, name);
    }
    if (anyWide) {
      b.append(
          String.format(
              Locale.ROOT,
              "%n%s throughput spread over the rounds (max/min) above %.1fx: the machine was not"
                  + " steady (other load, page cache, heat); compare these with care, or raise"
                  + " --repeat.%n",
              WIDE,
              Cell.WIDE_SPREAD));
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
            Locale.ROOT,
            "%nsettings (%s):%n",
            r.config().settings().isEmpty()
                ? "no --setting: every engine at its defaults"
                : "--setting " + r.config().settings() + " for every engine that declares it"));
    for (TargetInfo t : r.targets()) {
      b.append(String.format(Locale.ROOT, "  " + name + " %s%n", t.name(), t.settings()));
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

  /**
   * The note, the phases and the timeline of each run that has them: its note (how phases were told
   * apart; a syncput's forces), a line per phase with its latencies, and the timeline summed up
   * (its seconds, the range of its per-second p99, and the seconds marked as stalls, with why).
   */
  private static void tails(StringBuilder b, BenchReport r) {
    List<RunResult> runs =
        r.runs().stream()
            .filter(x -> !x.phases().isEmpty() || x.timeline() != null || x.note() != null)
            .toList();
    if (runs.isEmpty()) {
      return;
    }
    b.append(String.format(Locale.ROOT, "%nphases and latency over time:%n"));
    for (RunResult x : runs) {
      String round = r.config().repeat() > 1 ? " (round " + x.round() + ")" : "";
      b.append(String.format(Locale.ROOT, "  %s on %s%s", x.workload(), x.target(), round));
      b.append(x.note() == null ? "\n" : ": " + x.note() + "\n");
      for (RunResult.Phase p : x.phases()) {
        b.append(
            String.format(
                Locale.ROOT,
                "    %-30s %10d ops  p50 %10s  p99 %10s  max %10s%n",
                p.name(),
                p.operations(),
                p.operations() == 0 ? "-" : time(p.p50Nanos()),
                p.operations() == 0 ? "-" : time(p.p99Nanos()),
                p.operations() == 0 ? "-" : time(p.maxNanos())));
      }
      if (x.timeline() != null) {
        b.append("    ").append(timelineSummary(x.timeline())).append('\n');
      }
    }
  }

  /** A timeline in one line: its seconds, per-second p99 range, and its stall marks. */
  static String timelineSummary(List<Timeline.Interval> t) {
    long lo = Long.MAX_VALUE;
    long hi = 0;
    List<String> grew = new java.util.ArrayList<>();
    List<String> still = new java.util.ArrayList<>();
    for (Timeline.Interval i : t) {
      if (i.operations() > 0) {
        lo = Math.min(lo, i.p99Nanos());
        hi = Math.max(hi, i.p99Nanos());
      }
      if (Timeline.STALLS_GREW.equals(i.stall())) {
        grew.add(Integer.toString(i.second()));
      } else if (Timeline.NO_PROGRESS.equals(i.stall())) {
        still.add(Integer.toString(i.second()));
      }
    }
    String s =
        String.format(
            Locale.ROOT,
            "timeline: %d s, p99 per second %s to %s",
            t.size(),
            hi == 0 ? "-" : time(lo),
            hi == 0 ? "-" : time(hi));
    if (grew.isEmpty() && still.isEmpty()) {
      return s + "; no stall marked";
    }
    if (!grew.isEmpty()) {
      s += "; the store's stalls statistic grew in second " + String.join(", ", grew);
    }
    if (!still.isEmpty()) {
      s += "; no operation completed in second " + String.join(", ", still);
    }
    return s;
  }

  /**
   * The load table: a row per target in the order asked for, each figure the median over the rounds
   * that loaded it.
   *
   * @return true if a load's throughput spread wide over the rounds (and was marked)
   */
  private static boolean loads(StringBuilder b, BenchReport r, String name) {
    boolean rounds = r.config().repeat() > 1;
    b.append(
        String.format(
            Locale.ROOT,
            "%n" + name + " %10s %14s %12s %9s %12s %12s %11s %10s%n",
            "load",
            "records",
            "records/s",
            "disk",
            "space amp",
            "memory",
            "mem at end",
            "index/key",
            "reopen"));
    boolean anyWide = false;
    for (TargetInfo t : r.targets()) {
      List<LoadResult> ls = r.loads().stream().filter(l -> l.target().equals(t.name())).toList();
      if (ls.isEmpty()) {
        continue;
      }
      double[] rate = ls.stream().mapToDouble(LoadResult::opsPerSecond).toArray();
      double min = Arrays.stream(rate).min().orElse(0);
      boolean wide =
          rounds && min > 0 && Arrays.stream(rate).max().orElse(0) / min > Cell.WIDE_SPREAD;
      anyWide |= wide;
      double amp = median(ls, LoadResult::spaceAmplification);
      double index = median(ls, LoadResult::indexBytesPerKey);
      long reopen = Math.round(median(ls, l -> l.reopenNanos()));
      b.append(
          String.format(
              Locale.ROOT,
              name + " %10d %14s %12s %9s %12s %12s %11s %10s%n",
              t.name(),
              ls.getFirst().records(),
              count(Cell.median(rate)) + (wide ? " " + WIDE : ""),
              bytes(Math.round(median(ls, l -> l.diskBytes()))),
              Double.isFinite(amp) ? String.format(Locale.ROOT, "%.2fx", amp) : "-",
              bytes(Math.round(median(ls, l -> l.memoryBytes()))),
              bytes(Math.round(median(ls, l -> l.endMemoryBytes()))),
              Double.isFinite(index) ? String.format(Locale.ROOT, "%.1f B", index) : "-",
              reopen < 0 ? "-" : time(reopen)));
    }
    return anyWide;
  }

  private static double median(List<LoadResult> ls, ToDoubleFunction<LoadResult> figure) {
    return Cell.median(ls.stream().mapToDouble(figure).toArray());
  }

  static String ratio(double value, double best) {
    if (best <= 0) {
      return "-";
    }
    if (value >= best) {
      return "best";
    }
    return value / best < 0.005 ? "<0.01x" : String.format(Locale.ROOT, "%.2fx", value / best);
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
