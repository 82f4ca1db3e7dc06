package dev.cairn.archrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/** The guards that keep a rule set from passing on an empty import. */
class GuardTest {

  @Test
  void requireAtLeastPassesAndReturnsTheClasses() {
    JavaClasses classes = Fixtures.importCase("cycle");
    assertSame(classes, CairnRules.requireAtLeast(classes, 2, Fixtures.packageOf("cycle")));
    assertSame(
        classes, CairnRules.requireAtLeast(classes, 1, Fixtures.packageOf("cycle.runtime.a")));
  }

  @Test
  void requireAtLeastFailsNamingThePackageAndBothNumbers() {
    JavaClasses classes = Fixtures.importCase("cycle");
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> CairnRules.requireAtLeast(classes, 3, Fixtures.packageOf("cycle")));
    assertTrue(
        failure
            .getMessage()
            .contains(
                "imported 2 classes in "
                    + Fixtures.packageOf("cycle")
                    + " but expected at least 3"),
        failure.getMessage());
  }

  @Test
  void packagesCountOnlyAtOrBelowTheirName() {
    // "cycle.runtime.a" must not count a package merely starting with the same letters.
    JavaClasses classes = Fixtures.importCase("cycle");
    assertThrows(
        AssertionError.class,
        () -> CairnRules.requireAtLeast(classes, 1, Fixtures.packageOf("cycle.runtime.ab")));
  }

  @Test
  void importedAtLeastFailsOnAnEmptyImport() {
    JavaClasses classes = Fixtures.importCase("cycle");
    assertTrue(
        CairnRules.importedAtLeast(1, "com.example.nothing").evaluate(classes).hasViolation());
    assertTrue(
        !CairnRules.importedAtLeast(0, "com.example.nothing").evaluate(classes).hasViolation());
  }

  @Test
  void guardArgumentsAreChecked() {
    JavaClasses classes = Fixtures.importCase("cycle");
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class, () -> CairnRules.requireAtLeast(classes, -1, "a.b"));
    assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
    IllegalArgumentException noClasses =
        assertThrows(IllegalArgumentException.class, () -> CairnRules.requireAtLeast(null, 1, "a"));
    assertEquals("classes must not be null", noClasses.getMessage());
  }
}
