package dev.cairn.conformance;

import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.StoreBuilder;
import dev.cairn.spi.Capability;
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

  /**
   * Opens a store for tests that name keyspaces: through the runtime when it forwards keyspace
   * calls ({@link #forwardsKeyspaces}) or the engine has none, else, after closing what the runtime
   * opened, straight through the provider.
   */
  static StorageEngine openNamingKeyspaces(StorageEngineProvider provider, EngineOptions options) {
    StorageEngine e = open(provider, options);
    if (!provider.capabilities().contains(Capability.KEYSPACES) || forwardsKeyspaces(e)) {
      return e;
    }
    e.close();
    return provider.open(options);
  }

  /**
   * Whether {@code handle}, a store the runtime opened, carries keyspace calls to its engine: its
   * class overrides the SPI's defaults, which refuse every keyspace but the default one.
   *
   * <p>NB: a runtime built before keyspaces existed keeps the defaults, and a store opened through
   * it has no keyspaces whatever its engine declares; the tests that name keyspaces then open the
   * engine directly ({@link Stores#openNamingKeyspaces}), and move to the runtime route by
   * themselves once the runtime forwards them.
   */
  static boolean forwardsKeyspaces(StorageEngine handle) {
    try {
      return handle.getClass().getMethod("createKeyspace", String.class).getDeclaringClass()
          != StorageEngine.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError("StorageEngine.createKeyspace(String) is missing", e);
    }
  }
}
