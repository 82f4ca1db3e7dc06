package dev.cairn.archrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule set a third-party engine author applies, {@link CairnRules#forEngine}, used the way the
 * author would: import the engine's package, check the rules.
 */
class EngineRulesTest {

  private static final String GOOD = Fixtures.BASE + ".thirdparty.good";
  private static final String BAD = Fixtures.BASE + ".thirdparty.bad";

  @Test
  void wellBehavedThirdPartyEnginePasses() {
    JavaClasses classes = Fixtures.importPackage(GOOD);
    CompositeArchRule.of(CairnRules.forEngine(GOOD, 2)).check(classes);
  }

  @Test
  void thirdPartyEngineOnTheDefaultFileSystemFails() {
    JavaClasses classes = Fixtures.importPackage(BAD);
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> CompositeArchRule.of(CairnRules.forEngine(BAD)).check(classes));
    assertTrue(
        failure
            .getMessage()
            .contains(
                BAD
                    + ".ExampleProvider.open(dev.cairn.spi.EngineOptions)> calls method"
                    + " <java.nio.file.Path.of("),
        failure.getMessage());
    assertEquals(1, failingCount(CairnRules.forEngine(BAD), classes), "only the I/O rule fails");
  }

  @Test
  void misspeltEnginePackageFailsInsteadOfPassingOnNothing() {
    JavaClasses classes = Fixtures.importPackage(GOOD);
    String misspelt = Fixtures.BASE + ".thirdparty.goood";
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> CompositeArchRule.of(CairnRules.forEngine(misspelt)).check(classes));
    assertTrue(
        failure
            .getMessage()
            .contains(
                "imported 0 classes in " + misspelt + " but expected at least 1; check the import"),
        failure.getMessage());
  }

  @Test
  void tooFewClassesFailTheGuard() {
    JavaClasses classes = Fixtures.importPackage(GOOD);
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> CompositeArchRule.of(CairnRules.forEngine(GOOD, 3)).check(classes));
    assertTrue(
        failure.getMessage().contains("imported 2 classes in " + GOOD + " but expected at least 3"),
        failure.getMessage());
  }

  @Test
  void engineStaysInsideItsBoundaryAgainstAnyLayout() {
    // Engine alpha of a fixture code base that uses its runtime, checked as one engine.
    String caseName = "engineusesruntime";
    String alpha = Fixtures.packageOf(caseName) + ".engine.alpha";
    JavaClasses classes = Fixtures.importCase(caseName);
    List<ArchRule> rules = CairnRules.forEngine(alpha, 1, Fixtures.layoutOf(caseName));
    assertEquals(1, failingCount(rules, classes), "only the boundary rule fails");
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                CairnRules.engineStaysInsideItsBoundary(alpha, Fixtures.layoutOf(caseName))
                    .check(classes));
    assertTrue(failure.getMessage().contains(alpha + ".UsesRuntime"), failure.getMessage());
    assertTrue(
        failure.getMessage().contains(Fixtures.packageOf(caseName) + ".runtime.Registry"),
        failure.getMessage());
  }

  @Test
  void engineUsingAnotherEngineFailsItsBoundary() {
    String caseName = "enginecoupling";
    String alpha = Fixtures.packageOf(caseName) + ".engine.alpha";
    JavaClasses classes = Fixtures.importCase(caseName);
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                CairnRules.engineStaysInsideItsBoundary(alpha, Fixtures.layoutOf(caseName))
                    .check(classes));
    assertTrue(
        failure.getMessage().contains(Fixtures.packageOf(caseName) + ".engine.beta.internal"),
        failure.getMessage());
    assertTrue(!failure.getMessage().contains("Sizes"), "the toolkit is allowed");
  }

  @Test
  void engineUsesOnlyItsPathAimsAtAnyPackage() {
    String bad = Fixtures.packageOf("engineio") + ".engine.bad";
    JavaClasses classes = Fixtures.importCase("engineio");
    assertTrue(CairnRules.engineUsesOnlyItsPath(bad).evaluate(classes).hasViolation());
    // The same rule aimed at the default layout sees no engine in the fixture, so it passes.
    CairnRules.enginesUseOnlyTheirPath().check(classes);
  }

  @Test
  void badArgumentsAreRejectedWithTheirName() {
    IllegalArgumentException badPackage =
        assertThrows(IllegalArgumentException.class, () -> CairnRules.forEngine("com..example"));
    assertTrue(badPackage.getMessage().contains("enginePackage"), badPackage.getMessage());
    assertTrue(badPackage.getMessage().contains("com..example"), badPackage.getMessage());
    IllegalArgumentException badMinimum =
        assertThrows(IllegalArgumentException.class, () -> CairnRules.forEngine(GOOD, 0));
    assertTrue(badMinimum.getMessage().contains("minimumClasses"), badMinimum.getMessage());
    IllegalArgumentException noLayout =
        assertThrows(IllegalArgumentException.class, () -> CairnRules.forEngine(GOOD, 1, null));
    assertTrue(noLayout.getMessage().contains("layout"), noLayout.getMessage());
    IllegalArgumentException noPackages =
        assertThrows(IllegalArgumentException.class, () -> CairnRules.engineUsesOnlyItsPath());
    assertTrue(noPackages.getMessage().contains("package"), noPackages.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Layout("dev cairn"));
  }

  private static int failingCount(List<ArchRule> rules, JavaClasses classes) {
    int failing = 0;
    for (ArchRule rule : rules) {
      if (rule.evaluate(classes).hasViolation()) {
        failing++;
      }
    }
    return failing;
  }
}
