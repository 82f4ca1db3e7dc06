package dev.cairn.conformance.reference;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import java.util.NavigableMap;

/**
 * A handle on one keyspace of a {@link ReferenceEngine}: every call goes to the engine, under its
 * lock, which checks that {@code entries} is still the keyspace's map. Thread-safe.
 *
 * @param engine the store
 * @param name the keyspace's name
 * @param entries the map the keyspace had when the handle was made: its identity
 */
record ReferenceKeyspace(ReferenceEngine engine, String name, NavigableMap<byte[], byte[]> entries)
    implements Keyspace {

  @Override
  public StorageEngine store() {
    return engine;
  }

  @Override
  public byte[] get(byte[] key) {
    return engine.get(this, key);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return engine.cursor(this, range, direction);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    engine.put(this, key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    engine.delete(this, key, durability);
  }

  @Override
  public EngineStatistics statistics() {
    return engine.statistics(this);
  }

  // NB: a record's equality would compare the maps' contents; a handle is its keyspace's identity.
  @Override
  public boolean equals(Object o) {
    return o instanceof ReferenceKeyspace k && k.engine == engine && k.entries == entries;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(entries);
  }

  @Override
  public String toString() {
    return "keyspace '" + name + "'";
  }
}
