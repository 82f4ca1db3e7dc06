package dev.cairn.runtime.database;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a database learns about engines and opens its stores: through the runtime's engine registry
 * and store builder, so that every store of a database is wrapped in the runtime's boundary. {@code
 * Cairn.database(dir)} and {@code EngineRegistry.database(dir)} supply it; applications do not
 * implement it.
 *
 * @since 1.2
 */
public interface StoreOpener {

  /**
   * The capabilities engine {@code engine} declares.
   *
   * @throws dev.cairn.spi.EngineNotFoundException if it is not installed (the message lists those
   *     that are)
   */
  Set<Capability> capabilities(String engine);

  /**
   * The engine whose store marker is in {@code directory}; empty when there is none.
   *
   * @throws dev.cairn.spi.CorruptionException if the marker is damaged
   */
  Optional<String> recordedEngine(Path directory);

  /**
   * Opens (or, with {@code create}, creates) a store, wrapped in the runtime's boundary.
   *
   * @throws dev.cairn.spi.StorageException as {@code StoreBuilder.open()} does
   */
  StorageEngine open(Request request);

  /**
   * What to open.
   *
   * @param directory the store's directory, or null for an engine that is not durable
   * @param engine the engine
   * @param settings its settings
   * @param create whether the store is to be created (its directory must not hold one)
   * @param readOnly whether to open it read-only
   * @param defaultDurability the durability of writes that do not name one
   * @param meterRegistry where the store's meters go
   * @param storeName the value of the {@code store} tag of its meters
   * @since 1.2
   */
  record Request(
      Path directory,
      String engine,
      Map<String, String> settings,
      boolean create,
      boolean readOnly,
      Durability defaultDurability,
      MeterRegistry meterRegistry,
      String storeName) {}
}
