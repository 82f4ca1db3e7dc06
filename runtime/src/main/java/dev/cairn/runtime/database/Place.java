package dev.cairn.runtime.database;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.List;

/**
 * Where a database keyspace's data is: an open store (the runtime's boundary around an engine) and
 * the engine keyspace in it, {@link Catalog#OWNED} for a store the keyspace owns.
 *
 * <p>Immutable and thread-safe, as the store it reads and writes.
 *
 * @param store the open store, wrapped in the runtime's boundary
 * @param storeDirectory the store's directory name in the catalog
 * @param engine the store's engine
 * @param engineKeyspace the engine keyspace holding the data
 * @param keyspace the boundary's handle on that engine keyspace, or null in an owned store (whose
 *     store handle is its keyspace)
 */
record Place(
    StorageEngine store,
    String storeDirectory,
    String engine,
    String engineKeyspace,
    Keyspace keyspace) {

  boolean owned() {
    return keyspace == null;
  }

  private ReadView reads() {
    return keyspace == null ? store : keyspace;
  }

  byte[] get(byte[] key) {
    return reads().get(key);
  }

  List<byte[]> multiGet(List<byte[]> keys) {
    return reads().multiGet(keys);
  }

  Cursor cursor(KeyRange range, Direction direction) {
    return reads().cursor(range, direction);
  }

  long approximateCount(KeyRange range) {
    return reads().approximateCount(range);
  }

  long approximateSize(KeyRange range) {
    return reads().approximateSize(range);
  }

  void put(byte[] key, byte[] value, Durability durability) {
    if (keyspace == null) {
      store.put(key, value, durability);
    } else {
      keyspace.put(key, value, durability);
    }
  }

  void delete(byte[] key, Durability durability) {
    if (keyspace == null) {
      store.delete(key, durability);
    } else {
      keyspace.delete(key, durability);
    }
  }

  /** Writes a batch already in the store's engine keyspaces ({@link Batches#translate}). */
  void write(WriteBatch batch, Durability durability) {
    store.write(batch, durability);
  }

  EngineStatistics statistics() {
    return keyspace == null ? store.statistics() : keyspace.statistics();
  }
}
