package dev.cairn.archrules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cairn's architecture as ArchUnit rules: the dependency rules of the architecture, the I/O rule
 * that lets the conformance suite inject faults, and the hygiene every library owes its users.
 *
 * <p>Two rule sets cover the usual cases. {@link #forEngine(String)} is for a third-party engine
 * author: it checks one engine package against Cairn's published packages. {@link
 * #repositoryRules()} is what this repository checks about itself. Both are lists of independent
 * rules; check them one by one, or all at once with {@link
 * com.tngtech.archunit.lang.CompositeArchRule#of(Iterable)}, which reports every failure together:
 *
 * <pre>{@code
 * JavaClasses classes = new ClassFileImporter()
 *     .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
 *     .importPackages("com.example.engine");
 * CompositeArchRule.of(CairnRules.forEngine("com.example.engine", 5)).check(classes);
 * }</pre>
 *
 * <p>Every rule also exists on its own, as a factory taking the packages it is about, so a rule can
 * be aimed at any package: the rules about one engine or one library are here, those about a whole
 * code base are in {@link LayoutRules}, and the {@link Layout} says where Cairn's parts are. Every
 * rule states its reason with {@code because}. Every rule accepts an import in which it selects no
 * class at all (a repository may have no engine yet); what must be there is said by the guard
 * rules, {@link #importedAtLeast(int, String)} and {@link #requireAtLeast(JavaClasses, int,
 * String)}, which a rule set should always include so that it cannot pass on nothing.
 *
 * <p>Rules are evaluated against imported classes: import production code only ({@code
 * ImportOption.Predefined.DO_NOT_INCLUDE_TESTS}), since tests may legitimately use the conformance
 * suite, {@code java.io.File} or standard output.
 *
 * <p>Thread safety: the returned rules are immutable and may be kept in constants, and the
 * conditions this library adds hold no state. Whether ArchUnit's own conditions may be evaluated
 * concurrently is ArchUnit's to say, so check a rule from one thread at a time.
 */
public final class CairnRules {

  private CairnRules() {}

  // ---------------------------------------------------------------------------------------------
  // Rule sets

  /**
   * The rules a third-party engine in {@code enginePackage} should follow, requiring at least one
   * imported class in it. Equivalent to {@code forEngine(enginePackage, 1)}.
   *
   * @throws IllegalArgumentException if {@code enginePackage} is not a dotted Java package name
   */
  public static List<ArchRule> forEngine(String enginePackage) {
    return forEngine(enginePackage, 1);
  }

  /**
   * The rules a third-party engine in {@code enginePackage} (and its subpackages) should follow,
   * against this repository's packages ({@link Layout#CAIRN}).
   *
   * @param minimumClasses how many production classes the import must hold in {@code
   *     enginePackage}; the rule set fails with fewer, so a wrong package name cannot pass
   * @throws IllegalArgumentException if {@code enginePackage} is not a dotted Java package name or
   *     {@code minimumClasses} is below 1
   */
  public static List<ArchRule> forEngine(String enginePackage, int minimumClasses) {
    return forEngine(enginePackage, minimumClasses, Layout.CAIRN);
  }

  /**
   * The rules an engine in {@code enginePackage} should follow, against the packages of {@code
   * layout}: it stays inside its boundary, reaches files only through its {@code Path}, shows only
   * its provider in its root package, never exits or prints, and has no package cycles.
   *
   * @param minimumClasses how many production classes the import must hold in {@code enginePackage}
   * @throws IllegalArgumentException if {@code enginePackage} is not a dotted Java package name,
   *     {@code layout} is null or {@code minimumClasses} is below 1
   */
  public static List<ArchRule> forEngine(String enginePackage, int minimumClasses, Layout layout) {
    Layout.requirePackageName(enginePackage, "enginePackage");
    requireLayout(layout);
    if (minimumClasses < 1) {
      throw new IllegalArgumentException(
          "minimumClasses must be at least 1 so the rules cannot pass on nothing, was: "
              + minimumClasses);
    }
    return List.of(
        importedAtLeast(minimumClasses, enginePackage),
        engineStaysInsideItsBoundary(enginePackage, layout),
        engineUsesOnlyItsPath(enginePackage),
        engineExposesOnlyItsProvider(enginePackage, layout),
        libraryNeverExits(enginePackage),
        libraryNeverPrintsStackTraces(enginePackage),
        libraryNeverWritesToStandardStreams(enginePackage),
        packagesAreFreeOfCycles(enginePackage));
  }

  /** The rules this repository checks about itself: {@code repositoryRules(Layout.CAIRN)}. */
  public static List<ArchRule> repositoryRules() {
    return repositoryRules(Layout.CAIRN);
  }

  /**
   * Every architecture rule, over a whole code base laid out as {@code layout}. The set holds no
   * guard: add {@link #importedAtLeast} rules for the packages that must be present.
   *
   * @throws IllegalArgumentException if {@code layout} is null
   */
  public static List<ArchRule> repositoryRules(Layout layout) {
    requireLayout(layout);
    List<ArchRule> rules = new ArrayList<>();
    rules.add(LayoutRules.spiDependsOnlyOnJavaBase(layout));
    rules.add(LayoutRules.spiSignaturesExposeOnlyJdkTypes(layout));
    rules.add(LayoutRules.enginesAreIndependentOfOneAnother(layout));
    rules.add(LayoutRules.enginesDoNotDependOnRuntimeCliOrConformance(layout));
    rules.add(LayoutRules.toolkitDependsOnlyOnSpiAndJavaBase(layout));
    rules.add(LayoutRules.runtimeDoesNotDependOnEngines(layout));
    rules.add(LayoutRules.conformanceDoesNotDependOnEngines(layout));
    rules.add(LayoutRules.nothingDependsOnCli(layout));
    rules.add(LayoutRules.engineClassesAreReachedOnlyThroughTheSpi(layout));
    rules.add(LayoutRules.enginesExposeOnlyTheirProviders(layout));
    rules.add(LayoutRules.enginesUseOnlyTheirPath(layout));
    rules.add(libraryNeverExits(layout.root(), layout.cli()));
    rules.add(libraryNeverPrintsStackTraces(layout.root(), layout.cli()));
    rules.add(libraryNeverWritesToStandardStreams(layout.root(), layout.cli()));
    rules.add(packagesAreFreeOfCycles(layout.root()));
    return List.copyOf(rules);
  }

  // ---------------------------------------------------------------------------------------------
  // Guards

  /**
   * A rule that fails unless the import holds at least {@code minimum} classes at or below {@code
   * packageName}.
   *
   * @throws IllegalArgumentException if {@code packageName} is not a dotted Java package name or
   *     {@code minimum} is negative
   */
  public static ArchRule importedAtLeast(int minimum, String packageName) {
    Layout.requirePackageName(packageName, "packageName");
    if (minimum < 0) {
      throw new IllegalArgumentException("minimum must not be negative, was: " + minimum);
    }
    return all(ImportedClassCount.in(packageName))
        .should(ImportedClassCount.atLeast(minimum))
        .as("at least " + minimum + " classes should be imported in " + packageName)
        .because(
            "a rule checked on no classes passes on nothing, which hides a wrong import or a"
                + " misspelt package name");
  }

  /**
   * Checks that {@code classes} holds at least {@code minimum} classes at or below {@code
   * packageName}, the plain-assertion form of {@link #importedAtLeast}.
   *
   * @return {@code classes}, for chaining
   * @throws AssertionError if there are fewer; the message names the package and both numbers
   * @throws IllegalArgumentException if {@code classes} is null, {@code packageName} is not a
   *     dotted Java package name or {@code minimum} is negative
   */
  public static JavaClasses requireAtLeast(JavaClasses classes, int minimum, String packageName) {
    if (classes == null) {
      throw new IllegalArgumentException("classes must not be null");
    }
    importedAtLeast(minimum, packageName).check(classes);
    return classes;
  }

  // ---------------------------------------------------------------------------------------------
  // One engine

  /**
   * An engine in {@code enginePackage} depends on no other engine of {@code layout}, nor on its
   * runtime, command-line tool or conformance suite: the boundary rules for one engine, as a
   * third-party author checks them.
   *
   * @throws IllegalArgumentException if {@code enginePackage} is not a dotted Java package name or
   *     {@code layout} is null
   */
  public static ArchRule engineStaysInsideItsBoundary(String enginePackage, Layout layout) {
    Layout.requirePackageName(enginePackage, "enginePackage");
    requireLayout(layout);
    DescribedPredicate<JavaClass> outsideTheBoundary =
        ClassPredicates.inAnEngineOtherThan(layout, layout.engineOf(enginePackage))
            .or(
                DescribedPredicate.describe(
                    "are in "
                        + layout.runtime()
                        + ", "
                        + layout.cli()
                        + " or "
                        + layout.conformance(),
                    type ->
                        ClassPredicates.isInAny(
                            type, layout.runtime(), layout.cli(), layout.conformance())));
    return noClasses()
        .that()
        .resideInAPackage(Layout.andBelow(enginePackage))
        .should()
        .dependOnClassesThat(outsideTheBoundary)
        .allowEmptyShould(true)
        .because(
            "an engine depends on the SPI and the toolkit only: other engines, the runtime, the"
                + " conformance suite and the command-line tool all sit on the other side of the"
                + " SPI");
  }

  /**
   * In {@code enginePackage} itself (not its subpackages), the only classes visible outside the
   * package are providers: classes implementing {@code <layout.spi()>.StorageEngineProvider}, or
   * declaring the {@code public static provider()} method ServiceLoader accepts.
   *
   * <p>Subpackages are exempt: an engine split across packages needs public classes to share
   * between them, and its module exports none of them; {@link
   * LayoutRules#engineClassesAreReachedOnlyThroughTheSpi} then checks that nothing outside uses
   * them.
   *
   * @throws IllegalArgumentException if {@code enginePackage} is not a dotted Java package name or
   *     {@code layout} is null
   */
  public static ArchRule engineExposesOnlyItsProvider(String enginePackage, Layout layout) {
    Layout.requirePackageName(enginePackage, "enginePackage");
    requireLayout(layout);
    return classes()
        .that()
        .resideInAPackage(enginePackage)
        .should(new PublicClassesAreProviders(providerInterface(layout)))
        .allowEmptyShould(true)
        .because(PublicClassesAreProviders.REASON);
  }

  // ---------------------------------------------------------------------------------------------
  // I/O

  /** The engines and the toolkit of this repository reach files only through a given path. */
  public static ArchRule enginesUseOnlyTheirPath() {
    return LayoutRules.enginesUseOnlyTheirPath(Layout.CAIRN);
  }

  /**
   * Code at or below the given packages reaches files only through the {@code Path} it was given:
   * it never uses {@code java.io.File}, {@code FileInputStream}, {@code FileOutputStream}, {@code
   * RandomAccessFile}, {@code FileReader}, {@code FileWriter} or {@code Paths}, and never calls
   * {@code Path.of}, {@code FileSystems.getDefault} or a {@code Files.createTemp*} overload without
   * a directory.
   *
   * @throws IllegalArgumentException if no package is given or one is not a dotted Java package
   *     name
   */
  public static ArchRule engineUsesOnlyItsPath(String... packages) {
    String[] patterns = andBelowEach(packages);
    return noClasses()
        .that()
        .resideInAnyPackage(patterns)
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(FileSystemEscapes.DEFAULT_FILE_SYSTEM_CLASSES.toArray(Class<?>[]::new))
        .orShould()
        .accessTargetWhere(FileSystemEscapes.defaultFileSystemAccess())
        .allowEmptyShould(true)
        .because(
            "an engine does all file I/O through the Path it is given, so the conformance suite"
                + " can hand it a path on a fault-injecting file system; anything that resolves a"
                + " name on the default file system escapes the faults and the test");
  }

  // ---------------------------------------------------------------------------------------------
  // Library hygiene

  /**
   * Code at or below {@code libraryPackage}, except the {@code exceptPackages} and their
   * subpackages, never calls {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}.
   *
   * @throws IllegalArgumentException if a package is not a dotted Java package name
   */
  public static ArchRule libraryNeverExits(String libraryPackage, String... exceptPackages) {
    return noClasses()
        .that(inLibrary(libraryPackage, exceptPackages))
        .should()
        .accessTargetWhere(
            access(
                "System.exit, Runtime.exit or Runtime.halt",
                (owner, name) ->
                    (owner.equals("java.lang.System") && name.equals("exit"))
                        || (owner.equals("java.lang.Runtime")
                            && (name.equals("exit") || name.equals("halt")))))
        .allowEmptyShould(true)
        .because(
            "a library runs inside someone else's process; ending it is the application's"
                + " decision, and an exiting engine loses every unsynced write of its caller");
  }

  /**
   * Code at or below {@code libraryPackage}, except the {@code exceptPackages}, never calls {@code
   * printStackTrace()} without arguments, which writes to the standard error stream. (The overloads
   * taking a stream or writer are allowed: they format a trace into a string.)
   *
   * @throws IllegalArgumentException if a package is not a dotted Java package name
   */
  public static ArchRule libraryNeverPrintsStackTraces(
      String libraryPackage, String... exceptPackages) {
    return noClasses()
        .that(inLibrary(libraryPackage, exceptPackages))
        .should()
        .accessTargetWhere(
            DescribedPredicate.describe(
                "Throwable.printStackTrace()",
                (JavaAccess<?> access) ->
                    access.getTarget().getName().equals("printStackTrace")
                        && access.getTarget() instanceof AccessTarget.CodeUnitAccessTarget codeUnit
                        && codeUnit.getRawParameterTypes().isEmpty()))
        .allowEmptyShould(true)
        .because(
            "a library reports failures by throwing or through System.Logger; a trace printed to"
                + " standard error is lost to the application's logging and is noise in its"
                + " output");
  }

  /**
   * Code at or below {@code libraryPackage}, except the {@code exceptPackages}, never reads {@code
   * System.out} or {@code System.err}.
   *
   * @throws IllegalArgumentException if a package is not a dotted Java package name
   */
  public static ArchRule libraryNeverWritesToStandardStreams(
      String libraryPackage, String... exceptPackages) {
    return noClasses()
        .that(inLibrary(libraryPackage, exceptPackages))
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .allowEmptyShould(true)
        .because(
            "the standard streams belong to the application; a library logs through"
                + " System.Logger, and only the command-line tool prints");
  }

  // ---------------------------------------------------------------------------------------------
  // Cycles

  /**
   * No cycle between the packages at or below {@code rootPackage}, each package its own slice.
   *
   * @throws IllegalArgumentException if {@code rootPackage} is not a dotted Java package name
   */
  public static ArchRule packagesAreFreeOfCycles(String rootPackage) {
    Layout.requirePackageName(rootPackage, "rootPackage");
    return slices()
        .assignedFrom(new PackageSlices(rootPackage))
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true)
        .because(
            "packages that depend on each other in a cycle can only be understood, tested and"
                + " changed together; each package should build on the ones below it");
  }

  // ---------------------------------------------------------------------------------------------

  static String providerInterface(Layout layout) {
    return layout.spi() + ".StorageEngineProvider";
  }

  static void requireLayout(Layout layout) {
    if (layout == null) {
      throw new IllegalArgumentException("layout must not be null; use Layout.CAIRN");
    }
  }

  private static String[] andBelowEach(String... packages) {
    if (packages == null || packages.length == 0) {
      throw new IllegalArgumentException("at least one package must be given");
    }
    return Arrays.stream(packages)
        .map(p -> Layout.andBelow(Layout.requirePackageName(p, "package")))
        .toArray(String[]::new);
  }

  private static DescribedPredicate<JavaClass> inLibrary(
      String libraryPackage, String... exceptPackages) {
    Layout.requirePackageName(libraryPackage, "libraryPackage");
    for (String except : exceptPackages) {
      Layout.requirePackageName(except, "exceptPackages");
    }
    String description =
        exceptPackages.length == 0
            ? "are in " + libraryPackage
            : "are in " + libraryPackage + " but not in " + String.join(", ", exceptPackages);
    return DescribedPredicate.describe(
        description,
        type ->
            ClassPredicates.isInAny(type, libraryPackage)
                && !ClassPredicates.isInAny(type, exceptPackages));
  }

  private interface OwnerAndName {
    boolean test(String ownerName, String memberName);
  }

  private static DescribedPredicate<JavaAccess<?>> access(String description, OwnerAndName test) {
    return DescribedPredicate.describe(
        description,
        access -> test.test(access.getTarget().getOwner().getName(), access.getTarget().getName()));
  }
}
