package dev.cairn.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One workload on one target over every round of a run: what the table prints in a row and the
 * chart draws as a bar. A measured cell's figures are medians over its rounds, with the minimum and
 * maximum throughput beside them; a cell can also be not applicable (the target cannot run the
 * workload) or not run (the run was interrupted first).
 *
 * @param workload the workload's id
 * @param target the engine or peer
 * @param status whether it was measured
 * @param reason why it was not measured ({@link NotApplicable#reason}, or {@code "interrupted"}),
 *     null when it was
 * @param rounds its figures, one per round that finished, in round order; empty unless measured
 */
public record Cell(
    String workload, String target, Status status, String reason, List<RunResult> rounds) {

  /**
   * A throughput spread (max / min over the rounds) above this is wide: the table marks the cell.
   */
  public static final double WIDE_SPREAD = 1.5;

  /** Whether a cell has figures. */
  public enum Status {
    /** Measured in at least one round. */
    MEASURED,
    /** The target cannot run the workload: {@link Cell#reason} says why. */
    NOT_APPLICABLE,
    /** The run was interrupted before this cell's first round finished. */
    NOT_RUN
  }

  /** Copies the rounds. */
  public Cell {
    rounds = List.copyOf(rounds);
  }

  /** The median throughput over the rounds, operations per second; NaN when not measured. */
  public double opsPerSecond() {
    return median(RunResult::opsPerSecond);
  }

  /** The lowest throughput of a round; NaN when not measured. */
  public double minOpsPerSecond() {
    return rounds.stream().mapToDouble(RunResult::opsPerSecond).min().orElse(Double.NaN);
  }

  /** The highest throughput of a round; NaN when not measured. */
  public double maxOpsPerSecond() {
    return rounds.stream().mapToDouble(RunResult::opsPerSecond).max().orElse(Double.NaN);
  }

  /** Max over min throughput: 1 for one round, NaN when not measured or a round measured 0. */
  public double spread() {
    double min = minOpsPerSecond();
    return min > 0 ? maxOpsPerSecond() / min : Double.NaN;
  }

  /** True when the rounds' throughputs spread wider than {@link #WIDE_SPREAD}. */
  public boolean wideSpread() {
    return spread() > WIDE_SPREAD;
  }

  /** The median of the rounds' median latencies. */
  public long p50Nanos() {
    return Math.round(median(x -> x.p50Nanos()));
  }

  /** The median of the rounds' 99th percentiles. */
  public long p99Nanos() {
    return Math.round(median(x -> x.p99Nanos()));
  }

  /** The median of the rounds' 99.9th percentiles. */
  public long p999Nanos() {
    return Math.round(median(x -> x.p999Nanos()));
  }

  /** The largest latency of any round. */
  public long maxNanos() {
    return rounds.stream().mapToLong(RunResult::maxNanos).max().orElse(0);
  }

  /** Client threads (the same in every round); 0 when not measured. */
  public int threads() {
    return rounds.isEmpty() ? 0 : rounds.getFirst().threads();
  }

  private double median(ToDoubleFunction<RunResult> figure) {
    return median(rounds.stream().mapToDouble(figure).toArray());
  }

  /**
   * The median of {@code values}: the middle one, or the mean of the two middle ones of an even
   * count; NaN for none.
   */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
