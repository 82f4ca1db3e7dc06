package dev.cairn.engine.memory;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.List;

/**
 * A handle on one keyspace of an in-memory store: the store's read and write paths on that
 * keyspace's data.
 *
 * <p>Thread-safe; needs no closing. It holds the keyspace itself, not its name: once the keyspace
 * is dropped every call throws {@link dev.cairn.spi.InvalidStateException}, even if a keyspace of
 * the same name is created again. Its cursors opened before the drop read on, as of their opening.
 */
final class MemoryKeyspace implements Keyspace {

  private final MemoryEngine engine;
  private final VersionedMap data;

  MemoryKeyspace(MemoryEngine engine, VersionedMap data) {
    this.engine = engine;
    this.data = data;
  }

  @Override
  public String name() {
    return data.name();
  }

  @Override
  public StorageEngine store() {
    return engine;
  }

  @Override
  public byte[] get(byte[] key) {
    engine.checkOpen();
    engine.checkLive(data);
    Limits.checkKey(key);
    byte[] value = data.getLatest(key);
    // NB: a drop racing with this read may have cleared what it read; report the drop rather
    // than a value that may be wrong.
    engine.checkLive(data);
    return value == null ? null : value.clone();
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return engine.cursor(data, range, direction);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return engine.multiGet(data, keys);
  }

  @Override
  public long approximateCount(KeyRange range) {
    return engine.approximateCount(data, range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    return engine.approximateSize(data, range);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    engine.put(data, key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    engine.delete(data, key, durability);
  }

  @Override
  public void deleteRange(KeyRange range, Durability durability) {
    MemoryEngine.requireRange(range);
    write(new WriteBatch().deleteRange(name(), range), durability);
  }

  @Override
  public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    return applied(new WriteBatch().requireAbsent(name(), key).put(name(), key, value), durability);
  }

  @Override
  public boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
    return applied(
        new WriteBatch().requireValue(name(), key, expected).put(name(), key, value), durability);
  }

  @Override
  public boolean deleteIfEquals(byte[] key, byte[] expected, Durability durability) {
    return applied(
        new WriteBatch().requireValue(name(), key, expected).delete(name(), key), durability);
  }

  @Override
  public EngineStatistics statistics() {
    return engine.statistics(data);
  }

  @Override
  public String toString() {
    return "keyspace '" + name() + "' of an in-memory store";
  }

  /**
   * Writes a batch on this keyspace only, to this keyspace and not to one created since under the
   * same name.
   */
  private void write(WriteBatch batch, Durability durability) {
    engine.write(batch, durability, data);
  }

  private boolean applied(WriteBatch batch, Durability durability) {
    try {
      write(batch, durability);
      return true;
    } catch (ConflictException e) {
      return false;
    }
  }
}
