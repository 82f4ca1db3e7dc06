package dev.cairn.bench;

import java.util.List;

/**
 * The figures of one workload on one target. Latencies are in nanoseconds, measured per operation
 * (per batch for fillbatch) with HdrHistogram at three significant digits.
 *
 * @param workload the workload's id
 * @param target the engine or peer
 * @param round the round it was measured in, from 1 (see {@link BenchConfig#repeat})
 * @param threads client threads
 * @param operations measured operations (puts, for fillbatch)
 * @param durationNanos wall time of the measured phase
 * @param opsPerSecond throughput
 * @param meanNanos mean latency
 * @param p50Nanos median latency
 * @param p99Nanos 99th percentile
 * @param p999Nanos 99.9th percentile
 * @param maxNanos the largest latency
 * @param found reads that found a value, -1 when the workload does not read
 * @param diskBytes bytes on disk after a fresh workload, -1 for loaded ones
 * @param phases the measured operations split by what ran beside them (during and between write
 *     bursts, during and after background work, small and large values), empty for workloads
 *     without phases; a background writer's own operations are a phase too
 * @param note how the phases were told apart (for readwhilecompacting: whether the store reported
 *     its pending background work or a fixed window was used), or null
 * @param timeline latency and throughput per second, or null when none was recorded
 */
public record RunResult(
    String workload,
    String target,
    int round,
    int threads,
    long operations,
    long durationNanos,
    double opsPerSecond,
    double meanNanos,
    long p50Nanos,
    long p99Nanos,
    long p999Nanos,
    long maxNanos,
    long found,
    long diskBytes,
    List<Phase> phases,
    String note,
    List<Timeline.Interval> timeline) {

  /** Copies the lists. */
  public RunResult {
    phases = List.copyOf(phases);
    timeline = timeline == null ? null : List.copyOf(timeline);
  }

  /** A result without phases or timeline. */
  public RunResult(
      String workload,
      String target,
      int round,
      int threads,
      long operations,
      long durationNanos,
      double opsPerSecond,
      double meanNanos,
      long p50Nanos,
      long p99Nanos,
      long p999Nanos,
      long maxNanos,
      long found,
      long diskBytes) {
    this(
        workload,
        target,
        round,
        threads,
        operations,
        durationNanos,
        opsPerSecond,
        meanNanos,
        p50Nanos,
        p99Nanos,
        p999Nanos,
        maxNanos,
        found,
        diskBytes,
        List.of(),
        null,
        null);
  }

  /**
   * The operations of one phase of a run.
   *
   * @param name what the phase is ({@code "reads during bursts"})
   * @param operations operations in it
   * @param meanNanos their mean latency, 0 when there were none
   * @param p50Nanos median latency, 0 when there were none
   * @param p99Nanos 99th percentile
   * @param maxNanos the largest latency
   */
  public record Phase(
      String name,
      long operations,
      double meanNanos,
      long p50Nanos,
      long p99Nanos,
      long maxNanos) {}
}
