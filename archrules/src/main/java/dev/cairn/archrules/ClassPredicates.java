package dev.cairn.archrules;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;

/** Predicates on classes that the rules share. Stateless and thread-safe. */
final class ClassPredicates {

  /**
   * The packages {@code java.base} exports to everyone, read from the running JDK's own module
   * descriptor, so "depends on java.base only" means exactly that rather than "on java.*".
   */
  private static final Set<String> JAVA_BASE_PACKAGES =
      ModuleLayer.boot().findModule("java.base").orElseThrow().getDescriptor().exports().stream()
          .filter(export -> !export.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toUnmodifiableSet());

  private ClassPredicates() {}

  /**
   * The type a reference is really about: the element type of an array, the class itself otherwise.
   * A dependency on {@code Foo[]} is a dependency on {@code Foo}.
   */
  static JavaClass elementOf(JavaClass type) {
    return type.getBaseComponentType();
  }

  /** True for primitives and for classes in a package that {@code java.base} exports. */
  static boolean isJavaBase(JavaClass type) {
    JavaClass element = elementOf(type);
    return element.isPrimitive() || JAVA_BASE_PACKAGES.contains(element.getPackageName());
  }

  /** Classes of {@code java.base} (and primitives), or classes at or below one of the packages. */
  static DescribedPredicate<JavaClass> javaBaseOrPackages(String... packages) {
    return DescribedPredicate.describe(
        "are in java.base or in " + String.join(", ", packages),
        type -> isJavaBase(type) || isInAny(type, packages));
  }

  /** Classes that belong to an engine of the layout (the toolkit is not an engine). */
  static DescribedPredicate<JavaClass> inAnEngine(Layout layout) {
    return DescribedPredicate.describe(
        "are in an engine under " + layout.engines() + " (other than the toolkit)",
        type -> layout.engineOf(elementOf(type).getPackageName()) != null);
  }

  /** Classes that belong to an engine of the layout other than {@code ownEngine} (may be null). */
  static DescribedPredicate<JavaClass> inAnEngineOtherThan(Layout layout, String ownEngine) {
    return DescribedPredicate.describe(
        "are in an engine under " + layout.engines() + " other than " + ownEngine,
        type -> {
          String engine = layout.engineOf(elementOf(type).getPackageName());
          return engine != null && !engine.equals(ownEngine);
        });
  }

  /** Classes whose package is exactly the root package of one of the layout's engines. */
  static DescribedPredicate<JavaClass> inAnEngineRootPackage(Layout layout) {
    return DescribedPredicate.describe(
        "are in the root package of an engine under " + layout.engines(),
        type -> {
          String engine = layout.engineOf(type.getPackageName());
          return engine != null && type.getPackageName().equals(layout.engines() + "." + engine);
        });
  }

  /** True when the class's package is at or below any of the packages. */
  static boolean isInAny(JavaClass type, String... packages) {
    String packageName = elementOf(type).getPackageName();
    for (String base : packages) {
      if (Layout.isAtOrBelow(packageName, base)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when code outside the class's package can name it: a public or protected class, every
   * enclosing class of which is visible too.
   */
  static boolean isVisibleOutsideItsPackage(JavaClass type) {
    Set<JavaModifier> modifiers = type.getModifiers();
    if (!modifiers.contains(JavaModifier.PUBLIC) && !modifiers.contains(JavaModifier.PROTECTED)) {
      return false;
    }
    return type.getEnclosingClass().map(ClassPredicates::isVisibleOutsideItsPackage).orElse(true);
  }
}
