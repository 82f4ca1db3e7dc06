package dev.cairn.engine.rocksdb;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.List;

/**
 * A handle on one keyspace of a {@link RocksDbEngine}: every call goes to the store with this
 * keyspace's column family.
 *
 * <p>Thread-safe; needs no closing. It is bound to the column family, not to the name: after a drop
 * every call throws {@link dev.cairn.spi.InvalidStateException}, even once a keyspace of the same
 * name was created again. So the conditional and range writes, which the SPI's defaults would send
 * by name, go to the store bound to the column family too.
 */
final class RocksDbKeyspace implements Keyspace {

  private final RocksDbEngine store;
  private final ColumnFamily cf;

  RocksDbKeyspace(RocksDbEngine store, ColumnFamily cf) {
    this.store = store;
    this.cf = cf;
  }

  @Override
  public String name() {
    return cf.name();
  }

  @Override
  public StorageEngine store() {
    return store;
  }

  @Override
  public byte[] get(byte[] key) {
    return store.get(cf, key);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return store.multiGet(cf, keys);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return store.cursor(cf, range, direction);
  }

  @Override
  public long approximateCount(KeyRange range) {
    return store.approximateCount(cf, range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    return store.approximateSize(cf, range);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    store.put(cf, key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    store.delete(cf, key, durability);
  }

  @Override
  public void deleteRange(KeyRange range, Durability durability) {
    store.write(new WriteBatch().deleteRange(name(), range), durability, cf);
  }

  @Override
  public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    return store.applied(
        new WriteBatch().requireAbsent(name(), key).put(name(), key, value), durability, cf);
  }

  @Override
  public boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
    return store.applied(
        new WriteBatch().requireValue(name(), key, expected).put(name(), key, value),
        durability,
        cf);
  }

  @Override
  public boolean deleteIfEquals(byte[] key, byte[] expected, Durability durability) {
    return store.applied(
        new WriteBatch().requireValue(name(), key, expected).delete(name(), key), durability, cf);
  }

  @Override
  public EngineStatistics statistics() {
    return store.statistics(cf);
  }

  @Override
  public String toString() {
    return cf + " of " + store;
  }
}
