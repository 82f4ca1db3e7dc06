package dev.cairn.conformance.crash;

import java.util.ArrayList;
import java.util.List;

/** Counts a campaign's trials, crash states, faults and failures, and makes its report. */
final class CampaignLog {

  private static final int KEPT_MESSAGES = 3;

  private final String engine;
  private final String campaign;
  private final long baseSeed;
  private final long started = System.nanoTime();
  long trials;
  long crashStates;
  long faults;
  private final List<String> failures = new ArrayList<>();
  private final List<Long> seeds = new ArrayList<>();

  CampaignLog(String engine, String campaign, long baseSeed) {
    this.engine = engine;
    this.campaign = campaign;
    this.baseSeed = baseSeed;
  }

  void failure(long seed, String message) {
    seeds.add(seed);
    if (failures.size() < KEPT_MESSAGES) {
      failures.add("seed " + seed + ": " + message);
    }
  }

  boolean failed() {
    return !seeds.isEmpty();
  }

  CrashReport report() {
    CrashReport r =
        new CrashReport(
            engine,
            campaign,
            trials,
            crashStates,
            faults,
            failures,
            seeds,
            baseSeed,
            (System.nanoTime() - started) / 1_000_000);
    CrashReports.record(r);
    return r;
  }
}
