package dev.cairn.bench;

import java.util.List;

/**
 * Everything one benchmark run measured.
 *
 * @param config what was asked for
 * @param machine where it ran
 * @param targets the engines and peers measured, with their durability mapping
 * @param loads one per target that ran loaded workloads
 * @param runs one per workload and target, workloads in run order
 * @param peakResidentBytes the process's peak resident memory at the end of the run, -1 unknown
 * @param wallNanos the run's wall time
 */
public record BenchReport(
    BenchConfig config,
    Machine machine,
    List<TargetInfo> targets,
    List<LoadResult> loads,
    List<RunResult> runs,
    long peakResidentBytes,
    long wallNanos) {

  /** Copies the lists. */
  public BenchReport {
    targets = List.copyOf(targets);
    loads = List.copyOf(loads);
    runs = List.copyOf(runs);
  }
}
