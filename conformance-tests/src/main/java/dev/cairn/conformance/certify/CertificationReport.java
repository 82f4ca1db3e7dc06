package dev.cairn.conformance.certify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of certifying one engine, as written to the JSON report (fields described in {@code
 * docs/certification.md}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param engine the engine's name
 * @param engineVersion the engine's own version
 * @param spiVersion the SPI version the engine was built against
 * @param suiteVersion the conformance suite's version
 * @param declared the capabilities the engine declares
 * @param verified declared capabilities with at least one passing test and none failing
 * @param unverified declared capabilities no test verified (failing, or not covered by the suite)
 * @param refusalsVerified undeclared capabilities whose refusal a test verified
 * @param passed tests passed
 * @param failed tests (and containers) failed
 * @param skipped tests skipped, by assumption or otherwise
 * @param groups totals per group, by group name
 * @param seeds the seeds the model-based tests ran
 * @param failures each failure: its group, test and message
 * @param environment the JDK, operating system and temporary directory's file system
 */
public record CertificationReport(
    String engine,
    String engineVersion,
    String spiVersion,
    String suiteVersion,
    List<String> declared,
    List<String> verified,
    List<String> unverified,
    List<String> refusalsVerified,
    int passed,
    int failed,
    int skipped,
    Map<String, Map<String, Object>> groups,
    List<String> seeds,
    List<Map<String, String>> failures,
    Map<String, String> environment) {

  /** Copies the collections. */
  public CertificationReport {
    declared = List.copyOf(declared);
    verified = List.copyOf(verified);
    unverified = List.copyOf(unverified);
    refusalsVerified = List.copyOf(refusalsVerified);
    groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    seeds = List.copyOf(seeds);
    failures = List.copyOf(failures);
    environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /** True when nothing failed and at least one test passed. */
  public boolean certified() {
    return failed == 0 && passed > 0;
  }

  /** Tests that ran: passed plus failed. */
  public int executed() {
    return passed + failed;
  }

  /** The report as JSON. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("certified", certified());
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", engine);
    e.put("version", engineVersion);
    e.put("spiVersion", spiVersion);
    root.put("engine", e);
    root.put("suiteVersion", suiteVersion);
    Map<String, Object> caps = new LinkedHashMap<>();
    caps.put("declared", declared);
    caps.put("verified", verified);
    caps.put("unverified", unverified);
    caps.put("refusalsVerified", refusalsVerified);
    root.put("capabilities", caps);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("executed", executed());
    totals.put("passed", passed);
    totals.put("failed", failed);
    totals.put("skipped", skipped);
    root.put("totals", totals);
    root.put("groups", groups);
    root.put("seeds", seeds);
    root.put("failures", failures);
    root.put("environment", environment);
    return Json.write(root);
  }

  /**
   * Writes {@link #toJson()} to {@code file}.
   *
   * @throws IOException if the file cannot be written
   */
  public void writeTo(Path file) throws IOException {
    Files.writeString(file, toJson());
  }
}
