package dev.cairn.conformance.reference;

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
 * A small, obviously correct engine the suite's own tests hold the suite against: a {@code TreeMap}
 * under a lock, optionally backed by an append-only log file.
 *
 * <p>It is what the broken engines wrap; its variants declare different capabilities so the suite's
 * skip and refusal paths run too. Thread-safe and stateless. Not meant to be subclassed but by
 * {@link DurableReferenceProvider}.
 */
public class ReferenceProvider implements StorageEngineProvider {

  static final EngineSetting BUFFER_SIZE =
      EngineSetting.size("log.buffer.size", "log write buffer", "64k", 512, 16L * 1024 * 1024);

  private final String name;
  private final Set<Capability> capabilities;

  /** Creates a provider with a name and the capabilities it declares (and honours). */
  public ReferenceProvider(String name, Set<Capability> capabilities) {
    this.name = name;
    this.capabilities =
        capabilities.isEmpty()
            ? Set.of()
            : java.util.Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
  }

  /** Every capability, on disk; its class has the no-argument constructor a child JVM needs. */
  public static ReferenceProvider durable() {
    return new DurableReferenceProvider();
  }

  /** In memory, ordered, with snapshots and atomic batches (what the memory engine offers). */
  public static ReferenceProvider inMemory() {
    return new ReferenceProvider(
        "reference-memory",
        EnumSet.of(Capability.ORDERED_SCANS, Capability.SNAPSHOTS, Capability.ATOMIC_BATCHES));
  }

  /**
   * In memory, with every capability an in-memory engine can have: ordered, snapshots, atomic
   * batches, keyspaces, conditional writes and range deletes (what the memory engine offers from
   * SPI 1.1 on).
   */
  public static ReferenceProvider inMemoryComplete() {
    return new ReferenceProvider(
        "reference-memory-complete",
        EnumSet.of(
            Capability.ORDERED_SCANS,
            Capability.SNAPSHOTS,
            Capability.ATOMIC_BATCHES,
            Capability.KEYSPACES,
            Capability.CONDITIONAL_WRITES,
            Capability.RANGE_DELETES));
  }

  /** In memory, with no optional capability: unordered scans, no snapshots, no batches. */
  public static ReferenceProvider minimal() {
    return new ReferenceProvider("reference-minimal", Set.of());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return "1.0.0";
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
    return List.of(BUFFER_SIZE);
  }

  @Override
  public String description() {
    return "reference engine for the conformance suite's own tests";
  }

  @Override
  public StorageEngine open(EngineOptions options) {
    options.requireKnownSettings(name, settings());
    int buffer = (int) options.size(BUFFER_SIZE);
    if (capabilities.contains(Capability.DURABLE)) {
      return new ReferenceEngine(
          capabilities,
          options,
          ReferenceLog.open(options, options.requireDirectory(name), buffer));
    }
    return new ReferenceEngine(capabilities, options, null);
  }
}
