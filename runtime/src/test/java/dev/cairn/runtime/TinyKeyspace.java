package dev.cairn.runtime;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A keyspace of a {@link TinyEngine}: its map, live; invalid once the keyspace is dropped. */
final class TinyKeyspace implements Keyspace {
  private final TinyEngine engine;
  private final String name;
  private final NavigableMap<byte[], byte[]> map;

  TinyKeyspace(TinyEngine engine, String name, NavigableMap<byte[], byte[]> map) {
    this.engine = engine;
    this.name = name;
    this.map = map;
  }

  private void check(String op) {
    engine.check(op);
    engine.calls.add("keyspace " + name + " " + op);
    if (engine.keyspaces.get(name) != map) {
      throw new InvalidStateException("keyspace '" + name + "' was dropped");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StorageEngine store() {
    return engine;
  }

  @Override
  public byte[] get(byte[] key) {
    synchronized (engine) {
      check("get");
      byte[] v = map.get(key);
      return v == null ? null : v.clone();
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    synchronized (engine) {
      check("cursor");
      TinyEngine.TinyCursor c =
          new TinyEngine.TinyCursor(new TreeMap<>(map), range, direction, engine);
      engine.cursors.add(c);
      return c;
    }
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    synchronized (engine) {
      check("put");
      map.put(key.clone(), value.clone());
    }
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    synchronized (engine) {
      check("delete");
      map.remove(key);
    }
  }

  @Override
  public EngineStatistics statistics() {
    synchronized (engine) {
      check("statistics");
      return new EngineStatistics(map.size(), 0, 0, Map.of());
    }
  }
}
