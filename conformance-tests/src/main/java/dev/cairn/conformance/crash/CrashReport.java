package dev.cairn.conformance.crash;

import java.util.List;

/**
 * The outcome of one crash or fault campaign on one engine, for the certification report.
 *
 * @param engine the provider's name
 * @param campaign what was tried ("random power cuts", "I/O errors at every injection point", ...)
 * @param trials workloads run
 * @param crashStates crash states checked (power cuts, kills, corrupted images: each reopen)
 * @param faultsInjected I/O errors injected
 * @param failures one message per failing trial (at most a few are kept)
 * @param failingSeeds the seeds of failing trials, to replay with {@code -Dcairn.crash.seed}
 * @param baseSeed the seed trial seeds were drawn from
 * @param elapsedMillis wall time
 */
public record CrashReport(
    String engine,
    String campaign,
    long trials,
    long crashStates,
    long faultsInjected,
    List<String> failures,
    List<Long> failingSeeds,
    long baseSeed,
    long elapsedMillis) {

  /** Copies the lists. */
  public CrashReport {
    failures = List.copyOf(failures);
    failingSeeds = List.copyOf(failingSeeds);
  }

  /** True when no trial failed. */
  public boolean passed() {
    return failingSeeds.isEmpty();
  }

  /** One line for a report table. */
  public String summary() {
    return String.format(
        "%-8s %-40s trials=%d crashStates=%d faults=%d failures=%d baseSeed=%d %dms%s",
        engine,
        campaign,
        trials,
        crashStates,
        faultsInjected,
        failingSeeds.size(),
        baseSeed,
        elapsedMillis,
        failingSeeds.isEmpty() ? "" : " failing seeds " + failingSeeds);
  }
}
