package dev.cairn.archrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * This repository follows its own rules. The other modules are test-scope dependencies of this one,
 * so their jars are on the test class path and ArchUnit imports them by package; test code (this
 * module's fixtures included) is left out.
 *
 * <p>The minimum counts sit a little below what each module holds, so a module missing from the
 * import (a dependency dropped from this module's pom) fails here instead of passing on nothing.
 * Add a minimum for each engine as it lands.
 */
class RepositoryRulesTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importRepository() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(Layout.CAIRN.root());
  }

  @Test
  void importsEveryModule() {
    Layout cairn = Layout.CAIRN;
    CairnRules.requireAtLeast(classes, 30, cairn.spi());
    CairnRules.requireAtLeast(classes, 8, cairn.toolkit());
    CairnRules.requireAtLeast(classes, 15, cairn.runtime());
    CairnRules.requireAtLeast(classes, 60, cairn.conformance());
    CairnRules.requireAtLeast(classes, 12, cairn.cli());
    CairnRules.requireAtLeast(classes, 5, cairn.engines() + ".memory");
    CairnRules.requireAtLeast(classes, 5, cairn.engines() + ".rocksdb");
    CairnRules.requireAtLeast(classes, 15, cairn.engines() + ".hash");
    CairnRules.requireAtLeast(classes, 40, cairn.engines() + ".lsm");
    CairnRules.requireAtLeast(classes, 20, cairn.engines() + ".btree");
    CairnRules.requireAtLeast(classes, 20, cairn.bench());
    CairnRules.requireAtLeast(classes, 8, "dev.cairn.archrules");
  }

  @Test
  void importsProductionCodeOnly() {
    assertEquals(
        0,
        classes.stream().filter(type -> type.getPackageName().startsWith(Fixtures.BASE)).count(),
        "fixtures are test code and must not be imported");
    assertTrue(
        classes.stream()
            .filter(type -> type.getPackageName().equals(Layout.CAIRN.spi()))
            .allMatch(type -> type.getSource().isPresent()),
        "SPI classes come from the SPI's jar, not from stubs");
  }

  @TestFactory
  Stream<DynamicTest> eachEngineFollowsTheThirdPartyRules() {
    return Stream.of("memory", "rocksdb", "hash", "lsm", "btree")
        .flatMap(
            name ->
                CairnRules.forEngine(Layout.CAIRN.engines() + "." + name, 5).stream()
                    .map(
                        rule ->
                            DynamicTest.dynamicTest(
                                name + ": " + rule.getDescription(), () -> rule.check(classes))));
  }

  @TestFactory
  Stream<DynamicTest> repositoryFollowsEveryRule() {
    return CairnRules.repositoryRules().stream()
        .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
  }
}
