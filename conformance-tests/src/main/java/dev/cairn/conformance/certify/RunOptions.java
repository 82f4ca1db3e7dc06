package dev.cairn.conformance.certify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a certification run was asked to do, and what its tests ran with: the report's {@code
 * options} section, enough to run the same certification again.
 *
 * <p>Immutable and thread-safe.
 *
 * @param groups the groups asked for, sorted; empty for all
 * @param settings the engine settings every store was opened with, by name
 * @param parameters the configuration parameters given to the run, and the {@code cairn.*} system
 *     properties, which the suite reads where no parameter is given; by name; not the replay
 *     commands, which only shape failure messages
 * @param effective the parameters as the tests used them, defaults included ({@code
 *     cairn.model.sequences}, {@code cairn.model.operations}, {@code cairn.crash.scale}), as they
 *     published them; a parameter of a group that did not run is absent
 */
public record RunOptions(
    List<String> groups,
    Map<String, String> settings,
    Map<String, String> parameters,
    Map<String, String> effective) {

  /** Copies and sorts. */
  public RunOptions {
    groups = groups.stream().sorted().toList();
    settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    parameters = Collections.unmodifiableMap(new TreeMap<>(parameters));
    effective = Collections.unmodifiableMap(new TreeMap<>(effective));
  }

  /** As the report's JSON writes it. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("groups", groups);
    m.put("settings", settings);
    m.put("parameters", parameters);
    m.put("effective", effective);
    return m;
  }
}
