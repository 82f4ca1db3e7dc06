package dev.cairn.engine.btree;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.Map;
import java.util.TreeMap;

/**
 * A handle on one keyspace: a tree of its own, with its root in the store's {@link Catalog}. Its
 * writes are the store's writes (one writer, one commit), so a batch across keyspaces is atomic.
 *
 * <p>Thread-safe. Valid while the store is open and the keyspace exists: after it is dropped, every
 * call throws {@link InvalidStateException} (ids are never reused, so a keyspace created again
 * under the name is another one).
 */
final class BtreeKeyspace implements Keyspace {

  private final BtreeEngine engine;
  private final String name;
  private final int id;

  BtreeKeyspace(BtreeEngine engine, String name, int id) {
    this.engine = engine;
    this.name = name;
    this.id = id;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StorageEngine store() {
    return engine;
  }

  private Catalog.Root checkLive() {
    engine.checkOpen();
    Catalog.Root r = engine.currentCatalog().root(name);
    if (r == null || r.id() != id) {
      throw new InvalidStateException("keyspace '" + name + "' was dropped");
    }
    return r;
  }

  @Override
  public byte[] get(byte[] key) {
    checkLive();
    Limits.checkKey(key);
    return engine.get(name, id, key);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkLive();
    return engine.trackedCursor(name, id, range, direction);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    checkLive();
    engine.write(new WriteBatch().put(name, key, value), durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    checkLive();
    engine.write(new WriteBatch().delete(name, key), durability);
  }

  @Override
  public long approximateCount(KeyRange range) {
    if (range != null && range.isAll()) {
      engine.publishWorking();
      return checkLive().entries();
    }
    return Keyspace.super.approximateCount(range);
  }

  @Override
  public EngineStatistics statistics() {
    engine.publishWorking();
    Catalog.Root r = checkLive();
    Map<String, Long> d = new TreeMap<>();
    d.put("keyspace.id", (long) id);
    return new EngineStatistics(r.entries(), -1, -1, d);
  }

  @Override
  public String toString() {
    return "BtreeKeyspace[" + name + ", id " + id + "]";
  }
}
