package dev.cairn.conformance.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the {@link CrashReport}s of every crash campaign run in this JVM, so the certification
 * report can include a crash-and-fault section.
 *
 * <p>Thread-safe. Reports accumulate until {@link #clear()}.
 */
public final class CrashReports {

  private static final List<CrashReport> REPORTS = new ArrayList<>();

  private CrashReports() {}

  /** Adds a report. */
  public static synchronized void record(CrashReport report) {
    REPORTS.add(report);
  }

  /** Every report so far, in the order recorded. */
  public static synchronized List<CrashReport> all() {
    return List.copyOf(REPORTS);
  }

  /** Forgets every report. */
  public static synchronized void clear() {
    REPORTS.clear();
  }

  /** The reports as a text section, one line each, with totals. */
  public static synchronized String toText() {
    StringBuilder sb = new StringBuilder("Crash and fault tests\n");
    long trials = 0;
    long states = 0;
    long faults = 0;
    long failures = 0;
    for (CrashReport r : REPORTS) {
      sb.append("  ").append(r.summary()).append('\n');
      trials += r.trials();
      states += r.crashStates();
      faults += r.faultsInjected();
      failures += r.failingSeeds().size();
    }
    return sb.append(
            String.format(
                "  total: trials=%d crashStates=%d faults=%d failures=%d%n",
                trials, states, faults, failures))
        .toString();
  }
}
