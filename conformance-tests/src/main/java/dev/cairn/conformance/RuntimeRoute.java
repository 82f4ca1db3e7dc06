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
   * Opens a store for tests that name keyspaces, through the runtime, which must carry keyspace
   * calls to an engine that declares them ({@link #forwardsKeyspaces}): a runtime that does not
   * fails the test instead of hiding behind the engine's own handle.
   */
  static StorageEngine openNamingKeyspaces(StorageEngineProvider provider, EngineOptions options) {
    StorageEngine e = open(provider, options);
    if (!provider.capabilities().contains(Capability.KEYSPACES) || forwardsKeyspaces(e)) {
      return e;
    }
    e.close();
    throw new AssertionError(
        "the runtime's store handle does not carry keyspace calls to engine '"
            + provider.name()
            + "', which declares KEYSPACES");
  }

  /**
   * Whether {@code handle}, a store the runtime opened, carries keyspace calls to its engine: its
   * class overrides the SPI's defaults, which refuse every keyspace but the default one.
   *
   * <p>NB: a runtime built before keyspaces existed keeps the defaults, and a store opened through
   * it has no keyspaces whatever its engine declares.
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
