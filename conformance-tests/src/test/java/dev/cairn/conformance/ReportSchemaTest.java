package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import dev.cairn.conformance.reference.ReferenceProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The report's JSON Schema ({@code docs/certification-report-1.schema.json}): it is the file the
 * jar carries, the documented example matches it, and it refuses what a report must not be.
 */
class ReportSchemaTest {

  private static final Path DOCS = Path.of(System.getProperty("user.dir")).resolveSibling("docs");

  /** A real report of a small run: one group on the in-memory reference engine. */
  private static String report;

  @BeforeAll
  static void certifyOneGroup() {
    CertificationReport r =
        Certification.run(
            ReferenceProvider.inMemory(),
            CertificationOptions.defaults().withGroups(Set.of("lifecycle")));
    assertTrue(r.skipped() > 0, "the in-memory engine skips the durability tests: " + r.toJson());
    report = r.toJson();
    ReportSchema.assertValid(report);
  }

  @Test
  void theJarCarriesTheSchemaOfTheDocs() throws IOException {
    assertEquals(
        Files.readString(DOCS.resolve("certification-report-1.schema.json")),
        CertificationReport.jsonSchema());
  }

  @Test
  void theDocumentedExampleMatchesTheSchema() throws IOException {
    String doc = Files.readString(DOCS.resolve("certification.md"));
    Matcher m =
        Pattern.compile("### The report\\n.*?```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(doc);
    assertTrue(m.find(), "docs/certification.md has the example report");
    ReportSchema.assertValid(m.group(1));
  }

  @Test
  void aReportWithoutItsVersionIsRefused() {
    assertRefused(root -> root.remove("reportVersion"), "reportVersion");
  }

  @Test
  void aReportOfAnotherMajorVersionIsRefused() {
    assertRefused(root -> root.put("reportVersion", "2.0"), "reportVersion");
  }

  @Test
  void aProcessorCountWrittenAsAStringIsRefused() {
    assertRefused(
        root -> ((ObjectNode) root.get("environment")).put("processors", "2"), "processors");
  }

  @Test
  void aSnapshotStringAsTheSuiteVersionIsRefused() {
    assertRefused(
        root -> ((ObjectNode) root.get("suite")).put("version", "0.1.0-SNAPSHOT"), "version");
  }

  @Test
  void aSkipWithoutAReasonIsRefused() {
    assertRefused(root -> ((ObjectNode) root.get("skipped").get(0)).remove("reason"), "reason");
  }

  @Test
  void aFieldTheSchemaDoesNotDescribeIsRefused() {
    assertRefused(root -> root.put("signature", "..."), "signature");
  }

  @Test
  void aStartTimeThatIsNotAnInstantIsRefused() {
    assertRefused(
        root -> ((ObjectNode) root.get("run")).put("startedAt", "yesterday"), "startedAt");
  }

  /** {@code change} applied to the small run's report makes a problem naming {@code field}. */
  private static void assertRefused(Consumer<ObjectNode> change, String field) {
    JsonNode root = ReportSchema.parse(report);
    change.accept((ObjectNode) root);
    List<String> problems = ReportSchema.problems(ReportSchema.write(root));
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(field)),
        "a problem naming " + field + ", not " + problems);
  }
}
