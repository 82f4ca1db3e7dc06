package dev.cairn.conformance.certify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test the run did not execute, and why: most often a capability the engine does not declare
 * ({@code Assumption failed: engine 'memory' does not declare capability DURABLE}).
 *
 * @param group the group's tag name ({@code crash-and-faults}), or {@code (none)}
 * @param test the display names from the group down to the test ({@code processKill()}); a class or
 *     group skipped as a whole appears once, by its own name
 * @param reason the assumption's message, or the reason JUnit gave for the skip
 */
public record SkippedTest(String group, String test, String reason) {

  /** As the report's JSON writes it. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("group", group);
    m.put("test", test);
    m.put("reason", reason);
    return m;
  }
}
