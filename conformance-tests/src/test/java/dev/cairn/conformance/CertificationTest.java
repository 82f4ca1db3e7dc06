package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import dev.cairn.conformance.reference.ReferenceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certification through the JUnit launcher, and the report it writes. */
class CertificationTest {

  @Test
  void theReferenceEnginePassesTheWholeSuite(@TempDir Path dir) throws Exception {
    List<String> progress = new ArrayList<>();
    CertificationReport r =
        Certification.run(
            ReferenceProvider.durable(),
            CertificationOptions.defaults()
                .withParameter("cairn.model.sequences", "5")
                .withProgress(progress::add));
    assertEquals(0, r.failed(), r.toJson());
    assertTrue(r.certified());
    assertTrue(r.passed() >= 200, "only " + r.passed() + " tests passed");
    assertEquals(11, r.groups().size(), "groups: " + r.groups().keySet());
    assertEquals(11, progress.size(), "one progress line per group: " + progress);
    assertEquals(
        List.of("DURABLE", "ORDERED_SCANS", "SNAPSHOTS", "ATOMIC_BATCHES", "CHECKPOINTS"),
        r.verified());
    assertEquals(List.of("ANY_FILE_SYSTEM"), r.unverified(), "no test here covers it yet");
    assertTrue(r.seeds().size() >= 5, "seeds: " + r.seeds());
    Path file = dir.resolve("report.json");
    r.writeTo(file);
    String json = Files.readString(file);
    for (String field :
        List.of(
            "\"certified\": true",
            "\"name\": \"reference\"",
            "\"spiVersion\": \"1.0\"",
            "\"suiteVersion\"",
            "\"declared\"",
            "\"refusalsVerified\"",
            "\"executed\"",
            "\"seeds\"",
            "\"tempFileSystem\"")) {
      assertTrue(json.contains(field), "report lacks " + field + ":\n" + json);
    }
  }

  @Test
  void anEngineWithoutCapabilitiesPassesWithSkipsAndVerifiedRefusals() {
    CertificationReport r =
        Certification.run(
            ReferenceProvider.minimal(),
            CertificationOptions.defaults().withParameter("cairn.model.sequences", "3"));
    assertEquals(0, r.failed(), r.toJson());
    assertTrue(r.skipped() > 50, "skipped " + r.skipped());
    assertEquals(List.of(), r.declared());
    assertEquals(
        List.of("ORDERED_SCANS", "SNAPSHOTS", "ATOMIC_BATCHES", "CHECKPOINTS"),
        r.refusalsVerified());
  }

  @Test
  void aFailingEngineIsNotCertifiedAndItsFailuresAreReported() {
    CertificationReport r =
        Certification.run(
            dev.cairn.conformance.broken.BrokenEngines.partialBatch(),
            CertificationOptions.defaults().withGroups(Set.of("batches")));
    assertFalse(r.certified());
    assertTrue(r.failures().stream().allMatch(f -> f.get("group").equals("batches")), r.toJson());
    assertTrue(r.failures().stream().allMatch(f -> !f.get("message").isBlank()));
    assertTrue(r.unverified().contains("ATOMIC_BATCHES"), "a failing capability is not verified");
  }
}
