package dev.cairn.conformance.certify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * Collects what a certification run needs from the JUnit launcher: results and wall time per group,
 * results per capability tag, failures, skips with their reasons, and what the tests published
 * (seeds, the parameters they ran with, engines set aside). Announces each group as it starts and
 * as it finishes. Used by the launcher's thread(s); synchronized.
 */
final class ReportListener implements TestExecutionListener {

  static final String GROUP_TAG = "group:";
  static final String CAPABILITY_TAG = "capability:";
  static final String REFUSAL_TAG = "refuses:";
  static final String CRASH_GROUP = "crash-and-faults";

  /** The report entry a model-based test publishes for each seed it runs. */
  static final String SEED_ENTRY = "cairn.seed";

  /** The report entry naming an installed engine set aside by the cross-engine comparison. */
  static final String SET_ASIDE_ENTRY = "cairn.setAside";

  /** Report entries under this prefix (other than the two above) are parameters a test ran with. */
  static final String PARAMETER_PREFIX = "cairn.";

  private static final String NO_GROUP = "(none)";

  /** Failure messages longer than this (in characters) lose their middle. */
  static final int MESSAGE_LIMIT = 4000;

  /** Counts and wall time of one group or tag. */
  static final class Totals {
    int passed;
    int failed;
    int skipped;
    long elapsedMillis;

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("passed", passed);
      m.put("failed", failed);
      m.put("skipped", skipped);
      m.put("elapsedMillis", elapsedMillis);
      return m;
    }
  }

  /** One failed test. */
  record Failure(String group, String test, String message) {}

  private final Consumer<String> progress;
  private TestPlan plan;
  private long runStartNanos;
  private int groupCount;
  private final Map<String, Integer> groupIndex = new LinkedHashMap<>();
  private final Map<String, Long> groupStartNanos = new LinkedHashMap<>();

  final Totals totals = new Totals();
  final Map<String, Totals> groups = new TreeMap<>();
  final Map<String, Totals> tags = new TreeMap<>();
  final List<Failure> failures = new ArrayList<>();
  final List<SkippedTest> skips = new ArrayList<>();
  final Set<String> seeds = new LinkedHashSet<>();
  final Set<String> setAside = new LinkedHashSet<>();
  final Map<String, String> parametersUsed = new TreeMap<>();

  ReportListener(Consumer<String> progress) {
    this.progress = progress;
  }

  @Override
  public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
    this.plan = testPlan;
    this.runStartNanos = System.nanoTime();
    Set<String> planned = new LinkedHashSet<>();
    for (TestIdentifier root : testPlan.getRoots()) {
      for (TestIdentifier id : testPlan.getDescendants(root)) {
        groupContainer(id).ifPresent(planned::add);
      }
    }
    this.groupCount = planned.size();
  }

  @Override
  public synchronized void executionStarted(TestIdentifier id) {
    groupContainer(id)
        .ifPresent(
            g -> {
              groupStartNanos.put(g, System.nanoTime());
              progress.accept(counter(g) + " " + g + ": running");
            });
  }

  @Override
  public synchronized void executionSkipped(TestIdentifier id, String reason) {
    record(id, 0);
    skip(id, reason);
    groupContainer(id)
        .ifPresent(g -> progress.accept(counter(g) + " " + g + ": skipped (" + reason + ")"));
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
      if (outcome == 0) {
        skip(id, result.getThrowable().map(Throwable::getMessage).orElse(null));
      } else if (outcome < 0) {
        fail(id, result, "failed without a cause");
      }
      return;
    }
    // A container that failed (a @BeforeAll that threw) or was aborted (an assumption in
    // @BeforeAll, or in a test factory) ran none of its tests, which JUnit then never reports:
    // it counts once, so that nothing it held disappears from the totals.
    switch (result.getStatus()) {
      case FAILED -> {
        record(id, -1);
        fail(id, result, "failed");
      }
      case ABORTED -> {
        record(id, 0);
        skip(id, result.getThrowable().map(Throwable::getMessage).orElse(null));
      }
      case SUCCESSFUL -> {}
    }
    groupContainer(id).ifPresent(this::groupFinished);
  }

  @Override
  public synchronized void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
    entry
        .getKeyValuePairs()
        .forEach(
            (key, value) -> {
              switch (key) {
                case SEED_ENTRY -> seeds.add(value);
                case SET_ASIDE_ENTRY -> setAside.add(value);
                default -> {
                  if (key.startsWith(PARAMETER_PREFIX)) {
                    parametersUsed.put(key, value);
                  }
                }
              }
            });
  }

  /** The skips of the crash-and-faults group. */
  List<SkippedTest> crashSkips() {
    return skips.stream().filter(s -> s.group().equals(CRASH_GROUP)).toList();
  }

  private void groupFinished(String g) {
    Totals t = groups.computeIfAbsent(g, k -> new Totals());
    long now = System.nanoTime();
    t.elapsedMillis = Duration.ofNanos(now - groupStartNanos.getOrDefault(g, now)).toMillis();
    progress.accept(
        String.format(
            Locale.ROOT,
            "%s %s: %d passed, %d failed, %d skipped in %.1f s (%s since the start)",
            counter(g),
            g,
            t.passed,
            t.failed,
            t.skipped,
            t.elapsedMillis / 1000.0,
            clock(Duration.ofNanos(now - runStartNanos))));
  }

  /** {@code [3/12]}: the group's place in the order groups started, of those planned. */
  private String counter(String g) {
    int i = groupIndex.computeIfAbsent(g, k -> groupIndex.size() + 1);
    return "[" + i + "/" + Math.max(groupCount, i) + "]";
  }

  /** {@code 1:05}, or {@code 1:02:05} past an hour. */
  static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private void skip(TestIdentifier id, String reason) {
    String test = path(id);
    skips.add(
        new SkippedTest(
            group(id).orElse(NO_GROUP),
            test.isEmpty() ? id.getDisplayName() : test,
            reason == null ? "skipped without a reason" : reason));
  }

  private void fail(TestIdentifier id, TestExecutionResult result, String otherwise) {
    String message = result.getThrowable().map(ReportListener::describe).orElse(otherwise);
    String test = path(id);
    failures.add(
        new Failure(
            group(id).orElse(NO_GROUP), test.isEmpty() ? id.getDisplayName() : test, message));
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

  /** The display names from the group down to the test; empty for the group itself. */
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

  /**
   * The failure's message, its middle cut when it is longer than {@link #MESSAGE_LIMIT}; the {@code
   * replay:} line that ends a model-based or crash failure is always kept whole (it can be long:
   * {@code cairn certify} started with {@code java -m} names its whole module path).
   */
  static String describe(Throwable t) {
    String s = t.toString();
    if (s.length() <= MESSAGE_LIMIT) {
      return s;
    }
    int replay = s.lastIndexOf("replay: ");
    // The replay line starts after the last line break before "replay: "; 0 when there is none.
    int tailStart = replay < 0 ? s.length() : s.lastIndexOf('\n', replay) + 1;
    if (tailStart == 0) {
      tailStart = s.length();
    }
    String tail = s.substring(tailStart);
    int head = Math.min(tailStart, Math.max(MESSAGE_LIMIT - tail.length(), MESSAGE_LIMIT / 2));
    return s.substring(0, head) + "\n...\n" + tail;
  }
}
