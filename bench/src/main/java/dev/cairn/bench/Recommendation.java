package dev.cairn.bench;

import dev.cairn.bench.trace.OperationTrace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which engine to use for a traced workload, and why: the one a {@link TraceReplay} measured
 * fastest (highest throughput) among those that can run the trace, with its figures beside the
 * runner-up's, what the trace needs, and which engines were left out for lacking it.
 *
 * @param engine the engine recommended, or null when none could run the trace
 * @param reasons the reasons, one sentence each, figures first
 * @param ranking the measured engines, fastest first
 * @param excluded the engines that could not run the trace, each with why
 */
public record Recommendation(
    String engine, List<String> reasons, List<RunResult> ranking, List<NotApplicable> excluded) {

  /** A margin under which two engines' throughput is called a tie of the measurement. */
  static final double CLOSE = 1.10;

  /** Copies the lists. */
  public Recommendation {
    reasons = List.copyOf(reasons);
    ranking = List.copyOf(ranking);
    excluded = List.copyOf(excluded);
  }

  /** The recommendation a replay's report makes for {@code trace}. */
  public static Recommendation of(BenchReport report, OperationTrace trace) {
    List<RunResult> ranking =
        report.runs().stream()
            .filter(r -> r.workload().equals(TraceReplay.WORKLOAD))
            .sorted(Comparator.comparingDouble(RunResult::opsPerSecond).reversed())
            .toList();
    List<String> reasons = new ArrayList<>();
    reasons.add("the trace: " + trace.describe() + ".");
    if (trace.needsOrder()) {
      reasons.add(
          "it scans or deletes ranges, so it needs an engine that keeps keys in order (ORDERED_SCANS).");
    }
    if (trace.durable()) {
      reasons.add("it was recorded on a durable store, so it needs a durable engine (DURABLE).");
    }
    for (NotApplicable n : report.notApplicable()) {
      reasons.add(n.target() + " was not run: " + n.reason() + ".");
    }
    if (ranking.isEmpty()) {
      reasons.add("no engine could run the trace.");
      return new Recommendation(null, reasons, ranking, report.notApplicable());
    }
    RunResult best = ranking.getFirst();
    StringBuilder why = new StringBuilder();
    why.append(
        String.format(
            Locale.ROOT,
            "%s replayed the trace fastest: %,.0f ops/s, p50 %s, p99 %s, p99.9 %s",
            best.target(),
            best.opsPerSecond(),
            ResultTable.time(best.p50Nanos()),
            ResultTable.time(best.p99Nanos()),
            ResultTable.time(best.p999Nanos())));
    if (ranking.size() > 1) {
      RunResult next = ranking.get(1);
      double ratio = best.opsPerSecond() / Math.max(1e-9, next.opsPerSecond());
      why.append(
          String.format(
              Locale.ROOT,
              "; %.2fx the runner-up, %s (%,.0f ops/s, p99 %s)",
              ratio,
              next.target(),
              next.opsPerSecond(),
              ResultTable.time(next.p99Nanos())));
      reasons.add(why + ".");
      if (ratio < CLOSE) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "the margin is under %.0f%%: within what a busy machine varies by; replay with more"
                    + " --passes, or record a longer trace, before choosing on it.",
                (CLOSE - 1) * 100));
      }
      if (next.p99Nanos() < best.p99Nanos()) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s has the lower p99 (%s against %s): prefer it if tail latency matters more than"
                    + " throughput.",
                next.target(),
                ResultTable.time(next.p99Nanos()),
                ResultTable.time(best.p99Nanos())));
      }
    } else {
      reasons.add(why + "; the only engine that could run it.");
    }
    return new Recommendation(best.target(), reasons, ranking, report.notApplicable());
  }

  /** The recommendation as text, lines ending in {@code \n}. */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append(engine == null ? "no recommendation\n" : "recommended: " + engine + "\n");
    for (String r : reasons) {
      b.append("  - ").append(r).append('\n');
    }
    return b.toString();
  }
}
