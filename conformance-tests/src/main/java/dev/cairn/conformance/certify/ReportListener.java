package dev.cairn.conformance.certify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects what a certification run needs from the JUnit launcher: results per group and per
 * capability tag, failures, and the seeds the model-based tests published. Announces each group as
 * it finishes. Used by the launcher's thread(s); synchronized.
 */
final class ReportListener implements TestExecutionListener {

  static final String GROUP_TAG = "group:";
  static final String CAPABILITY_TAG = "capability:";
  static final String REFUSAL_TAG = "refuses:";

  /** Counts of one group or tag. */
  static final class Totals {
    int passed;
    int failed;
    int skipped;

    Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("passed", passed);
      m.put("failed", failed);
      m.put("skipped", skipped);
      return m;
    }
  }

  /** One failed test. */
  record Failure(String group, String test, String message) {}

  private final Consumer<String> progress;
  private TestPlan plan;
  final Totals totals = new Totals();
  final Map<String, Totals> groups = new TreeMap<>();
  final Map<String, Totals> tags = new TreeMap<>();
  final List<Failure> failures = new ArrayList<>();
  final Set<String> seeds = new LinkedHashSet<>();

  ReportListener(Consumer<String> progress) {
    this.progress = progress;
  }

  @Override
  public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
    this.plan = testPlan;
  }

  @Override
  public synchronized void dynamicTestRegistered(TestIdentifier id) {
    // Counted when they finish, like static tests.
  }

  @Override
  public synchronized void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest()) {
      record(id, 0);
    } else {
      group(id).ifPresent(g -> progress.accept(g + ": skipped (" + reason + ")"));
    }
  }

  @Override
  public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (id.isTest()) {
      int outcome =
          switch (result.getStatus()) {
            case SUCCESSFUL -> 1;
            case ABORTED -> 0;
            case FAILED -> -1;
          };
      record(id, outcome);
      if (outcome < 0) {
        String message =
            result.getThrowable().map(ReportListener::describe).orElse("failed without a cause");
        failures.add(new Failure(group(id).orElse("(none)"), path(id), message));
      }
      return;
    }
    if (result.getStatus() == TestExecutionResult.Status.FAILED && !id.isTest()) {
      String message = result.getThrowable().map(ReportListener::describe).orElse("failed");
      failures.add(new Failure(group(id).orElse("(none)"), path(id), message));
      totals.failed++;
      group(id).ifPresent(g -> groups.computeIfAbsent(g, k -> new Totals()).failed++);
    }
    groupContainer(id)
        .ifPresent(
            g -> {
              Totals t = groups.getOrDefault(g, new Totals());
              progress.accept(
                  String.format(
                      "%-16s %4d passed, %3d failed, %3d skipped",
                      g, t.passed, t.failed, t.skipped));
            });
  }

  @Override
  public synchronized void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
    String seed = entry.getKeyValuePairs().get("cairn.seed");
    if (seed != null) {
      seeds.add(seed);
    }
  }

  private void record(TestIdentifier id, int outcome) {
    List<Totals> counted = new ArrayList<>();
    counted.add(totals);
    group(id).ifPresent(g -> counted.add(groups.computeIfAbsent(g, k -> new Totals())));
    for (String tag : allTags(id)) {
      if (tag.startsWith(CAPABILITY_TAG) || tag.startsWith(REFUSAL_TAG)) {
        counted.add(tags.computeIfAbsent(tag, k -> new Totals()));
      }
    }
    for (Totals t : counted) {
      if (outcome > 0) {
        t.passed++;
      } else if (outcome < 0) {
        t.failed++;
      } else {
        t.skipped++;
      }
    }
  }

  /** The group's name when {@code id} is a group's class (not a test or method inside it). */
  private static Optional<String> groupContainer(TestIdentifier id) {
    if (id.isTest() || !(id.getSource().orElse(null) instanceof ClassSource)) {
      return Optional.empty();
    }
    return id.getTags().stream()
        .map(TestTag::getName)
        .filter(t -> t.startsWith(GROUP_TAG))
        .map(t -> t.substring(GROUP_TAG.length()))
        .findFirst();
  }

  /** The tags of {@code id} and of every container above it. */
  private Set<String> allTags(TestIdentifier id) {
    Set<String> out = new LinkedHashSet<>();
    for (Optional<TestIdentifier> at = Optional.of(id);
        at.isPresent();
        at = plan == null ? Optional.empty() : plan.getParent(at.get())) {
      at.get().getTags().forEach(t -> out.add(t.getName()));
    }
    return out;
  }

  private Optional<String> group(TestIdentifier id) {
    return allTags(id).stream()
        .filter(t -> t.startsWith(GROUP_TAG))
        .map(t -> t.substring(GROUP_TAG.length()))
        .findFirst();
  }

  /** The display names from the group down to the test. */
  private String path(TestIdentifier id) {
    List<String> names = new ArrayList<>();
    for (Optional<TestIdentifier> at = Optional.of(id);
        at.isPresent() && plan != null;
        at = plan.getParent(at.get())) {
      if (at.get().getSource().isEmpty() && at.get().getParentId().isEmpty()) {
        break;
      }
      if (groupContainer(at.get()).isPresent()) {
        break;
      }
      names.addFirst(at.get().getDisplayName());
    }
    return String.join(" > ", names);
  }

  private static String describe(Throwable t) {
    String s = t.toString();
    return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
  }
}
