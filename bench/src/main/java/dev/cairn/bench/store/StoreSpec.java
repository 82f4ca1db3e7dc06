package dev.cairn.bench.store;

import dev.cairn.spi.Durability;
import java.util.Map;
import java.util.Objects;

/**
 * What a store is opened for: the durability its writes will mostly use, the most data a run may
 * put in it, the memory its cache may take, and engine settings given to every engine that declares
 * them. Peers whose durability or size is fixed when the store opens (LMDB's map size and sync
 * flags) are configured from it; the others may ignore the sizes. Immutable.
 *
 * @param durability the durability of the run's ordinary writes
 * @param maxRecords an upper bound on the records the store will hold at once
 * @param keySize bytes per key
 * @param valueSize bytes per value
 * @param cacheBytes the size of the store's own cache (RocksDB's block cache, MVStore's page
 *     cache), the same for every store of a run so that comparisons give each the same memory; or
 *     {@link #DEFAULT_CACHE} to leave each store at its own default
 * @param settings engine settings by name, each given to every engine that declares it (peers
 *     ignore them)
 */
public record StoreSpec(
    Durability durability,
    long maxRecords,
    int keySize,
    int valueSize,
    long cacheBytes,
    Map<String, String> settings) {

  /** {@link #cacheBytes} that leaves every store's cache at the store's own default. */
  public static final long DEFAULT_CACHE = -1;

  /**
   * @throws NullPointerException if {@code durability} is null
   * @throws IllegalArgumentException naming a negative size
   */
  public StoreSpec {
    Objects.requireNonNull(durability, "durability");
    settings = Map.copyOf(settings);
    if (maxRecords < 0 || keySize < 0 || valueSize < 0) {
      throw new IllegalArgumentException(
          "sizes must not be negative: records "
              + maxRecords
              + ", key "
              + keySize
              + ", value "
              + valueSize);
    }
    if (cacheBytes < 0 && cacheBytes != DEFAULT_CACHE) {
      throw new IllegalArgumentException(
          "cache bytes must be >= 0 or DEFAULT_CACHE, got " + cacheBytes);
    }
  }

  /** A spec without engine settings. */
  public StoreSpec(
      Durability durability, long maxRecords, int keySize, int valueSize, long cacheBytes) {
    this(durability, maxRecords, keySize, valueSize, cacheBytes, Map.of());
  }

  /** A spec for small stores: tests and tools that write a few thousand small records. */
  public static StoreSpec small(Durability durability) {
    return new StoreSpec(durability, 10_000, 16, 100, 8L << 20);
  }

  /** Bytes of keys and values the store may hold at once, before any store overhead. */
  public long logicalBytes() {
    return Math.multiplyExact(maxRecords, (long) keySize + valueSize);
  }

  /** True when the run sets every store's cache to {@link #cacheBytes}. */
  public boolean cacheSet() {
    return cacheBytes != DEFAULT_CACHE;
  }
}
