package dev.cairn.engine.memory;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open in-memory store. Nothing is written anywhere: the data lives until the store closes.
 *
 * <p>Thread-safe: reads take no lock, writes are serialized and atomic (see {@link VersionedMap});
 * durability levels are accepted and mean nothing. The store tracks its cursors and snapshots and
 * closes those left open when it closes.
 *
 * <p>{@link #statistics()} counts exactly as of the last write: {@code approximateKeys} is the
 * number of live keys, {@code memoryBytes} an estimate of keys, values and per-entry overhead, and
 * the details are {@code versions} (held versions, tombstones included), {@code keys.stored} (keys
 * in the map, including those kept only for open readers), {@code sequence} (the last published
 * write), {@code snapshots.open}, {@code cursors.open} and {@code pins} (sequences held by open
 * snapshots and store cursors).
 */
final class MemoryEngine implements StorageEngine {

  private final VersionedMap data = new VersionedMap();
  private final boolean readOnly;
  private final Durability defaultDurability;
  private final Set<MemoryCursor> cursors = ConcurrentHashMap.newKeySet();
  private final Set<MemorySnapshot> snapshots = ConcurrentHashMap.newKeySet();
  private final AtomicInteger openCursors = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param readOnly whether every write throws {@link ReadOnlyStoreException}; a read-only
   *     in-memory store is empty and stays so
   */
  MemoryEngine(boolean readOnly, Durability defaultDurability) {
    this.readOnly = readOnly;
    this.defaultDurability = defaultDurability;
  }

  @Override
  public Durability defaultDurability() {
    return defaultDurability;
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    byte[] value = data.getLatest(key);
    return value == null ? null : value.clone();
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    checkOpen();
    Limits.checkKey(key);
    Limits.checkValue(value);
    checkWrite(durability);
    SortedMap<byte[], byte[]> change = new TreeMap<>(Bytes.ORDER);
    change.put(key.clone(), value.clone());
    data.apply(change);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    checkOpen();
    Limits.checkKey(key);
    checkWrite(durability);
    SortedMap<byte[], byte[]> change = new TreeMap<>(Bytes.ORDER);
    change.put(key.clone(), null);
    data.apply(change);
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    checkOpen();
    if (batch == null) {
      throw new InvalidArgumentException("write batch is null");
    }
    checkWrite(durability);
    if (batch.isEmpty()) {
      return;
    }
    // A later operation on a key wins, so the batch collapses to one change a key. The arrays
    // are copied: a batch's operations expose them to its owner.
    SortedMap<byte[], byte[]> changes = new TreeMap<>(Bytes.ORDER);
    for (WriteBatch.Operation op : batch.operations()) {
      switch (op) {
        case WriteBatch.Put put -> changes.put(put.key().clone(), put.value().clone());
        case WriteBatch.Delete delete -> changes.put(delete.key().clone(), null);
        case WriteBatch.DeleteRange r ->
            throw new dev.cairn.spi.UnsupportedCapabilityException(
                "range deletes (capability RANGE_DELETES)");
      }
    }
    data.apply(changes);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    requireCursorArguments(range, direction);
    long seq = data.pin();
    MemoryCursor cursor =
        new MemoryCursor(
            data,
            seq,
            range,
            direction,
            c -> {
              cursors.remove(c);
              data.unpin(c.readSeq());
              cursorClosed();
            });
    cursorOpened();
    cursors.add(cursor);
    if (closed.get()) {
      cursor.close(); // raced with close(), which may have missed it
      throw closedException();
    }
    return cursor;
  }

  @Override
  public Snapshot snapshot() {
    checkOpen();
    MemorySnapshot snapshot = new MemorySnapshot(this, data, data.pin());
    snapshots.add(snapshot);
    if (closed.get()) {
      snapshot.close(); // raced with close(), which may have missed it
      throw closedException();
    }
    return snapshot;
  }

  @Override
  public void flush() {
    checkOpen();
  }

  @Override
  public void checkpoint(Path target) {
    checkOpen();
    throw new UnsupportedCapabilityException(
        "engine '"
            + MemoryEngineProvider.NAME
            + "' does not support checkpoints (Capability.CHECKPOINTS): it keeps no files");
  }

  @Override
  public EngineStatistics statistics() {
    checkOpen();
    Map<String, Long> details = new TreeMap<>();
    details.put("versions", data.versionCount());
    details.put("keys.stored", data.storedKeys());
    details.put("sequence", data.published());
    details.put("snapshots.open", (long) snapshots.size());
    details.put("cursors.open", (long) openCursors.get());
    details.put("pins", (long) data.pinCount());
    return new EngineStatistics(data.liveKeys(), 0, data.memoryBytes(), details);
  }

  @Override
  public ConsistencyReport checkConsistency() {
    checkOpen();
    // NB: pins are not compared with open handles here: opens and closes racing with the check
    // would show differences that are not problems. Tests compare the "pins" statistic instead.
    return data.check();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (MemorySnapshot s : List.copyOf(snapshots)) {
        s.close();
      }
      for (MemoryCursor c : List.copyOf(cursors)) {
        c.close();
      }
      data.clear();
    }
  }

  void cursorOpened() {
    openCursors.incrementAndGet();
  }

  void cursorClosed() {
    openCursors.decrementAndGet();
  }

  void snapshotClosed(MemorySnapshot snapshot) {
    snapshots.remove(snapshot);
  }

  /**
   * @throws InvalidArgumentException if the range or direction is null
   */
  static void requireCursorArguments(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("cursor range and direction are required");
    }
  }

  private void checkWrite(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    if (readOnly) {
      throw new ReadOnlyStoreException("in-memory store was opened read-only");
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private static ClosedHandleException closedException() {
    return new ClosedHandleException("in-memory store is closed");
  }
}
