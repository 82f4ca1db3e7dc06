package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A provider that opens every store of its base provider with the suite's engine settings added
 * (small buffers that make a small workload reach an engine's flushes and compactions, say), so the
 * campaigns, which open stores themselves, see the same engine as the rest of the suite. Stateless.
 */
final class WithSettings implements StorageEngineProvider {

  private final StorageEngineProvider base;
  private final Map<String, String> settings;

  private WithSettings(StorageEngineProvider base, Map<String, String> settings) {
    this.base = base;
    this.settings = Map.copyOf(settings);
  }

  /** {@code base} opening every store with {@code settings}; {@code base} itself when none. */
  static StorageEngineProvider of(StorageEngineProvider base, Map<String, String> settings) {
    return settings.isEmpty() ? base : new WithSettings(base, settings);
  }

  @Override
  public String name() {
    return base.name();
  }

  @Override
  public String version() {
    return base.version();
  }

  @Override
  public SpiVersion spiVersion() {
    return base.spiVersion();
  }

  @Override
  public Set<Capability> capabilities() {
    return base.capabilities();
  }

  @Override
  public List<EngineSetting> settings() {
    return base.settings();
  }

  @Override
  public String description() {
    return base.description();
  }

  @Override
  public StorageEngine open(EngineOptions options) {
    return base.open(options.toBuilder().settings(settings).build());
  }

  @Override
  public String toString() {
    return base + " with " + settings;
  }
}
