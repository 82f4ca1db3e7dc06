package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A correct test engine backed by a TreeMap; durable ones keep their data in one file. */
final class TinyProvider implements StorageEngineProvider {

  static final EngineSetting FLAG = new EngineSetting("tiny.flag", "a setting for tests", "off");

  /** A typed setting (SPI 1.1): the standard cache size. */
  static final EngineSetting CACHE =
      EngineSetting.size(EngineSetting.CACHE_SIZE, "a cache for tests", "1m", 1024, 1L << 30);

  /** A typed setting (SPI 1.1): a duration. */
  static final EngineSetting INTERVAL =
      EngineSetting.duration(
          "tiny.interval",
          "an interval for tests",
          "1s",
          java.time.Duration.ofMillis(10),
          java.time.Duration.ofHours(1));

  private final String name;
  private final Set<Capability> capabilities;

  /** Every engine this provider opened, oldest first. */
  final List<TinyEngine> opened = new CopyOnWriteArrayList<>();

  private TinyProvider(String name, Set<Capability> capabilities) {
    this.name = name;
    this.capabilities = capabilities;
  }

  /** Durable, with every optional capability. */
  static TinyProvider durable(String name) {
    return new TinyProvider(name, EnumSet.allOf(Capability.class));
  }

  /** Not durable; ordered scans, snapshots and batches. */
  static TinyProvider inMemory(String name) {
    return new TinyProvider(
        name,
        EnumSet.of(Capability.ORDERED_SCANS, Capability.SNAPSHOTS, Capability.ATOMIC_BATCHES));
  }

  /** Not durable; ordered scans, snapshots, batches, and the capabilities SPI 1.1 added. */
  static TinyProvider spi11(String name) {
    return new TinyProvider(
        name,
        EnumSet.of(
            Capability.ORDERED_SCANS,
            Capability.SNAPSHOTS,
            Capability.ATOMIC_BATCHES,
            Capability.KEYSPACES,
            Capability.CONDITIONAL_WRITES,
            Capability.RANGE_DELETES));
  }

  /** Not durable, unordered, nothing optional. */
  static TinyProvider basic(String name) {
    return new TinyProvider(name, EnumSet.noneOf(Capability.class));
  }

  /** The statistics details of the engines it opens from now on. */
  private volatile java.util.Map<String, Long> details = java.util.Map.of();

  void details(java.util.Map<String, Long> details) {
    this.details = details;
  }

  TinyEngine last() {
    return opened.getLast();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return "0.0.1";
  }

  @Override
  public SpiVersion spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(FLAG, CACHE, INTERVAL);
  }

  @Override
  public String description() {
    return "a TreeMap, for tests";
  }

  @Override
  public StorageEngine open(EngineOptions options) {
    options.requireKnownSettings(name, settings());
    TinyEngine engine =
        new TinyEngine(
            capabilities.contains(Capability.DURABLE) ? options.requireDirectory(name) : null,
            options,
            capabilities);
    engine.details = details;
    opened.add(engine);
    return engine;
  }
}
