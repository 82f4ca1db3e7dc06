package dev.cairn.bench.store;

import dev.cairn.spi.Durability;
import java.util.Objects;

/**
 * What a store is opened for: the durability its writes will mostly use and the most data a run may
 * put in it. Peers whose durability or size is fixed when the store opens (LMDB's map size and sync
 * flags) are configured from it; the others may ignore the sizes. Immutable.
 *
 * @param durability the durability of the run's ordinary writes
 * @param maxRecords an upper bound on the records the store will hold at once
 * @param keySize bytes per key
 * @param valueSize bytes per value
 */
public record StoreSpec(Durability durability, long maxRecords, int keySize, int valueSize) {

  /**
   * @throws NullPointerException if {@code durability} is null
   * @throws IllegalArgumentException naming a negative size
   */
  public StoreSpec {
    Objects.requireNonNull(durability, "durability");
    if (maxRecords < 0 || keySize < 0 || valueSize < 0) {
      throw new IllegalArgumentException(
          "sizes must not be negative: records "
              + maxRecords
              + ", key "
              + keySize
              + ", value "
              + valueSize);
    }
  }

  /** A spec for small stores: tests and tools that write a few thousand small records. */
  public static StoreSpec small(Durability durability) {
    return new StoreSpec(durability, 10_000, 16, 100);
  }

  /** Bytes of keys and values the store may hold at once, before any store overhead. */
  public long logicalBytes() {
    return Math.multiplyExact(maxRecords, (long) keySize + valueSize);
  }
}
