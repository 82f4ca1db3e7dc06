package dev.cairn.conformance.certify;

import dev.cairn.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the conformance suite that ran, as a certificate states it.
 *
 * <p>A release of the suite is {@code 0.1.0}; a build between releases is {@code 0.1.0-SNAPSHOT},
 * which names no fixed set of tests. The report keeps the two apart: {@code version} is the release
 * number alone and {@code released} says whether this build is that release, so a reader never has
 * to parse a qualifier. An unreleased suite is identified exactly by its jar's SHA-256 (the build
 * is reproducible), which the report gives beside it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param version the release number ({@code 0.1.0}), without a {@code -SNAPSHOT} qualifier
 * @param released true when this build is the release {@code version}, false for a snapshot
 * @param build the version string of the build ({@code 0.1.0-SNAPSHOT}), as Maven names it
 * @param spiVersion the SPI version the suite holds engines to
 */
public record SuiteVersion(String version, boolean released, String build, String spiVersion) {

  private static final String SNAPSHOT = "-SNAPSHOT";

  /** The suite's version, from the build, and the SPI version it runs with. */
  public static SuiteVersion current() {
    try (InputStream in = SuiteVersion.class.getResourceAsStream("suite.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "the conformance suite's jar lacks dev/cairn/conformance/certify/suite.properties");
      }
      Properties p = new Properties();
      p.load(in);
      String build = p.getProperty("version");
      if (build == null || build.isBlank() || build.startsWith("${")) {
        throw new IllegalStateException(
            "suite.properties holds no version (was it filtered by the build?): " + p);
      }
      return of(build, SpiVersion.CURRENT.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the suite's suite.properties", e);
    }
  }

  /** The version of a build named {@code build} ({@code 0.1.0} or {@code 0.1.0-SNAPSHOT}). */
  static SuiteVersion of(String build, String spiVersion) {
    boolean snapshot = build.endsWith(SNAPSHOT);
    return new SuiteVersion(
        snapshot ? build.substring(0, build.length() - SNAPSHOT.length()) : build,
        !snapshot,
        build,
        spiVersion);
  }

  /** {@code 0.1.0}, or {@code 0.1.0 (unreleased)} for a snapshot build. */
  @Override
  public String toString() {
    return released ? version : version + " (unreleased)";
  }
}
