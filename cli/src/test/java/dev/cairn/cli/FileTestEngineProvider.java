package dev.cairn.cli;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Test engines for the CLI's data commands, which need a store that outlives one command.
 *
 * <p>{@code testfile} is durable and keeps its entries in one text file ({@link FileTestEngine});
 * {@code scratch} declares no durability, to test that the CLI refuses it for a directory. The
 * description names the engine; tests that list engines use only {@code testfile} and {@code
 * scratch}.
 */
final class FileTestEngineProvider implements StorageEngineProvider {

  static final EngineSetting FAIL_OPEN =
      EngineSetting.bool("fail-open", "When true, opening fails with an I/O error.", false);

  /** A typed setting the engine accepts and ignores: for the listing of types and ranges. */
  static final EngineSetting CACHE =
      EngineSetting.size(
          EngineSetting.CACHE_SIZE, "Ignored: the engine caches nothing.", "1m", 0, 1L << 30);

  private final String name;
  private final boolean durable;
  private final boolean keyspaces;

  private FileTestEngineProvider(String name, boolean durable, boolean keyspaces) {
    this.name = name;
    this.durable = durable;
    this.keyspaces = keyspaces;
  }

  private FileTestEngineProvider(String name, boolean durable) {
    this(name, durable, false);
  }

  /** {@code testspaces}: durable, with keyspaces (one file each). */
  static FileTestEngineProvider withKeyspaces() {
    return new FileTestEngineProvider("testspaces", true, true);
  }

  static FileTestEngineProvider durable() {
    return new FileTestEngineProvider("testfile", true);
  }

  /** A second durable engine, to open a {@code testfile} store with the wrong engine. */
  static FileTestEngineProvider durable(String name) {
    return new FileTestEngineProvider(name, true);
  }

  static FileTestEngineProvider nonDurable() {
    return new FileTestEngineProvider("scratch", false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return "9.9.9";
  }

  @Override
  public SpiVersion spiVersion() {
    return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> capabilities = EnumSet.of(Capability.ORDERED_SCANS);
    if (durable) {
      capabilities.add(Capability.DURABLE);
    }
    if (keyspaces) {
      capabilities.add(Capability.KEYSPACES);
    }
    return capabilities;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(FAIL_OPEN, CACHE);
  }

  @Override
  public String description() {
    return durable ? "One text file of hex lines, for CLI tests." : "Declares no durability.";
  }

  @Override
  public StorageEngine open(EngineOptions options) {
    options.requireKnownSettings(name, settings());
    return new FileTestEngine(name, options, keyspaces);
  }
}
