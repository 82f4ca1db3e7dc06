package dev.cairn.bench.store;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Something a benchmark measures: a Cairn engine or a peer store.
 *
 * @param name the name users pass to {@code --engines}
 * @param kind {@code "engine"} for a Cairn engine, {@code "peer"} for a bench-only adapter
 * @param version the engine's or library's version
 * @param durability how {@code SYNC} and {@code BUFFERED} map onto this store, stated beside its
 *     figures so comparisons are fair
 * @param memory what the store's cache is in a run, or why it has none, stated beside its figures
 *     so that comparisons are seen to give every store the same memory
 * @param opener opens a fresh or existing store in a directory
 * @param settings what the store is configured with beyond its memory (an engine's compression,
 *     settings given with {@code --setting}), stated beside its figures
 */
public record Target(
    String name,
    String kind,
    String version,
    String durability,
    Memory memory,
    Opener opener,
    Memory settings) {

  /** A target whose configuration needs no line of its own: a peer at its defaults. */
  public Target(
      String name, String kind, String version, String durability, Memory memory, Opener opener) {
    this(name, kind, version, durability, memory, opener, spec -> "its defaults");
  }

  /** Opens a store of a target. */
  @FunctionalInterface
  public interface Opener {
    /**
     * Opens (creating if needed) a store in {@code directory}.
     *
     * @param directory an empty or previously used directory of this target
     * @param spec the durability the store's writes will mostly use, the most data it will hold and
     *     the size of its cache; peers whose durability or size is a property of the whole store
     *     (LMDB) are configured with it, and a store with a cache of its own sizes it from {@link
     *     StoreSpec#cacheBytes()}
     */
    BenchStore open(Path directory, StoreSpec spec);
  }

  /**
   * How a target uses memory in a run (what its {@link Opener} does with the cache size), or how it
   * is configured.
   */
  @FunctionalInterface
  public interface Memory {
    /** One line: the store's cache under {@code spec}, or why it has none; or its settings. */
    String describe(StoreSpec spec);
  }

  /** {@code bytes} in MiB, as in "256 MiB" or "0.5 MiB", for memory lines. */
  public static String mib(long bytes) {
    double m = bytes / (1024.0 * 1024);
    return m == Math.rint(m)
        ? String.format(Locale.ROOT, "%.0f MiB", m)
        : String.format(Locale.ROOT, "%.1f MiB", m);
  }
}
