package dev.cairn.conformance.certify;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How to run a certification.
 *
 * <p>Immutable; start from {@link #defaults()} and adjust with the {@code with} methods.
 *
 * @param settings engine-specific settings every store is opened with
 * @param groups the groups to run, by tag name ({@code "cursors"}, {@code "model-based"}); empty
 *     for all
 * @param parameters JUnit configuration parameters: {@code cairn.seed}, {@code
 *     cairn.model.sequences}, {@code cairn.model.operations}, {@code cairn.replay.command}, and for
 *     the crash and fault campaigns {@code cairn.crash.seed}, {@code cairn.crash.scale}, {@code
 *     cairn.crash.baseSeed}
 * @param progress receives a line as each group starts ({@code [3/12] cursors: running}) and one as
 *     it finishes, with its counts, its wall time and the time since the run started ({@code [3/12]
 *     cursors: 41 passed, 0 failed, 0 skipped in 2.1 s (0:09 since the start)}), and nothing else
 */
public record CertificationOptions(
    Map<String, String> settings,
    Set<String> groups,
    Map<String, String> parameters,
    Consumer<String> progress) {

  /** Copies the collections. */
  public CertificationOptions {
    settings = Map.copyOf(settings);
    groups = Set.copyOf(groups);
    parameters = Map.copyOf(parameters);
    Objects.requireNonNull(progress, "progress");
  }

  /** Every group, no settings, the suite's default parameters, no progress lines. */
  public static CertificationOptions defaults() {
    return new CertificationOptions(Map.of(), Set.of(), Map.of(), line -> {});
  }

  /** These options with engine {@code settings}. */
  public CertificationOptions withSettings(Map<String, String> s) {
    return new CertificationOptions(s, groups, parameters, progress);
  }

  /** These options running only {@code g} (tag names such as {@code "cursors"}). */
  public CertificationOptions withGroups(Set<String> g) {
    return new CertificationOptions(settings, g, parameters, progress);
  }

  /** These options with one more configuration parameter. */
  public CertificationOptions withParameter(String key, String value) {
    Map<String, String> p = new HashMap<>(parameters);
    p.put(key, value);
    return new CertificationOptions(settings, groups, p, progress);
  }

  /** These options announcing each group as it starts and finishes to {@code p}. */
  public CertificationOptions withProgress(Consumer<String> p) {
    return new CertificationOptions(settings, groups, parameters, p);
  }
}
