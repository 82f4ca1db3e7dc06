package dev.cairn.archrules;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;

/**
 * What a class shows to code outside its package uses only {@code java.base} types and types of the
 * allowed packages.
 *
 * <p>"Shows" means: for a class visible outside its package, its superclass, interfaces, type
 * parameter bounds and annotations, and for each of its public or protected fields, constructors
 * and methods the field type, return type, parameter types, declared exceptions, type parameter
 * bounds and annotations, with every type argument inside a generic type. Classes not visible
 * outside their package are skipped: nobody can name their members.
 *
 * <p>Immutable and thread-safe.
 */
final class ExposeOnlyJdkAndOwnTypes extends ArchCondition<JavaClass> {

  private final String[] allowedPackages;

  ExposeOnlyJdkAndOwnTypes(String... allowedPackages) {
    super(
        "expose only java.base types and types of "
            + String.join(", ", allowedPackages)
            + " in their public or protected signatures");
    this.allowedPackages = allowedPackages.clone();
  }

  @Override
  public void check(JavaClass type, ConditionEvents events) {
    if (!ClassPredicates.isVisibleOutsideItsPackage(type)) {
      return;
    }
    String where = type.getDescription() + " " + type.getSourceCodeLocation();
    type.getRawSuperclass()
        .ifPresent(superclass -> checkRaw(superclass, "its superclass", type, where, events));
    type.getInterfaces().forEach(i -> check(i, "an interface it implements", type, where, events));
    type.getTypeParameters()
        .forEach(p -> checkBounds(p, "a type parameter bound", type, where, events));
    checkAnnotations(type.getAnnotations(), type, where, events);
    for (JavaMember member : type.getMembers()) {
      if (isVisible(member)) {
        checkMember(member, events);
      }
    }
  }

  private void checkMember(JavaMember member, ConditionEvents events) {
    String where = member.getDescription() + " " + member.getSourceCodeLocation();
    checkAnnotations(member.getAnnotations(), member, where, events);
    if (member instanceof JavaField field) {
      check(field.getType(), "its type", field, where, events);
    } else if (member instanceof JavaCodeUnit codeUnit) {
      check(codeUnit.getReturnType(), "its return type", codeUnit, where, events);
      codeUnit
          .getParameterTypes()
          .forEach(p -> check(p, "a parameter type", codeUnit, where, events));
      codeUnit
          .getExceptionTypes()
          .forEach(e -> checkRaw(e, "a declared exception", codeUnit, where, events));
      codeUnit
          .getTypeParameters()
          .forEach(p -> checkBounds(p, "a type parameter bound", codeUnit, where, events));
      codeUnit
          .getParameterAnnotations()
          .forEach(annotations -> checkAnnotations(annotations, codeUnit, where, events));
    }
  }

  private void checkBounds(
      JavaTypeVariable<?> variable,
      String role,
      Object corresponding,
      String where,
      ConditionEvents events) {
    variable.getUpperBounds().forEach(bound -> check(bound, role, corresponding, where, events));
  }

  private void checkAnnotations(
      Set<? extends JavaAnnotation<?>> annotations,
      Object corresponding,
      String where,
      ConditionEvents events) {
    for (JavaAnnotation<?> annotation : annotations) {
      checkRaw(annotation.getRawType(), "an annotation", corresponding, where, events);
    }
  }

  private void check(
      JavaType type, String role, Object corresponding, String where, ConditionEvents events) {
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      checkRaw(raw, role, corresponding, where, events);
    }
  }

  private void checkRaw(
      JavaClass raw, String role, Object corresponding, String where, ConditionEvents events) {
    if (!ClassPredicates.isJavaBase(raw) && !ClassPredicates.isInAny(raw, allowedPackages)) {
      events.add(
          SimpleConditionEvent.violated(
              corresponding,
              where
                  + " exposes "
                  + raw.getName()
                  + " in "
                  + role
                  + ", which is not a java.base type"));
    }
  }

  private static boolean isVisible(JavaMember member) {
    Set<JavaModifier> modifiers = member.getModifiers();
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }
}
