package dev.cairn.archrules;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * A class depends on no engine but its own: a class inside engine {@code lsm} may use {@code lsm}
 * classes, a class outside every engine may use none. Which engine a class belongs to comes from
 * its package, through {@link Layout#engineOf(String)}.
 *
 * <p>One condition serves "engines are independent of one another" and "engine classes are reached
 * only through the SPI": the first applies it to engine classes, the second to all. Immutable and
 * thread-safe.
 */
final class NotDependOnAnotherEngine extends ArchCondition<JavaClass> {

  private final Layout layout;

  NotDependOnAnotherEngine(Layout layout) {
    super("depend on no engine under " + layout.engines() + " but their own");
    this.layout = layout;
  }

  @Override
  public void check(JavaClass origin, ConditionEvents events) {
    String ownEngine = layout.engineOf(origin.getPackageName());
    for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
      JavaClass target = ClassPredicates.elementOf(dependency.getTargetClass());
      String targetEngine = layout.engineOf(target.getPackageName());
      if (targetEngine != null && !targetEngine.equals(ownEngine)) {
        String where = ownEngine == null ? "outside every engine" : "in engine " + ownEngine;
        events.add(
            SimpleConditionEvent.violated(
                dependency,
                dependency.getDescription()
                    + " [a class "
                    + where
                    + " uses engine "
                    + targetEngine
                    + "]"));
      }
    }
  }
}
