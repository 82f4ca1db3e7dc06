package dev.cairn.runtime.database;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;

/**
 * One database keyspace's data as a store of one keyspace, {@code default}: the source an online
 * migration of the keyspace copies, whether the keyspace owns its store or has an engine keyspace
 * of a shared one. Reads and writes go to the {@link Place}; snapshots are the store's, narrowed to
 * the place's engine keyspace.
 *
 * <p>Thread-safe, as the store. Does not own the store: closing it closes nothing.
 */
final class KeyspaceStore implements StorageEngine {

  private final Place place;

  KeyspaceStore(Place place) {
    this.place = place;
  }

  @Override
  public Durability defaultDurability() {
    return place.store().defaultDurability();
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    place.put(key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    place.delete(key, durability);
  }

  /** Writes a batch in the forms without a keyspace (or naming {@code default}). */
  @Override
  public void write(WriteBatch batch, Durability durability) {
    place.write(Batches.translate(batch, Batches.all(batch, place.engineKeyspace())), durability);
  }

  @Override
  public byte[] get(byte[] key) {
    return place.get(key);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return place.multiGet(keys);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return place.cursor(range, direction);
  }

  @Override
  public long approximateCount(KeyRange range) {
    return place.approximateCount(range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    return place.approximateSize(range);
  }

  @Override
  public Health health() {
    return place.store().health();
  }

  @Override
  public Snapshot snapshot() {
    Snapshot whole = place.store().snapshot();
    return place.owned() ? whole : new KeyspaceSnapshot(whole, place.engineKeyspace());
  }

  @Override
  public void flush() {
    place.store().flush();
  }

  @Override
  public void checkpoint(Path target) {
    throw new UnsupportedCapabilityException(
        "a checkpoint is of a whole store, not of the keyspace '"
            + place.engineKeyspace()
            + "' of store "
            + place.storeDirectory());
  }

  @Override
  public EngineStatistics statistics() {
    return place.statistics();
  }

  @Override
  public ConsistencyReport checkConsistency() {
    return place.store().checkConsistency();
  }

  /** Closes nothing: the database owns the store. */
  @Override
  public void close() {}

  /** A snapshot of a shared store, seen as its engine keyspace {@code name} alone. */
  private record KeyspaceSnapshot(Snapshot whole, String name) implements Snapshot {

    private ReadView view() {
      return whole.keyspace(name);
    }

    @Override
    public byte[] get(byte[] key) {
      return view().get(key);
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
      return view().multiGet(keys);
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      return view().cursor(range, direction);
    }

    @Override
    public long approximateCount(KeyRange range) {
      return view().approximateCount(range);
    }

    @Override
    public long approximateSize(KeyRange range) {
      return view().approximateSize(range);
    }

    @Override
    public ReadView keyspace(String keyspace) {
      return Keyspace.checkName(keyspace).equals(Keyspace.DEFAULT)
          ? this
          : Snapshot.super.keyspace(keyspace);
    }

    @Override
    public void close() {
      whole.close();
    }
  }
}
