package dev.cairn.runtime;

import dev.cairn.runtime.database.StoreOpener;
import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngine;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * How a database opens its stores: with a registry's engines and a {@link StoreBuilder}, so that
 * each is wrapped in the runtime's boundary.
 *
 * <p>Thread-safe, as the registry.
 */
final class RegistryStoreOpener implements StoreOpener {

  private final EngineRegistry registry;

  RegistryStoreOpener(EngineRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Set<Capability> capabilities(String engine) {
    return registry.info(engine).capabilities();
  }

  @Override
  public Optional<String> recordedEngine(Path directory) {
    return registry.recordedEngine(directory);
  }

  @Override
  public StorageEngine open(Request request) {
    StoreBuilder b =
        request.directory() == null ? registry.store() : registry.store(request.directory());
    return b.engine(request.engine())
        .settings(request.settings())
        .createIfMissing(request.create())
        .readOnly(request.readOnly())
        .defaultDurability(request.defaultDurability())
        .meterRegistry(request.meterRegistry())
        .storeName(request.storeName())
        .open();
  }
}
