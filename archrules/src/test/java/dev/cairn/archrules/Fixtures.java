package dev.cairn.archrules;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Imports the fixture code bases under {@code dev.cairn.archrules.fixtures}. */
final class Fixtures {

  static final String BASE = "dev.cairn.archrules.fixtures";

  /** Imports are slow (ArchUnit resolves the JDK classes used) and fixtures never change. */
  private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  private Fixtures() {}

  /** Imports every class at or below a package, once. */
  static JavaClasses importPackage(String packageName) {
    return IMPORTED.computeIfAbsent(
        packageName, name -> new ClassFileImporter().importPackages(name));
  }

  /** The package of a fixture case. */
  static String packageOf(String caseName) {
    return BASE + "." + caseName;
  }

  /** The layout rooted at a fixture case's package. */
  static Layout layoutOf(String caseName) {
    return new Layout(packageOf(caseName));
  }

  /**
   * Imports every class of a fixture case, failing when there is none: a fixture that imports
   * nothing would make the rules pass for the wrong reason.
   */
  static JavaClasses importCase(String caseName) {
    return CairnRules.requireAtLeast(importPackage(packageOf(caseName)), 1, packageOf(caseName));
  }
}
