package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn certify} over the installed memory engine, one group at a time to stay quick. */
class CertifyCommandTest {

  @TempDir Path dir;

  @Test
  void certifiesTheMemoryEngineAndWritesTheReport() throws Exception {
    Path report = dir.resolve("report.json");
    CliRun r =
        CliRun.run(
            new CairnCommand(),
            "certify",
            "--engine",
            "memory",
            "-g",
            "basic",
            "-r",
            report.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(r.out().contains("CERTIFIED"), r.describe());
    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertEquals("memory", json.at("/engine/name").asText(), json.toPrettyString());
    assertTrue(json.at("/totals/passed").asInt() > 0, json.toPrettyString());
    assertEquals(0, json.at("/totals/failed").asInt(), json.toPrettyString());
  }

  @Test
  void progressGoesToStandardErrorAsEachGroupStartsAndFinishes() throws Exception {
    Path report = dir.resolve("report.json");
    CliRun r =
        CliRun.run(
            new CairnCommand(),
            "certify",
            "--engine",
            "memory",
            "-g",
            "lifecycle",
            "-g",
            "basic",
            "-r",
            report.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    List<String> progress = r.err().lines().map(String::strip).toList();
    assertEquals(4, progress.size(), r.describe());
    assertEquals("[1/2] basic: running", progress.get(0), r.describe());
    assertTrue(
        progress
            .get(1)
            .matches("\\[1/2] basic: [0-9]+ passed, 0 failed, 0 skipped in [0-9.]+ s .*"),
        r.describe());
    assertEquals("[2/2] lifecycle: running", progress.get(2), r.describe());
    assertTrue(progress.get(3).startsWith("[2/2] lifecycle: "), r.describe());
    assertFalse(r.out().contains("[1/2]"), "progress stays off standard output\n" + r.describe());
    assertTrue(
        r.out().lines().anyMatch(l -> l.matches("CERTIFIED: .* skipped in [0-9.]+ s")),
        r.describe());

    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertEquals("1.0", json.at("/reportVersion").asText(), json.toPrettyString());
    assertEquals("[\"basic\",\"lifecycle\"]", json.at("/options/groups").toString());
    assertTrue(json.at("/run/durationMillis").asLong() > 0, json.toPrettyString());
    assertTrue(json.at("/environment/processors").isInt(), json.toPrettyString());
    assertFalse(json.at("/suite/version").asText().contains("SNAPSHOT"), json.toPrettyString());
    JsonNode engine = json.at("/engine");
    assertEquals("dev.cairn.engine.memory", engine.at("/module").asText(), engine.toString());
    Path location = Path.of(engine.at("/location").asText());
    if (Files.isRegularFile(location)) {
      assertEquals(sha256(location), engine.at("/sha256").asText(), engine.toString());
    } else {
      assertTrue(engine.at("/sha256").isNull(), "a directory has no hash: " + engine);
    }
    assertEquals(
        json.at("/totals/skipped").asInt(), json.at("/skipped").size(), json.toPrettyString());
    for (JsonNode skip : json.at("/skipped")) {
      assertFalse(skip.at("/reason").asText().isBlank(), skip.toString());
    }
  }

  @Test
  void aReportToStandardOutputIsAllThatGoesThere() throws Exception {
    CliRun r =
        CliRun.run(
            new CairnCommand(), "certify", "--engine", "memory", "-g", "basic", "--report", "-");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals("memory", json.at("/engine/name").asText(), r.describe());
    assertTrue(json.at("/certified").asBoolean(), r.describe());
    assertTrue(r.err().contains("[1/1] basic: running"), r.describe());
    assertTrue(r.err().contains("certifying engine 'memory'"), r.describe());
    assertTrue(r.err().contains("CERTIFIED: "), r.describe());
  }

  @Test
  void theMemoryEngineVerifiesAnyFileSystemAndReportsItsCrashCampaignsSkipped() throws Exception {
    Path report = dir.resolve("report.json");
    CliRun r =
        CliRun.run(
            new CairnCommand(),
            "certify",
            "--engine",
            "memory",
            "-g",
            "capabilities",
            "-g",
            "crash-and-faults",
            "-r",
            report.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(
        r.out().contains("crash and faults: no campaign ran; 7 skipped")
            && r.out().contains("does not declare capability DURABLE"),
        r.describe());
    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertTrue(
        json.at("/capabilities/verified").toString().contains("ANY_FILE_SYSTEM"),
        json.toPrettyString());
    JsonNode crash = json.at("/crashAndFaults");
    assertTrue(crash.at("/selected").asBoolean(), crash.toPrettyString());
    assertEquals(0, crash.at("/trials").asInt(), crash.toPrettyString());
    assertEquals(0, crash.at("/campaigns").size(), crash.toPrettyString());
    assertEquals(7, crash.at("/skipped").size(), crash.toPrettyString());
    for (JsonNode skip : crash.at("/skipped")) {
      assertTrue(skip.at("/reason").asText().contains("DURABLE"), crash.toPrettyString());
    }
  }

  @Test
  void aCrashScaleBelowOneIsAUsageError() {
    CliRun r =
        CliRun.run(new CairnCommand(), "certify", "--engine", "memory", "--crash-scale", "0");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("--crash-scale"), r.describe());
  }

  @Test
  void anUnknownEngineIsAUsageErrorListingTheInstalledOnes() {
    CliRun r = CliRun.run(new CairnCommand(), "certify", "--engine", "nosuch");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("memory"), r.describe());
  }

  @Test
  void anUnwritableReportIsAStorageError() {
    Path report = dir.resolve("missing-parent").resolve("report.json");
    CliRun r =
        CliRun.run(
            new CairnCommand(),
            "certify",
            "--engine",
            "memory",
            "-g",
            "basic",
            "-r",
            report.toString());
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("missing-parent"), r.describe());
    assertFalse(r.err().contains("running"), "refused before the run\n" + r.describe());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
