package dev.cairn.archrules;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * One slice per package at or below a root package, for cycle checks between packages. Classes
 * outside the root belong to no slice. Immutable and thread-safe.
 */
final class PackageSlices implements SliceAssignment {

  private final String root;

  PackageSlices(String root) {
    this.root = root;
  }

  @Override
  public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
    String packageName = javaClass.getPackageName();
    return Layout.isAtOrBelow(packageName, root)
        ? SliceIdentifier.of(packageName)
        : SliceIdentifier.ignore();
  }

  @Override
  public String getDescription() {
    return "packages at or below " + root;
  }
}
