package dev.cairn.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one benchmark run measured, or, when it was interrupted, what finished.
 *
 * @param config what was asked for
 * @param machine where it ran
 * @param targets the engines and peers measured, in the order asked for, with their durability
 *     mapping
 * @param workloads the workloads' ids in the order they run
 * @param loads one per target and round that loaded a store for the loaded workloads, in run order
 * @param runs one per workload, target and round, in run order
 * @param notApplicable the workloads a target cannot run, once per workload and target
 * @param interrupted true when the run was stopped before it finished: some cells have fewer rounds
 *     than {@link BenchConfig#repeat}, or none
 * @param peakResidentBytes the process's peak resident memory at the end of the run, -1 unknown
 * @param wallNanos the run's wall time
 */
public record BenchReport(
    BenchConfig config,
    Machine machine,
    List<TargetInfo> targets,
    List<String> workloads,
    List<LoadResult> loads,
    List<RunResult> runs,
    List<NotApplicable> notApplicable,
    boolean interrupted,
    long peakResidentBytes,
    long wallNanos) {

  /** Copies the lists. */
  public BenchReport {
    targets = List.copyOf(targets);
    workloads = List.copyOf(workloads);
    loads = List.copyOf(loads);
    runs = List.copyOf(runs);
    notApplicable = List.copyOf(notApplicable);
  }

  /**
   * Every workload on every target: workloads in run order, and within each the targets in the
   * order asked for (the same order in every workload).
   */
  public List<Cell> cells() {
    List<Cell> out = new ArrayList<>();
    for (String w : workloads) {
      for (TargetInfo t : targets) {
        out.add(cell(w, t.name()));
      }
    }
    return out;
  }

  /** The cell of workload {@code w} on target {@code t}. */
  public Cell cell(String w, String t) {
    for (NotApplicable n : notApplicable) {
      if (n.workload().equals(w) && n.target().equals(t)) {
        return new Cell(w, t, Cell.Status.NOT_APPLICABLE, n.reason(), List.of());
      }
    }
    List<RunResult> rounds =
        runs.stream().filter(x -> x.workload().equals(w) && x.target().equals(t)).toList();
    return rounds.isEmpty()
        ? new Cell(w, t, Cell.Status.NOT_RUN, "interrupted", rounds)
        : new Cell(w, t, Cell.Status.MEASURED, null, rounds);
  }
}
