package dev.cairn.conformance.broken;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** A provider that opens its base engine and breaks it with a wrapper. Stateless. */
final class BrokenProvider implements StorageEngineProvider {

  private final String name;
  private final StorageEngineProvider base;
  private final UnaryOperator<EngineOptions> options;
  private final Function<StorageEngine, StorageEngine> breaker;

  BrokenProvider(
      String name,
      StorageEngineProvider base,
      UnaryOperator<EngineOptions> options,
      Function<StorageEngine, StorageEngine> breaker) {
    this.name = name;
    this.base = base;
    this.options = options;
    this.breaker = breaker;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return "0.0.1-broken";
  }

  @Override
  public SpiVersion spiVersion() {
    return SpiVersion.CURRENT;
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
  public StorageEngine open(EngineOptions o) {
    return breaker.apply(base.open(options.apply(o)));
  }
}
