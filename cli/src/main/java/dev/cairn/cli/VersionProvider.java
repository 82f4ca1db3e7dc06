package dev.cairn.cli;

import dev.cairn.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code cairn --version} prints: the CLI's version, the SPI version and the JVM. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {
      "cairn " + cliVersion(),
      "SPI " + SpiVersion.CURRENT,
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
    };
  }

  /** The project version Maven wrote into version.properties, or "unknown" outside a build. */
  static String cliVersion() {
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cli's version.properties", e);
    }
  }
}
