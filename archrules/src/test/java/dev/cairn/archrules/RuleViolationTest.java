package dev.cairn.archrules;

import static dev.cairn.archrules.FixtureRules.assertViolates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each rule fails on a fixture code base built to break it, names the violation, and no other rule
 * fires there; a clean fixture passes them all. Fixtures live under {@code
 * dev.cairn.archrules.fixtures.<case>}, each laid out like the repository under its own root.
 */
class RuleViolationTest {

  private static final String F = Fixtures.BASE;

  @Test
  void cleanCodeBasePassesEveryRule() {
    assertEquals(Set.of(), FixtureRules.failingRules("clean"));
    var classes = Fixtures.importCase("clean");
    CairnRules.requireAtLeast(classes, 3, F + ".clean.spi");
    CairnRules.requireAtLeast(classes, 3, F + ".clean.engine.alpha");
    CairnRules.repositoryRules(Fixtures.layoutOf("clean")).forEach(rule -> rule.check(classes));
  }

  @Test
  void repositoryRuleSetHoldsEveryRule() {
    Layout layout = Fixtures.layoutOf("clean");
    Set<String> inSet =
        CairnRules.repositoryRules(layout).stream()
            .map(ArchRule::getDescription)
            .collect(Collectors.toSet());
    Set<String> named =
        FixtureRules.byName(layout).values().stream()
            .map(ArchRule::getDescription)
            .collect(Collectors.toSet());
    assertEquals(named, inSet);
    assertEquals(15, inSet.size());
    for (String description : inSet) {
      assertTrue(description.contains(", because "), "states its reason: " + description);
    }
  }

  @Test
  void spiDependingOnAThirdPartyTypeFails() {
    assertViolates(
        "spidependency",
        Set.of("spiDependsOnlyOnJavaBase"),
        "spiDependsOnlyOnJavaBase",
        F + ".spidependency.spi.Tagged",
        "com.tngtech.archunit.base.HasDescription");
  }

  @Test
  void spiExposingThirdPartyTypesFailsAtEveryPosition() {
    String message =
        assertViolates(
            "spisignature",
            Set.of("spiDependsOnlyOnJavaBase", "spiSignaturesExposeOnlyJdkTypes"),
            "spiSignaturesExposeOnlyJdkTypes",
            "ReturnsThirdParty.describe()> (ReturnsThirdParty.java:",
            "exposes com.tngtech.archunit.base.HasDescription in its return type",
            "TakesThirdParty.accept(com.tngtech.archunit.base.HasDescription)",
            "in a parameter type",
            "ThrowsThirdParty.fail()",
            "exposes com.tngtech.archunit.base.ArchUnitException in a declared exception",
            "BoundsThirdParty.first(",
            "in a type parameter bound",
            "ListsThirdParty.all()> (ListsThirdParty.java:0) exposes com.tngtech.archunit.base.HasDescription in its return type",
            "FieldOfThirdParty.description",
            "in its type",
            "ExtendsThirdParty",
            "in an interface it implements");
    assertFalse(message.contains("FieldOfThirdParty.hidden>"), "private fields are not exposed");
    assertFalse(message.contains("HiddenThirdParty"), "package-private classes are not exposed");
  }

  @Test
  void engineReachingTheDefaultFileSystemFails() {
    String bad = F + ".engineio.engine.bad.";
    String message =
        assertViolates(
            "engineio",
            Set.of("enginesUseOnlyTheirPath"),
            "enginesUseOnlyTheirPath",
            bad + "UsesFile",
            "java.io.File",
            bad + "UsesPathOf.resolve(java.lang.String)> calls method <java.nio.file.Path.of(",
            bad
                + "UsesPathOfReference.resolve(java.util.List)> calls method <java.nio.file.Path.of(",
            bad
                + "UsesDefaultFileSystemReference.supplier()> references method"
                + " <java.nio.file.FileSystems.getDefault()>",
            bad + "UsesPaths.resolve(java.lang.String)> calls method <java.nio.file.Paths.get(",
            "java.nio.file.FileSystems.getDefault()",
            "java.io.FileInputStream",
            "java.io.FileOutputStream",
            "java.io.RandomAccessFile",
            "java.nio.file.Files.createTempFile(java.lang.String,");
    assertFalse(message.contains("UsesGivenPath"), "I/O under the given path is allowed");
  }

  @Test
  void engineUsingAnotherEngineFails() {
    String message =
        assertViolates(
            "enginecoupling",
            Set.of("enginesAreIndependentOfOneAnother", "engineClassesAreReachedOnlyThroughTheSpi"),
            "enginesAreIndependentOfOneAnother",
            F + ".enginecoupling.engine.alpha.UsesBeta",
            F + ".enginecoupling.engine.beta.internal.BetaTable",
            "a class in engine alpha uses engine beta");
    assertFalse(message.contains("UsesToolkit"), "the toolkit is not an engine");
  }

  @Test
  void engineUsingTheRuntimeFails() {
    assertViolates(
        "engineusesruntime",
        Set.of("enginesDoNotDependOnRuntimeCliOrConformance"),
        "enginesDoNotDependOnRuntimeCliOrConformance",
        F + ".engineusesruntime.engine.alpha.UsesRuntime",
        F + ".engineusesruntime.runtime.Registry");
  }

  @Test
  void toolkitUsingAThirdPartyTypeFails() {
    assertViolates(
        "toolkitdependency",
        Set.of("toolkitDependsOnlyOnSpiAndJavaBase"),
        "toolkitDependsOnlyOnSpiAndJavaBase",
        F + ".toolkitdependency.engine.toolkit.Described",
        "com.tngtech.archunit.base.HasDescription");
  }

  @Test
  void runtimeUsingAnEngineFails() {
    assertViolates(
        "runtimeengine",
        Set.of("runtimeDoesNotDependOnEngines", "engineClassesAreReachedOnlyThroughTheSpi"),
        "runtimeDoesNotDependOnEngines",
        F + ".runtimeengine.runtime.Opener",
        F + ".runtimeengine.engine.alpha.internal.AlphaTable");
  }

  @Test
  void conformanceUsingAnEngineFails() {
    assertViolates(
        "conformanceengine",
        Set.of("conformanceDoesNotDependOnEngines", "engineClassesAreReachedOnlyThroughTheSpi"),
        "conformanceDoesNotDependOnEngines",
        F + ".conformanceengine.conformance.Certifier",
        F + ".conformanceengine.engine.alpha.internal.AlphaTable");
  }

  @Test
  void engineClassesReachedFromOutsideNameTheEngine() {
    assertViolates(
        "runtimeengine",
        Set.of("runtimeDoesNotDependOnEngines", "engineClassesAreReachedOnlyThroughTheSpi"),
        "engineClassesAreReachedOnlyThroughTheSpi",
        F + ".runtimeengine.runtime.Opener",
        "a class outside every engine uses engine alpha");
  }

  @Test
  void libraryUsingTheCliFails() {
    assertViolates(
        "clidependency",
        Set.of("nothingDependsOnCli"),
        "nothingDependsOnCli",
        F + ".clidependency.runtime.UsesCli",
        F + ".clidependency.cli.Command");
  }

  @Test
  void publicEngineClassOtherThanTheProviderFails() {
    String message =
        assertViolates(
            "publicengine",
            Set.of("enginesExposeOnlyTheirProviders"),
            "enginesExposeOnlyTheirProviders",
            "Class <" + F + ".publicengine.engine.alpha.AlphaEngine> is public but is not a");
    assertFalse(message.contains("AlphaProvider"), "the provider may be public");
  }

  @Test
  void libraryEndingTheProcessFails() {
    assertViolates(
        "exit",
        Set.of("libraryNeverExits"),
        "libraryNeverExits",
        F + ".exit.runtime.Exits.fail()> calls method <java.lang.System.exit(int)>",
        F + ".exit.runtime.Halts.fail()> calls method <java.lang.Runtime.halt(int)>");
  }

  @Test
  void libraryPrintingAStackTraceFails() {
    String message =
        assertViolates(
            "stacktrace",
            Set.of("libraryNeverPrintsStackTraces"),
            "libraryNeverPrintsStackTraces",
            F
                + ".stacktrace.runtime.PrintsTrace.fail(java.lang.IllegalStateException)> calls"
                + " method <java.lang.IllegalStateException.printStackTrace()>");
    assertFalse(message.contains("FormatsTrace"), "formatting a trace into a string is allowed");
  }

  @Test
  void libraryWritingToStandardStreamsFails() {
    assertViolates(
        "stdout",
        Set.of("libraryNeverWritesToStandardStreams"),
        "libraryNeverWritesToStandardStreams",
        F + ".stdout.runtime.PrintsOut.report(java.lang.String)> gets field <java.lang.System.out>",
        F
            + ".stdout.runtime.PrintsErr.report(java.lang.String)> gets field <java.lang.System.err>");
  }

  @Test
  void packageCycleFails() {
    assertViolates(
        "cycle",
        Set.of("packagesAreFreeOfCycles"),
        "packagesAreFreeOfCycles",
        "Cycle detected: Slice " + F + ".cycle.runtime.a -> ",
        "Slice " + F + ".cycle.runtime.b -> ",
        F
            + ".cycle.runtime.b.Second.more()> calls method <"
            + F
            + ".cycle.runtime.a.First.first()>");
  }

  @Test
  void everyFixtureCaseHasATest() {
    // A fixture case nobody checks is dead weight: every case under the fixtures package must be
    // one of those the tests of this module name.
    Set<String> tested =
        Set.of(
            "clean",
            "spidependency",
            "spisignature",
            "engineio",
            "enginecoupling",
            "engineusesruntime",
            "toolkitdependency",
            "runtimeengine",
            "conformanceengine",
            "clidependency",
            "publicengine",
            "exit",
            "stacktrace",
            "stdout",
            "cycle",
            "thirdparty");
    Set<String> present =
        new ClassFileImporter()
            .importPackages(F).stream()
                .map(type -> type.getPackageName().substring(F.length() + 1).split("\\.")[0])
                .collect(Collectors.toSet());
    assertEquals(tested, present);
  }
}
