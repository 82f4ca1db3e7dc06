package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import dev.cairn.conformance.certify.CrashAndFaultSection;
import dev.cairn.conformance.certify.SkippedTest;
import dev.cairn.conformance.reference.ReferenceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Certification through the JUnit launcher, and the report it writes. */
class CertificationTest {

  private static final Pattern STARTED = Pattern.compile("^\\[(\\d+)/(\\d+)] ([a-z-]+): running$");
  private static final Pattern FINISHED =
      Pattern.compile(
          "^\\[(\\d+)/(\\d+)] ([a-z-]+): \\d+ passed, \\d+ failed, \\d+ skipped in \\d+\\.\\d s"
              + " \\(\\d+:\\d\\d since the start\\)$");

  @Test
  void theReferenceEnginePassesTheWholeSuite(@TempDir Path dir) throws Exception {
    List<String> progress = new ArrayList<>();
    Instant before = Instant.now();
    CertificationReport r =
        Certification.run(
            ReferenceProvider.durable(),
            CertificationOptions.defaults()
                .withParameter("cairn.model.sequences", "5")
                .withProgress(progress::add));
    assertEquals(0, r.failed(), r.toJson());
    assertTrue(r.certified());
    assertTrue(r.passed() >= 200, "only " + r.passed() + " tests passed");
    assertEquals(16, r.groups().size(), "groups: " + r.groups().keySet());
    assertEquals(
        List.of(
            "DURABLE",
            "ORDERED_SCANS",
            "SNAPSHOTS",
            "ATOMIC_BATCHES",
            "CHECKPOINTS",
            "ANY_FILE_SYSTEM",
            "KEYSPACES",
            "CONDITIONAL_WRITES",
            "RANGE_DELETES"),
        r.verified());
    assertEquals(List.of(), r.unverified());
    assertTrue(r.seeds().size() >= 5, "seeds: " + r.seeds());
    CrashAndFaultSection crash = r.crashAndFaults();
    System.out.println("reference engine: " + crash.summaryLine());
    assertEquals(7, crash.campaigns().size(), "one report per campaign: " + crash.campaigns());
    assertEquals(List.of(), crash.skipped());
    assertTrue(crash.crashStates() >= 1000, crash.summaryLine());
    assertTrue(crash.faultsInjected() > 0, crash.summaryLine());
    assertEquals(0, crash.failures(), crash.summaryLine());

    assertProgressOfEveryGroup(progress, 16);
    assertTrue(
        progress.getLast().startsWith("[16/16] crash-and-faults: "),
        "the crash campaigns run last: " + progress);

    // When, how long, with what.
    assertFalse(r.startedAt().isBefore(before), r.startedAt() + " before " + before);
    assertFalse(r.startedAt().plus(r.duration()).isAfter(Instant.now()), r.duration().toString());
    long groupMillis = 0;
    for (Map<String, Object> g : r.groups().values()) {
      groupMillis += (long) g.get("elapsedMillis");
    }
    assertTrue(
        groupMillis > 0 && groupMillis <= r.duration().toMillis(),
        "groups took " + groupMillis + " ms of " + r.duration());
    assertEquals(
        Map.of(
            "cairn.model.sequences", "5",
            "cairn.model.operations", "300",
            "cairn.crash.scale", "1"),
        r.options().effective(),
        "the parameters the tests ran with, defaults included");
    assertEquals("5", r.options().parameters().get("cairn.model.sequences"));
    assertEquals(List.of(), r.options().groups());

    // Every skip is listed with its reason.
    assertEquals(r.skipped(), r.skippedTests().size(), String.valueOf(r.skippedTests()));
    assertTrue(r.skipped() > 0, "the durable reference engine skips a few tests");
    for (SkippedTest s : r.skippedTests()) {
      assertTrue(r.groups().containsKey(s.group()), s.toString());
      assertFalse(s.test().isBlank() || s.reason().isBlank(), s.toString());
    }

    // The engine's and the suite's identity.
    assertEquals("reference", r.engine().name());
    assertEquals(ReferenceProvider.durable().getClass().getName(), r.engine().provider());
    assertEquals(Certification.class.getModule().getName(), r.engine().module().orElseThrow());
    assertTrue(
        r.engine().artifact().location().isPresent(), "the test classes' directory is known");
    assertTrue(r.engine().artifact().sha256().isEmpty(), "a directory has no hash");
    assertFalse(r.suite().version().contains("SNAPSHOT"), r.suite().toString());
    assertEquals(!r.suite().build().endsWith("-SNAPSHOT"), r.suite().released());

    Path file = dir.resolve("report.json");
    r.writeTo(file);
    String json = Files.readString(file);
    ReportSchema.assertValid(json);
    JsonNode root = ReportSchema.parse(json);
    assertEquals(CertificationReport.REPORT_VERSION, root.at("/reportVersion").asString());
    assertTrue(root.at("/environment/processors").isInt(), json);
    assertEquals(r.duration().toMillis(), root.at("/run/durationMillis").asLong(), json);
    assertEquals(r.skipped(), root.at("/skipped").size(), json);
    List<String> campaigns = new ArrayList<>();
    root.at("/crashAndFaults/campaigns").forEach(c -> campaigns.add(c.at("/campaign").asString()));
    assertTrue(
        campaigns.containsAll(List.of("random power cuts", "process kills (SIGKILL)")), json);
  }

  @Test
  void anEngineWithoutDurabilityReportsItsCrashCampaignsSkippedWithReasons() {
    List<String> progress = new ArrayList<>();
    CertificationReport r =
        Certification.run(
            ReferenceProvider.inMemory(),
            CertificationOptions.defaults()
                .withGroups(Set.of("crash-and-faults"))
                .withProgress(progress::add));
    assertEquals(0, r.failed(), r.toJson());
    CrashAndFaultSection crash = r.crashAndFaults();
    assertTrue(crash.selected());
    assertEquals(List.of(), crash.campaigns());
    assertEquals(7, crash.skipped().size(), r.toJson());
    assertTrue(
        crash.skipped().stream()
            .allMatch(s -> s.reason().contains("does not declare capability DURABLE")),
        r.toJson());
    assertTrue(crash.summaryLine().contains("7 skipped"), crash.summaryLine());
    assertEquals(crash.skipped(), r.skippedTests(), "the report's list holds the same skips");
    assertTrue(
        r.skippedTests().stream().anyMatch(s -> s.test().equals("randomPowerCuts()")),
        "skips are named: " + r.skippedTests());
    assertProgressOfEveryGroup(progress, 1);
    assertEquals(List.of("crash-and-faults"), r.options().groups());
    assertEquals(
        Map.of("cairn.crash.scale", "1"),
        r.options().effective(),
        "the crash group's parameters, not the model-based group's");
    String json = r.toJson();
    ReportSchema.assertValid(json);
    assertTrue(json.contains("\"reason\": \"Assumption failed: engine"), json);
  }

  @Test
  void aRunWithoutTheCrashGroupSaysSo() {
    CertificationReport r =
        Certification.run(
            ReferenceProvider.inMemory(),
            CertificationOptions.defaults().withGroups(Set.of("basic")));
    assertFalse(r.crashAndFaults().selected());
    assertTrue(r.crashAndFaults().summaryLine().contains("not run"));
    ReportSchema.assertValid(r.toJson());
  }

  @Test
  void anEngineWithoutCapabilitiesPassesWithSkipsAndVerifiedRefusals() {
    CertificationReport r =
        Certification.run(
            ReferenceProvider.minimal(),
            CertificationOptions.defaults().withParameter("cairn.model.sequences", "3"));
    assertEquals(0, r.failed(), r.toJson());
    assertTrue(r.skipped() > 50, "skipped " + r.skipped());
    assertEquals(r.skipped(), r.skippedTests().size());
    assertTrue(
        r.skippedTests().stream()
            .anyMatch(
                s ->
                    s.group().equals("cursors")
                        && s.reason().contains("does not declare capability ORDERED_SCANS")),
        String.valueOf(r.skippedTests()));
    assertEquals(List.of(), r.declared());
    assertEquals(
        List.of(
            "ORDERED_SCANS",
            "SNAPSHOTS",
            "ATOMIC_BATCHES",
            "CHECKPOINTS",
            "KEYSPACES",
            "CONDITIONAL_WRITES",
            "RANGE_DELETES"),
        r.refusalsVerified());
    ReportSchema.assertValid(r.toJson());
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
    ReportSchema.assertValid(r.toJson());
  }

  /**
   * Each of {@code groups} groups has a line as it starts and one as it finishes, numbered in the
   * order they ran, and nothing else is announced.
   */
  private static void assertProgressOfEveryGroup(List<String> progress, int groups) {
    assertEquals(2 * groups, progress.size(), "two lines per group: " + progress);
    for (int i = 0; i < groups; i++) {
      Matcher started = STARTED.matcher(progress.get(2 * i));
      Matcher finished = FINISHED.matcher(progress.get(2 * i + 1));
      assertTrue(started.matches(), "a group starts: " + progress.get(2 * i));
      assertTrue(finished.matches(), "and finishes: " + progress.get(2 * i + 1));
      assertEquals(Integer.toString(i + 1), started.group(1), progress.toString());
      assertEquals(Integer.toString(groups), started.group(2), progress.toString());
      assertEquals(started.group(1), finished.group(1), progress.toString());
      assertEquals(started.group(3), finished.group(3), progress.toString());
    }
  }
}
