package dev.cairn.archrules;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;

/**
 * How many imported classes lie at or below a package: the object the guard rule checks, so that a
 * rule set cannot pass on nothing when an import pattern or a package name is wrong.
 *
 * <p>The count is computed from the import each time a rule is evaluated (a transformer, not a
 * condition that counts), so a guard rule holds no state and may be evaluated on several threads.
 *
 * @param packageName the package counted, subpackages included
 * @param count how many classes the import holds there
 */
record ImportedClassCount(String packageName, int count) {

  /** Turns an import into the one count for {@code packageName}. */
  static AbstractClassesTransformer<ImportedClassCount> in(String packageName) {
    return new AbstractClassesTransformer<>("the classes imported in " + packageName) {
      @Override
      public Iterable<ImportedClassCount> doTransform(JavaClasses classes) {
        int count = 0;
        for (JavaClass type : classes) {
          if (Layout.isAtOrBelow(type.getPackageName(), packageName)) {
            count++;
          }
        }
        return List.of(new ImportedClassCount(packageName, count));
      }
    };
  }

  /** The condition that the count is at least {@code minimum}. */
  static ArchCondition<ImportedClassCount> atLeast(int minimum) {
    return new ArchCondition<>("number at least " + minimum) {
      @Override
      public void check(ImportedClassCount imported, ConditionEvents events) {
        if (imported.count() < minimum) {
          events.add(
              SimpleConditionEvent.violated(
                  imported,
                  "imported "
                      + imported.count()
                      + " classes in "
                      + imported.packageName()
                      + " but expected at least "
                      + minimum
                      + "; check the import and the package name"));
        }
      }
    };
  }
}
