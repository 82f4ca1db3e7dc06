package dev.cairn.runtime.migrate;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import java.util.List;

/**
 * A keyspace of a {@link MigratingEngine}: writes go through it (captured), reads to its engine.
 */
final class MigratingKeyspace implements Keyspace {

  private final MigratingEngine store;
  private final String name;

  MigratingKeyspace(MigratingEngine store, String name) {
    this.store = store;
    this.name = name;
  }

  private Keyspace live() {
    return store.current().keyspace(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StorageEngine store() {
    return store;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    store.write(name, key, value, false, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    store.write(name, key, null, true, durability);
  }

  @Override
  public byte[] get(byte[] key) {
    return live().get(key);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return live().multiGet(keys);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return live().cursor(range, direction);
  }

  @Override
  public long approximateCount(KeyRange range) {
    return live().approximateCount(range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    return live().approximateSize(range);
  }

  @Override
  public EngineStatistics statistics() {
    return live().statistics();
  }
}
