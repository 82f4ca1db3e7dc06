package dev.cairn.bench.store;

import java.nio.file.Path;

/**
 * Something a benchmark measures: a Cairn engine or a peer store.
 *
 * @param name the name users pass to {@code --engines}
 * @param kind {@code "engine"} for a Cairn engine, {@code "peer"} for a bench-only adapter
 * @param version the engine's or library's version
 * @param durability how {@code SYNC} and {@code BUFFERED} map onto this store, stated beside its
 *     figures so comparisons are fair
 * @param opener opens a fresh or existing store in a directory
 */
public record Target(String name, String kind, String version, String durability, Opener opener) {

  /** Opens a store of a target. */
  @FunctionalInterface
  public interface Opener {
    /**
     * Opens (creating if needed) a store in {@code directory}.
     *
     * @param directory an empty or previously used directory of this target
     * @param spec the durability the store's writes will mostly use and the most data it will hold;
     *     peers whose durability or size is a property of the whole store (LMDB) are configured
     *     with it
     */
    BenchStore open(Path directory, StoreSpec spec);
  }
}
