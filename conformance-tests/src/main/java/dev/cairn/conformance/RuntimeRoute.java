package dev.cairn.conformance;

import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.StoreBuilder;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.List;

/**
 * Opening a store the way users do: through the runtime, whose boundary validates arguments,
 * converts errors and keeps the store marker. Stateless.
 */
final class RuntimeRoute {

  private RuntimeRoute() {}

  /**
   * Opens a store with {@code provider} through a registry holding only it, with {@code options}.
   */
  static StorageEngine open(StorageEngineProvider provider, EngineOptions options) {
    StoreBuilder b =
        options
            .directory()
            .map(EngineRegistry.of(List.of(provider))::store)
            .orElseGet(EngineRegistry.of(List.of(provider))::store);
    return b.engine(provider.name())
        .createIfMissing(options.createIfMissing())
        .readOnly(options.readOnly())
        .defaultDurability(options.defaultDurability())
        .settings(options.settings())
        .open();
  }
}
