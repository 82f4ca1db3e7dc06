package dev.cairn.conformance.certify;

import dev.cairn.conformance.crash.CrashReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crash-and-fault section of a certification report: what the campaigns of the {@code
 * crash-and-faults} group tried on the engine, and why those that did not run were skipped.
 *
 * <p>Immutable and thread-safe.
 *
 * @param selected whether the run included the {@code crash-and-faults} group
 * @param campaigns one report per campaign that ran, in the order they ran
 * @param skipped the tests of the group that were skipped, each with its reason (a capability the
 *     engine does not declare, most often)
 */
public record CrashAndFaultSection(
    boolean selected, List<CrashReport> campaigns, List<SkippedTest> skipped) {

  /** Copies the lists. */
  public CrashAndFaultSection {
    campaigns = List.copyOf(campaigns);
    skipped = List.copyOf(skipped);
  }

  /** Workloads run, over every campaign. */
  public long trials() {
    return campaigns.stream().mapToLong(CrashReport::trials).sum();
  }

  /** Crash states checked (power cuts, kills, corrupted images), over every campaign. */
  public long crashStates() {
    return campaigns.stream().mapToLong(CrashReport::crashStates).sum();
  }

  /** I/O errors injected, over every campaign. */
  public long faultsInjected() {
    return campaigns.stream().mapToLong(CrashReport::faultsInjected).sum();
  }

  /** Failing trials, over every campaign. */
  public long failures() {
    return campaigns.stream().mapToLong(r -> r.failingSeeds().size()).sum();
  }

  /** One line for a terminal: the totals, or why nothing ran. */
  public String summaryLine() {
    if (!selected) {
      return "crash and faults: not run (group not selected)";
    }
    StringBuilder sb = new StringBuilder("crash and faults: ");
    if (campaigns.isEmpty()) {
      sb.append("no campaign ran");
    } else {
      sb.append(
          String.format(
              "%d campaigns, %d trials, %d crash states, %d faults injected, %d failures",
              campaigns.size(), trials(), crashStates(), faultsInjected(), failures()));
    }
    if (!skipped.isEmpty()) {
      sb.append("; ").append(skipped.size()).append(" skipped (");
      sb.append(String.join("; ", skipped.stream().map(SkippedTest::reason).distinct().toList()));
      sb.append(')');
    }
    return sb.toString();
  }

  /** The section as the report's JSON writes it; seeds as strings, which JSON keeps exact. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("selected", selected);
    m.put("trials", trials());
    m.put("crashStates", crashStates());
    m.put("faultsInjected", faultsInjected());
    m.put("failures", failures());
    List<Object> list = new ArrayList<>();
    for (CrashReport r : campaigns) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("campaign", r.campaign());
      c.put("trials", r.trials());
      c.put("crashStates", r.crashStates());
      c.put("faultsInjected", r.faultsInjected());
      c.put("failures", r.failingSeeds().size());
      c.put("failingSeeds", r.failingSeeds().stream().map(String::valueOf).toList());
      c.put("failureMessages", r.failures());
      c.put("baseSeed", Long.toString(r.baseSeed()));
      c.put("elapsedMillis", r.elapsedMillis());
      list.add(c);
    }
    m.put("campaigns", list);
    List<Object> skips = new ArrayList<>();
    for (SkippedTest s : skipped) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("test", s.test());
      k.put("reason", s.reason());
      skips.add(k);
    }
    m.put("skipped", skips);
    return m;
  }
}
