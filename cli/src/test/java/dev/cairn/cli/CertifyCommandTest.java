package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
  }
}
