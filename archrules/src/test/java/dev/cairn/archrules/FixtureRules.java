package dev.cairn.archrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every rule of {@link CairnRules#repositoryRules(Layout)}, by name, aimed at one fixture case, and
 * the assertions the violation tests share.
 */
final class FixtureRules {

  private FixtureRules() {}

  /** The rules of the repository set for a layout, keyed by the name of their factory. */
  static Map<String, ArchRule> byName(Layout layout) {
    Map<String, ArchRule> rules = new LinkedHashMap<>();
    rules.put("spiDependsOnlyOnJavaBase", LayoutRules.spiDependsOnlyOnJavaBase(layout));
    rules.put(
        "spiSignaturesExposeOnlyJdkTypes", LayoutRules.spiSignaturesExposeOnlyJdkTypes(layout));
    rules.put(
        "enginesAreIndependentOfOneAnother", LayoutRules.enginesAreIndependentOfOneAnother(layout));
    rules.put(
        "enginesDoNotDependOnRuntimeCliOrConformance",
        LayoutRules.enginesDoNotDependOnRuntimeCliOrConformance(layout));
    rules.put(
        "toolkitDependsOnlyOnSpiAndJavaBase",
        LayoutRules.toolkitDependsOnlyOnSpiAndJavaBase(layout));
    rules.put("runtimeDoesNotDependOnEngines", LayoutRules.runtimeDoesNotDependOnEngines(layout));
    rules.put(
        "conformanceDoesNotDependOnEngines", LayoutRules.conformanceDoesNotDependOnEngines(layout));
    rules.put("nothingDependsOnCli", LayoutRules.nothingDependsOnCli(layout));
    rules.put(
        "engineClassesAreReachedOnlyThroughTheSpi",
        LayoutRules.engineClassesAreReachedOnlyThroughTheSpi(layout));
    rules.put(
        "enginesExposeOnlyTheirProviders", LayoutRules.enginesExposeOnlyTheirProviders(layout));
    rules.put("enginesUseOnlyTheirPath", LayoutRules.enginesUseOnlyTheirPath(layout));
    rules.put("libraryNeverExits", CairnRules.libraryNeverExits(layout.root(), layout.cli()));
    rules.put(
        "libraryNeverPrintsStackTraces",
        CairnRules.libraryNeverPrintsStackTraces(layout.root(), layout.cli()));
    rules.put(
        "libraryNeverWritesToStandardStreams",
        CairnRules.libraryNeverWritesToStandardStreams(layout.root(), layout.cli()));
    rules.put("packagesAreFreeOfCycles", CairnRules.packagesAreFreeOfCycles(layout.root()));
    return rules;
  }

  /** The names of the rules that fail on a fixture case. */
  static Set<String> failingRules(String caseName) {
    JavaClasses classes = Fixtures.importCase(caseName);
    Set<String> failing = new TreeSet<>();
    byName(Fixtures.layoutOf(caseName))
        .forEach(
            (name, rule) -> {
              if (rule.evaluate(classes).hasViolation()) {
                failing.add(name);
              }
            });
    return failing;
  }

  /**
   * Asserts that exactly the {@code expected} rules fail on the case, and that checking {@code
   * rule} throws a message containing each fragment and the rule's reason.
   *
   * @return the failure message of {@code rule}, for further assertions
   */
  static String assertViolates(
      String caseName, Set<String> expected, String rule, String... parts) {
    assertEquals(new TreeSet<>(expected), failingRules(caseName), "rules failing on " + caseName);
    JavaClasses classes = Fixtures.importCase(caseName);
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> byName(Fixtures.layoutOf(caseName)).get(rule).check(classes),
            rule + " on " + caseName);
    String message = failure.getMessage();
    assertTrue(message.contains(", because "), "the message gives the reason:\n" + message);
    for (String part : parts) {
      assertTrue(message.contains(part), "the message names " + part + ":\n" + message);
    }
    return message;
  }
}
