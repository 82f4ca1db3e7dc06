package dev.cairn.archrules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules about a whole code base laid out as a {@link Layout}: how its SPI, engines, toolkit,
 * runtime, conformance suite and command-line tool may depend on one another. {@link
 * CairnRules#repositoryRules(Layout)} collects them with the rules of {@link CairnRules} that apply
 * to a whole code base; this class is where to pick one of them alone.
 *
 * <p>Every factory throws {@link IllegalArgumentException} when {@code layout} is null. The rules
 * are immutable; see {@link CairnRules} on evaluating them and on empty imports.
 */
public final class LayoutRules {

  private LayoutRules() {}

  /**
   * The SPI package depends on {@code java.base} and on itself, nothing else.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule spiDependsOnlyOnJavaBase(Layout layout) {
    CairnRules.requireLayout(layout);
    return classes()
        .that()
        .resideInAPackage(Layout.andBelow(layout.spi()))
        .should()
        .onlyDependOnClassesThat(ClassPredicates.javaBaseOrPackages(layout.spi()))
        .allowEmptyShould(true)
        .because(
            "the SPI is the stable contract every engine compiles against; a dependency beyond"
                + " java.base would be forced on every engine and every user, and would tie the"
                + " SPI's versioning to a third party's");
  }

  /**
   * What the SPI shows to its users (superclasses, interfaces, and the types in the signatures of
   * public and protected members, type arguments and annotations included) is {@code java.base} and
   * the SPI itself.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule spiSignaturesExposeOnlyJdkTypes(Layout layout) {
    CairnRules.requireLayout(layout);
    return classes()
        .that()
        .resideInAPackage(Layout.andBelow(layout.spi()))
        .should(new ExposeOnlyJdkAndOwnTypes(layout.spi()))
        .allowEmptyShould(true)
        .because(
            "a third-party type in an SPI signature makes every engine and every caller depend"
                + " on that library's version, and changing it breaks the SPI");
  }

  /**
   * No engine uses another engine's classes (the toolkit is not an engine).
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule enginesAreIndependentOfOneAnother(Layout layout) {
    CairnRules.requireLayout(layout);
    return classes()
        .that(ClassPredicates.inAnEngine(layout))
        .should(new NotDependOnAnotherEngine(layout))
        .allowEmptyShould(true)
        .because(
            "engines are interchangeable and are found only through ServiceLoader; an engine"
                + " that uses another cannot be replaced, certified or released alone");
  }

  /**
   * Engines depend on neither the runtime, the command-line tool nor the conformance suite.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule enginesDoNotDependOnRuntimeCliOrConformance(Layout layout) {
    CairnRules.requireLayout(layout);
    return noClasses()
        .that(ClassPredicates.inAnEngine(layout))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            Layout.andBelow(layout.runtime()),
            Layout.andBelow(layout.cli()),
            Layout.andBelow(layout.conformance()))
        .allowEmptyShould(true)
        .because(
            "an engine depends on the SPI and the toolkit only: the runtime wraps engines, the"
                + " conformance suite certifies them from their tests, and neither may be"
                + " something an engine needs to run");
  }

  /**
   * The toolkit depends on the SPI, {@code java.base} and itself only.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule toolkitDependsOnlyOnSpiAndJavaBase(Layout layout) {
    CairnRules.requireLayout(layout);
    return classes()
        .that()
        .resideInAPackage(Layout.andBelow(layout.toolkit()))
        .should()
        .onlyDependOnClassesThat(ClassPredicates.javaBaseOrPackages(layout.spi(), layout.toolkit()))
        .allowEmptyShould(true)
        .because(
            "every engine may reuse the toolkit, so whatever the toolkit depends on becomes a"
                + " dependency of every engine; it stays as small as the SPI");
  }

  /**
   * The runtime never uses an engine's classes.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule runtimeDoesNotDependOnEngines(Layout layout) {
    CairnRules.requireLayout(layout);
    return noClasses()
        .that()
        .resideInAPackage(Layout.andBelow(layout.runtime()))
        .should()
        .dependOnClassesThat(ClassPredicates.inAnEngine(layout))
        .allowEmptyShould(true)
        .because(
            "the runtime finds engines only through ServiceLoader, so any engine, ours or a"
                + " third party's, plugs in the same way");
  }

  /**
   * The conformance suite never uses a particular engine's classes.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule conformanceDoesNotDependOnEngines(Layout layout) {
    CairnRules.requireLayout(layout);
    return noClasses()
        .that()
        .resideInAPackage(Layout.andBelow(layout.conformance()))
        .should()
        .dependOnClassesThat(ClassPredicates.inAnEngine(layout))
        .allowEmptyShould(true)
        .because(
            "the suite certifies any engine through the SPI alone; knowing one engine's classes"
                + " would let it test that engine differently from a third party's");
  }

  /**
   * Nothing outside the command-line tool depends on it.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule nothingDependsOnCli(Layout layout) {
    CairnRules.requireLayout(layout);
    return noClasses()
        .that()
        .resideOutsideOfPackage(Layout.andBelow(layout.cli()))
        .should()
        .dependOnClassesThat()
        .resideInAPackage(Layout.andBelow(layout.cli()))
        .allowEmptyShould(true)
        .because(
            "the command-line tool is an application at the top of the dependency graph;"
                + " libraries that needed it would drag picocli and the tool's output into"
                + " every user");
  }

  /**
   * No class outside an engine uses that engine's classes: everything else holds opaque SPI
   * handles. This is how "an engine exports nothing" is checked on classes (JPMS checks it on the
   * module descriptor; this rule also holds on the class path, where JPMS does not).
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule engineClassesAreReachedOnlyThroughTheSpi(Layout layout) {
    CairnRules.requireLayout(layout);
    return classes()
        .that()
        .resideInAPackage(Layout.andBelow(layout.root()))
        .should(new NotDependOnAnotherEngine(layout))
        .allowEmptyShould(true)
        .because(
            "an engine module exports nothing and only provides a StorageEngineProvider; users"
                + " hold SPI handles, so an engine can change anything behind them");
  }

  /**
   * In each engine's root package ({@code <layout.engines()>.<name>}), only the provider is visible
   * outside the package; see {@link CairnRules#engineExposesOnlyItsProvider}.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule enginesExposeOnlyTheirProviders(Layout layout) {
    CairnRules.requireLayout(layout);
    return classes()
        .that(ClassPredicates.inAnEngineRootPackage(layout))
        .should(new PublicClassesAreProviders(CairnRules.providerInterface(layout)))
        .allowEmptyShould(true)
        .because(PublicClassesAreProviders.REASON);
  }

  /**
   * Code under {@code layout.engines()}, the toolkit included (engines do their I/O through it),
   * reaches files only through a given path; see {@link CairnRules#engineUsesOnlyItsPath}.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static ArchRule enginesUseOnlyTheirPath(Layout layout) {
    CairnRules.requireLayout(layout);
    return CairnRules.engineUsesOnlyItsPath(layout.engines());
  }
}
