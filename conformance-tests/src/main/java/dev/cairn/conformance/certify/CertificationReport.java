package dev.cairn.conformance.certify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of certifying one engine, as written to the JSON report: version {@value
 * #REPORT_VERSION} of the format that {@code docs/certification.md} describes field by field and
 * {@code docs/certification-report-1.schema.json} (also in this jar: {@link #jsonSchema()})
 * specifies.
 *
 * <p>Immutable and thread-safe.
 *
 * @param engine the engine certified, and the jar it came from
 * @param suite the conformance suite's version
 * @param suiteArtifact the jar (with its SHA-256) or directory the suite was loaded from
 * @param startedAt when the run started
 * @param duration how long the run took, wall time
 * @param options what the run was asked to do, and the parameters its tests ran with
 * @param declared the capabilities the engine declares
 * @param verified declared capabilities with at least one passing test and none failing
 * @param unverified declared capabilities no test verified (failing, or not covered by the suite)
 * @param refusalsVerified undeclared capabilities whose refusal a test verified
 * @param passed tests passed
 * @param failed tests (and containers) failed
 * @param skipped tests (and containers) skipped, by assumption or otherwise
 * @param groups counts and wall time per group, by group name
 * @param skippedTests each skipped test with its group and reason
 * @param seeds the seeds the model-based tests ran
 * @param setAside installed engines the cross-engine comparison set aside, and why
 * @param crashAndFaults what the crash and fault campaigns tried, and what they skipped
 * @param failures each failure: its group, test and message
 * @param environment the JDK, operating system, processors, load and temporary file system
 */
public record CertificationReport(
    EngineUnderTest engine,
    SuiteVersion suite,
    Artifact suiteArtifact,
    Instant startedAt,
    Duration duration,
    RunOptions options,
    List<String> declared,
    List<String> verified,
    List<String> unverified,
    List<String> refusalsVerified,
    int passed,
    int failed,
    int skipped,
    Map<String, Map<String, Object>> groups,
    List<SkippedTest> skippedTests,
    List<String> seeds,
    List<String> setAside,
    CrashAndFaultSection crashAndFaults,
    List<Map<String, String>> failures,
    Map<String, Object> environment) {

  /**
   * The version of the report's format, {@code MAJOR.MINOR}. The minor version grows when fields
   * are added; the major version when a field is removed or renamed, or changes its type or
   * meaning.
   */
  public static final String REPORT_VERSION = "1.0";

  private static final String SCHEMA = "certification-report-1.schema.json";

  /** Copies the collections. */
  public CertificationReport {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(suiteArtifact, "suiteArtifact");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(options, "options");
    declared = List.copyOf(declared);
    verified = List.copyOf(verified);
    unverified = List.copyOf(unverified);
    refusalsVerified = List.copyOf(refusalsVerified);
    groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    skippedTests = List.copyOf(skippedTests);
    seeds = List.copyOf(seeds);
    setAside = List.copyOf(setAside);
    Objects.requireNonNull(crashAndFaults, "crashAndFaults");
    failures = List.copyOf(failures);
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /**
   * The JSON Schema (draft 2020-12) of the report's format, major version 1: the text of {@code
   * docs/certification-report-1.schema.json}, which the build puts in this jar.
   */
  public static String jsonSchema() {
    try (InputStream in = CertificationReport.class.getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(
            "the conformance suite's jar lacks dev/cairn/conformance/certify/" + SCHEMA);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the report's schema " + SCHEMA, e);
    }
  }

  /** True when nothing failed and at least one test passed. */
  public boolean certified() {
    return failed == 0 && passed > 0;
  }

  /** Tests that ran: passed plus failed. */
  public int executed() {
    return passed + failed;
  }

  /** The report as JSON, in the format {@link #REPORT_VERSION}. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("reportVersion", REPORT_VERSION);
    root.put("certified", certified());
    root.put("engine", engine.toMap());
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("version", suite.version());
    s.put("released", suite.released());
    s.put("build", suite.build());
    s.put("spiVersion", suite.spiVersion());
    s.putAll(suiteArtifact.toMap());
    root.put("suite", s);
    Map<String, Object> run = new LinkedHashMap<>();
    Instant started = startedAt.truncatedTo(ChronoUnit.MILLIS);
    run.put("startedAt", started.toString());
    run.put("finishedAt", started.plus(duration.truncatedTo(ChronoUnit.MILLIS)).toString());
    run.put("durationMillis", duration.toMillis());
    root.put("run", run);
    root.put("options", options.toMap());
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
    List<Object> skips = new ArrayList<>();
    skippedTests.forEach(t -> skips.add(t.toMap()));
    root.put("skipped", skips);
    root.put("seeds", seeds);
    root.put("setAside", setAside);
    root.put("crashAndFaults", crashAndFaults.toMap());
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
