package dev.cairn.conformance.broken;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;

/**
 * An engine that forwards every call; broken engines override what they break. The keyspace handles
 * it hands out are the delegate's, whose writes go to the delegate: a broken engine that breaks
 * keyspace writes wraps them too. The SPI's defaults ({@code deleteRange}, {@code putIfAbsent} and
 * the other conditional forms, {@code multiGet}) are not forwarded: they run through this engine's
 * {@code write} and {@code get}.
 */
class ForwardingEngine implements StorageEngine {

  final StorageEngine delegate;

  ForwardingEngine(StorageEngine delegate) {
    this.delegate = delegate;
  }

  @Override
  public Durability defaultDurability() {
    return delegate.defaultDurability();
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
  public void write(WriteBatch batch, Durability durability) {
    delegate.write(batch, durability);
  }

  @Override
  public List<String> keyspaces() {
    return delegate.keyspaces();
  }

  @Override
  public Keyspace keyspace(String name) {
    return delegate.keyspace(name);
  }

  @Override
  public Keyspace createKeyspace(String name) {
    return delegate.createKeyspace(name);
  }

  @Override
  public void dropKeyspace(String name) {
    delegate.dropKeyspace(name);
  }

  @Override
  public Health health() {
    return delegate.health();
  }

  @Override
  public Snapshot snapshot() {
    return delegate.snapshot();
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void checkpoint(Path target) {
    delegate.checkpoint(target);
  }

  @Override
  public EngineStatistics statistics() {
    return delegate.statistics();
  }

  @Override
  public ConsistencyReport checkConsistency() {
    return delegate.checkConsistency();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
