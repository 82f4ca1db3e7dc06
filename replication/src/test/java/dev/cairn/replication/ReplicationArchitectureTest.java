package dev.cairn.replication;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.cairn.archrules.CairnRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The library rules of {@code cairn-archrules}, applied here: the repository's own rule test cannot
 * import this module (decision 0025).
 */
class ReplicationArchitectureTest {

  private static final String PACKAGE = "dev.cairn.replication";

  /** {@code cairn cluster}: a command-line program, which prints and exits. */
  private static final String CLI = PACKAGE + ".cli";

  @Test
  void replicationFollowsTheLibraryRules() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(PACKAGE);
    ArchRule staysOutOfEngines =
        noClasses()
            .that()
            .resideInAPackage(PACKAGE + "..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.cairn.engine..", "dev.cairn.cli..", "dev.cairn.conformance..")
            .because(
                "replication reaches engines only through the runtime and the SPI, so any engine"
                    + " can be a node's state machine");
    for (ArchRule rule :
        List.of(
            CairnRules.importedAtLeast(8, PACKAGE),
            staysOutOfEngines,
            CairnRules.libraryNeverExits(PACKAGE, CLI),
            CairnRules.libraryNeverPrintsStackTraces(PACKAGE, CLI),
            CairnRules.libraryNeverWritesToStandardStreams(PACKAGE, CLI),
            CairnRules.packagesAreFreeOfCycles(PACKAGE))) {
      rule.check(classes);
    }
  }
}
