package dev.cairn.archrules;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;

/**
 * The classes a rule selected are at least {@code minimum} in number: the guard that keeps a rule
 * set from passing on nothing when an import pattern or a package name is wrong.
 *
 * <p>NB: ArchUnit calls {@link #init} with the selected classes before checking each of them, and
 * {@link #finish} once after; the count lives between the two calls, so an instance must not
 * evaluate two imports at the same time. Rules built on it are meant for one test thread at a time,
 * which is how test frameworks run a rule.
 */
final class HaveAtLeast extends ArchCondition<JavaClass> {

  private final int minimum;
  private final String what;
  private int count;

  HaveAtLeast(int minimum, String what) {
    super("number at least " + minimum);
    this.minimum = minimum;
    this.what = what;
  }

  @Override
  public void init(Collection<JavaClass> allObjectsToTest) {
    count = allObjectsToTest.size();
  }

  @Override
  public void check(JavaClass item, ConditionEvents events) {
    // Nothing per class: the condition is on the number of classes, decided in finish().
  }

  @Override
  public void finish(ConditionEvents events) {
    if (count < minimum) {
      events.add(
          SimpleConditionEvent.violated(
              what,
              "imported "
                  + count
                  + " classes in "
                  + what
                  + " but expected at least "
                  + minimum
                  + "; check the import and the package name"));
    }
  }
}
