package dev.cairn.engine.lsm;

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
 * A handle on one keyspace: reads and writes of the store with its keys behind the keyspace's
 * prefix ({@link StoreKeys}). Its writes are the store's writes (one log, one sequence), so a batch
 * across keyspaces is atomic.
 *
 * <p>Thread-safe. Valid while the store is open and the keyspace exists: after it is dropped, every
 * call throws {@link InvalidStateException}.
 */
final class LsmKeyspace implements Keyspace {

  private final LsmEngine engine;
  private final String name;
  private final int id;

  LsmKeyspace(LsmEngine engine, String name, int id) {
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

  private void checkLive() {
    engine.checkOpen();
    if (engine.keyspaceId(name) != id) {
      throw new InvalidStateException("keyspace '" + name + "' was dropped");
    }
  }

  @Override
  public byte[] get(byte[] key) {
    checkLive();
    Limits.checkKey(key);
    return engine.getAt(StoreKeys.of(id, key), -1);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkLive();
    return engine.trackedCursor(id, range, direction);
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
  public EngineStatistics statistics() {
    checkLive();
    Map<String, Long> d = new TreeMap<>();
    d.put("keyspace.id", (long) id);
    return new EngineStatistics(engine.approximateEntries(id), -1, -1, d);
  }

  @Override
  public String toString() {
    return "LsmKeyspace[" + name + ", id " + id + "]";
  }
}
