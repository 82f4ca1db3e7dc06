package dev.cairn.bench;

import java.util.List;

/** Reports made by hand, with the figures a test needs. */
final class Reports {

  private Reports() {}

  static final Machine MACHINE =
      new Machine("Test CPU", 2, 8L << 30, "Linux 6.1", "25", 1L << 30, 0.5);

  static TargetInfo target(String name) {
    return new TargetInfo(name, "peer", "test", "test store", "test memory");
  }

  /** A run of {@code ops} operations per second, latencies p50 = {@code p50}, p99 = 10 × p50. */
  static RunResult run(String workload, String target, int round, double ops, long p50) {
    return new RunResult(
        workload,
        target,
        round,
        1,
        1000,
        Math.round(1000 / ops * 1e9),
        ops,
        p50,
        p50,
        10 * p50,
        100 * p50,
        1000 * p50,
        -1,
        -1);
  }

  static BenchReport report(
      int repeat,
      List<String> targets,
      List<Workload> workloads,
      List<RunResult> runs,
      List<NotApplicable> notApplicable,
      boolean interrupted) {
    BenchConfig config =
        BenchConfig.builder()
            .targets(targets)
            .workloads(workloads)
            .records(1000)
            .operations(2000)
            .repeat(repeat)
            .build();
    return new BenchReport(
        config,
        MACHINE,
        targets.stream().map(Reports::target).toList(),
        config.runOrder().stream().map(Workload::id).toList(),
        List.of(),
        runs,
        notApplicable,
        interrupted,
        100L << 20,
        2_000_000_000L);
  }
}
