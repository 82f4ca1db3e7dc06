package dev.cairn.archrules;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * A class visible outside its package is a provider: it implements the provider interface, or it
 * declares the {@code public static provider()} method that {@link java.util.ServiceLoader} accepts
 * instead. Immutable and thread-safe.
 */
final class PublicClassesAreProviders extends ArchCondition<JavaClass> {

  /** Why an engine shows nothing but its provider. */
  static final String REASON =
      "users never see an engine's classes, only the provider ServiceLoader instantiates;"
          + " everything else is package-private so the engine can change it freely, as"
          + " java.sql.Driver implementations do";

  private final String providerInterface;

  PublicClassesAreProviders(String providerInterface) {
    super("be package-private unless they are the " + providerInterface);
    this.providerInterface = providerInterface;
  }

  @Override
  public void check(JavaClass type, ConditionEvents events) {
    if (!ClassPredicates.isVisibleOutsideItsPackage(type)
        || type.isAssignableTo(providerInterface)
        || declaresProviderMethod(type)) {
      return;
    }
    events.add(
        SimpleConditionEvent.violated(
            type,
            type.getDescription()
                + " is public but is not a "
                + providerInterface
                + "; make it package-private "
                + type.getSourceCodeLocation()));
  }

  private static boolean declaresProviderMethod(JavaClass type) {
    for (JavaMethod method : type.getMethods()) {
      if (method.getName().equals("provider")
          && method.getRawParameterTypes().isEmpty()
          && method.getModifiers().contains(JavaModifier.STATIC)
          && method.getModifiers().contains(JavaModifier.PUBLIC)) {
        return true;
      }
    }
    return false;
  }
}
