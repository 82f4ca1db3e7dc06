package dev.cairn.conformance;

import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;

/** Opening a store the way users do, through the runtime boundary. Stateless. */
final class RuntimeRoute {

  private RuntimeRoute() {}

  /** Opens a store with {@code provider} through the runtime, with {@code options}. */
  static StorageEngine open(StorageEngineProvider provider, EngineOptions options) {
    return provider.open(options); // TODO route through dev.cairn.runtime once it is installed
  }
}
