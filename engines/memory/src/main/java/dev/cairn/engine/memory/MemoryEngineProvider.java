package dev.cairn.engine.memory;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The in-memory engine, {@code "memory"}: ordered, thread-safe, with real snapshots, atomic
 * batches, keyspaces, conditional writes and range deletes, and not durable: a store's data lives
 * until it is closed.
 *
 * <p>For application tests and as the reference the other engines are compared with. It ignores the
 * options' directory, create flag and durability (it does no I/O: every open makes a new, empty
 * store) and accepts no settings. A store opened read-only is empty and refuses every write.
 *
 * <p>Stateless and thread-safe; found by {@link java.util.ServiceLoader}.
 */
public final class MemoryEngineProvider implements StorageEngineProvider {

  /** The engine's name. */
  static final String NAME = "memory";

  private static final Set<Capability> CAPABILITIES =
      Collections.unmodifiableSet(
          EnumSet.of(
              Capability.ORDERED_SCANS,
              Capability.SNAPSHOTS,
              Capability.ATOMIC_BATCHES,
              Capability.ANY_FILE_SYSTEM,
              Capability.KEYSPACES,
              Capability.CONDITIONAL_WRITES,
              Capability.RANGE_DELETES));

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public MemoryEngineProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return "0.1.0";
  }

  @Override
  public SpiVersion spiVersion() {
    return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
  }

  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public String description() {
    return "in-memory, ordered, not durable: for tests and as a reference";
  }

  /**
   * Opens a new, empty in-memory store.
   *
   * @throws InvalidArgumentException if {@code options} is null or holds any setting
   */
  @Override
  public StorageEngine open(EngineOptions options) {
    if (options == null) {
      throw new InvalidArgumentException("engine options are null");
    }
    options.requireKnownSettings(NAME, settings());
    return new MemoryEngine(options.readOnly(), options.defaultDurability());
  }
}
