package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Set;
import java.util.function.Supplier;

/** A provider whose self-description is whatever a test makes it: for refusal tests. */
final class StubProvider implements StorageEngineProvider {

  private final Supplier<String> name;
  private final Supplier<SpiVersion> spiVersion;
  private final Supplier<Set<Capability>> capabilities;

  StubProvider(
      Supplier<String> name,
      Supplier<SpiVersion> spiVersion,
      Supplier<Set<Capability>> capabilities) {
    this.name = name;
    this.spiVersion = spiVersion;
    this.capabilities = capabilities;
  }

  static StubProvider named(String name) {
    return new StubProvider(() -> name, () -> SpiVersion.CURRENT, Set::of);
  }

  static StubProvider withSpi(String name, SpiVersion version) {
    return new StubProvider(() -> name, () -> version, Set::of);
  }

  @Override
  public String name() {
    return name.get();
  }

  @Override
  public String version() {
    return "9.9";
  }

  @Override
  public SpiVersion spiVersion() {
    return spiVersion.get();
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities.get();
  }

  @Override
  public StorageEngine open(EngineOptions options) {
    throw new InvalidArgumentException("stub providers open nothing");
  }
}
