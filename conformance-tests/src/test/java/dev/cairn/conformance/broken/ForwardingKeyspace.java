package dev.cairn.conformance.broken;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;

/** A keyspace handle that forwards every call; broken engines override what they break. */
class ForwardingKeyspace implements Keyspace {

  final Keyspace delegate;
  private final StorageEngine store;

  /**
   * @param store the broken store the handle belongs to: the conditional and range-delete forms
   *     write through it
   */
  ForwardingKeyspace(Keyspace delegate, StorageEngine store) {
    this.delegate = delegate;
    this.store = store;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public StorageEngine store() {
    return store;
  }

  @Override
  public byte[] get(byte[] key) {
    return delegate.get(key);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return delegate.cursor(range, direction);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    delegate.put(key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    delegate.delete(key, durability);
  }

  @Override
  public EngineStatistics statistics() {
    return delegate.statistics();
  }
}
