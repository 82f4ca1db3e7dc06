package dev.cairn.engine.memory;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open in-memory store. Nothing is written anywhere: the data lives until the store closes.
 *
 * <p>Thread-safe: reads take no lock, writes are serialized and atomic (see {@link Writer}, and
 * {@link VersionedMap} for the design); durability levels are accepted and mean nothing. The store
 * handle reads and writes the default keyspace; {@link MemoryKeyspace} handles the others, by the
 * same package-private read methods that take the keyspace. The store tracks its cursors and
 * snapshots and closes those left open when it closes.
 *
 * <p>{@link #statistics()} counts the whole store, every keyspace, exactly as of the last write:
 * {@code approximateKeys} is the number of live keys, {@code memoryBytes} an estimate of keys,
 * values and per-entry overhead (of dropped keyspaces that open readers still see too), and the
 * details are {@code versions} (held versions, tombstones included), {@code keys.stored} (keys in
 * the maps, including those kept only for open readers), {@code keyspaces} (live keyspaces, the
 * default included), {@code sequence} (the last published write), {@code snapshots.open} (snapshots
 * and store cursors: each pins a sequence as a snapshot does), {@code snapshots.oldest.age.ms} (of
 * the oldest of those), {@code cursors.open} (store and snapshot cursors) and {@code pins}
 * (sequences held by open snapshots and store cursors).
 */
final class MemoryEngine implements StorageEngine {

  private final Sequencer sequencer = new Sequencer();
  private final Catalog catalog = new Catalog(sequencer);
  private final Writer writer = new Writer(sequencer, catalog);
  private final VersionedMap data = catalog.defaultKeyspace();
  private final boolean readOnly;
  private final Durability defaultDurability;

  /** Open store cursors (each holds a pin, as a snapshot does) and snapshots. */
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
    put(data, key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    delete(data, key, durability);
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    write(batch, durability, null);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return cursor(data, range, direction);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return multiGet(data, keys);
  }

  /** Exact, as of the latest write; see {@link #approximateCount(VersionedMap, KeyRange)}. */
  @Override
  public long approximateCount(KeyRange range) {
    return approximateCount(data, range);
  }

  /** Exact, as of the latest write; see {@link #approximateSize(VersionedMap, KeyRange)}. */
  @Override
  public long approximateSize(KeyRange range) {
    return approximateSize(data, range);
  }

  @Override
  public Snapshot snapshot() {
    checkOpen();
    MemorySnapshot snapshot = new MemorySnapshot(this, catalog, sequencer.pin());
    snapshots.add(snapshot);
    if (closed.get()) {
      snapshot.close(); // raced with close(), which may have missed it
      throw closedException();
    }
    return snapshot;
  }

  @Override
  public List<String> keyspaces() {
    checkOpen();
    return catalog.liveNames();
  }

  @Override
  public Keyspace keyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    VersionedMap keyspace = catalog.live(name);
    if (keyspace == null) {
      throw new InvalidArgumentException(
          "no keyspace '" + name + "' in this store (it has " + catalog.liveNames() + ")");
    }
    return new MemoryKeyspace(this, keyspace);
  }

  @Override
  public Keyspace createKeyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    checkWritable();
    return new MemoryKeyspace(this, writer.create(name));
  }

  @Override
  public void dropKeyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    if (name.equals(Keyspace.DEFAULT)) {
      throw new InvalidArgumentException("the default keyspace cannot be dropped");
    }
    checkWritable();
    writer.drop(name);
  }

  /** Always {@link Health#ok()}: the engine does no background work, so it has no such errors. */
  @Override
  public Health health() {
    checkOpen();
    return Health.ok();
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
    long live = 0;
    long memory = 0;
    long versions = 0;
    long stored = 0;
    long keyspaces = 0;
    for (VersionedMap keyspace : catalog.held()) {
      if (keyspace.isLive()) {
        live += keyspace.liveKeys();
        keyspaces++;
      }
      memory += keyspace.memoryBytes();
      versions += keyspace.versionCount();
      stored += keyspace.storedKeys();
    }
    long now = System.nanoTime();
    long oldest = now;
    for (MemorySnapshot s : snapshots) {
      oldest = Math.min(oldest, s.opened());
    }
    for (MemoryCursor c : cursors) {
      oldest = Math.min(oldest, c.opened());
    }
    Map<String, Long> details = new TreeMap<>();
    details.put("versions", versions);
    details.put("keys.stored", stored);
    details.put("keyspaces", keyspaces);
    details.put("sequence", sequencer.published());
    details.put(EngineStatistics.SNAPSHOTS_OPEN, (long) snapshots.size() + cursors.size());
    details.put(
        EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS, TimeUnit.NANOSECONDS.toMillis(now - oldest));
    details.put("cursors.open", (long) openCursors.get());
    details.put("pins", (long) sequencer.pinCount());
    return new EngineStatistics(live, 0, memory, details);
  }

  @Override
  public ConsistencyReport checkConsistency() {
    checkOpen();
    // NB: pins are not compared with open handles here: opens and closes racing with the check
    // would show differences that are not problems. Tests compare the "pins" statistic instead.
    return writer.check();
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
      writer.clear();
    }
  }

  // What follows reads and writes a keyspace given, for the store handle (the default keyspace)
  // and for MemoryKeyspace. A keyspace other than the default may be dropped at any moment: reads
  // check, after reading, that it was not (a dropped keyspace's data may be cleared once no reader
  // pins it), and writes check under the write lock.

  /** Writes {@code batch}; {@code handle} as for {@link Writer#write(WriteBatch, VersionedMap)}. */
  void write(WriteBatch batch, Durability durability, VersionedMap handle) {
    checkOpen();
    if (batch == null) {
      throw new InvalidArgumentException("write batch is null");
    }
    checkWrite(durability);
    if (batch.isEmpty()) {
      return;
    }
    writer.write(batch, handle);
  }

  void put(VersionedMap keyspace, byte[] key, byte[] value, Durability durability) {
    checkOpen();
    Limits.checkKey(key);
    Limits.checkValue(value);
    checkWrite(durability);
    writer.write(keyspace, key.clone(), value.clone());
  }

  void delete(VersionedMap keyspace, byte[] key, Durability durability) {
    checkOpen();
    Limits.checkKey(key);
    checkWrite(durability);
    writer.write(keyspace, key.clone(), null);
  }

  Cursor cursor(VersionedMap keyspace, KeyRange range, Direction direction) {
    checkOpen();
    requireCursorArguments(range, direction);
    long seq = pinLive(keyspace);
    MemoryCursor cursor =
        new MemoryCursor(
            keyspace,
            seq,
            range,
            direction,
            c -> {
              cursors.remove(c);
              writer.unpin(c.readSeq());
              cursorClosed();
            },
            System.nanoTime());
    cursorOpened();
    cursors.add(cursor);
    if (closed.get()) {
      cursor.close(); // raced with close(), which may have missed it
      throw closedException();
    }
    return cursor;
  }

  /** The values of {@code keys} in {@code keyspace} at one sequence, the latest published. */
  List<byte[]> multiGet(VersionedMap keyspace, List<byte[]> keys) {
    checkOpen();
    requireKeys(keys);
    // Optimistically unpinned: if no write was published while reading, nothing read was pruned
    // (pruning follows a publication), so every value is the one at the sequence read first.
    long seq = sequencer.published();
    if (!keyspace.existsAt(seq)) {
      throw Writer.dropped(keyspace.name());
    }
    List<byte[]> values = readAt(keyspace, keys, seq);
    if (sequencer.published() != seq) {
      seq = sequencer.pin();
      try {
        if (!keyspace.existsAt(seq)) {
          throw Writer.dropped(keyspace.name());
        }
        values = readAt(keyspace, keys, seq);
      } finally {
        writer.unpin(seq);
      }
    }
    return values;
  }

  /**
   * The exact number of live keys of {@code range} in {@code keyspace}: for every key, the
   * keyspace's counter as of the latest write; else counted at a pinned sequence.
   */
  long approximateCount(VersionedMap keyspace, KeyRange range) {
    checkOpen();
    requireRange(range);
    if (range.isAll()) {
      long n = keyspace.liveKeys();
      checkLive(keyspace);
      return n;
    }
    long seq = pinLive(keyspace);
    try {
      return keyspace.countAt(range, seq);
    } finally {
      writer.unpin(seq);
    }
  }

  /**
   * The exact bytes of the live keys of {@code range} in {@code keyspace} and of their values, as
   * {@link #approximateCount(VersionedMap, KeyRange)} counts them.
   */
  long approximateSize(VersionedMap keyspace, KeyRange range) {
    checkOpen();
    requireRange(range);
    if (range.isAll()) {
      long n = keyspace.liveBytes();
      checkLive(keyspace);
      return n;
    }
    long seq = pinLive(keyspace);
    try {
      return keyspace.sizeAt(range, seq);
    } finally {
      writer.unpin(seq);
    }
  }

  /** The figures of one keyspace: its live keys and estimated bytes, versions and stored keys. */
  EngineStatistics statistics(VersionedMap keyspace) {
    checkOpen();
    checkLive(keyspace);
    Map<String, Long> details = new TreeMap<>();
    details.put("versions", keyspace.versionCount());
    details.put("keys.stored", keyspace.storedKeys());
    EngineStatistics s =
        new EngineStatistics(keyspace.liveKeys(), 0, keyspace.memoryBytes(), details);
    checkLive(keyspace);
    return s;
  }

  /**
   * @throws InvalidStateException if {@code keyspace} was dropped
   */
  void checkLive(VersionedMap keyspace) {
    if (!keyspace.isLive()) {
      throw Writer.dropped(keyspace.name());
    }
  }

  void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  void unpin(long seq) {
    writer.unpin(seq);
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

  /** The values of {@code keys} at {@code seq}, copied; the keys have been checked. */
  static List<byte[]> readAt(VersionedMap keyspace, List<byte[]> keys, long seq) {
    List<byte[]> values = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      byte[] value = keyspace.getAt(key, seq);
      values.add(value == null ? null : value.clone());
    }
    return values;
  }

  /**
   * @throws InvalidArgumentException if the range or direction is null
   */
  static void requireCursorArguments(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("cursor range and direction are required");
    }
  }

  /**
   * @throws InvalidArgumentException if the range is null
   */
  static void requireRange(KeyRange range) {
    if (range == null) {
      throw new InvalidArgumentException("key range is null");
    }
  }

  /**
   * @throws InvalidArgumentException if the list or a key in it is null, or a key is too long
   */
  static void requireKeys(List<byte[]> keys) {
    if (keys == null) {
      throw new InvalidArgumentException("keys is null");
    }
    for (byte[] key : keys) {
      Limits.checkKey(key);
    }
  }

  /** Pins the published sequence for a read of {@code keyspace}, which must exist at it. */
  private long pinLive(VersionedMap keyspace) {
    long seq = sequencer.pin();
    if (!keyspace.existsAt(seq)) {
      writer.unpin(seq);
      throw Writer.dropped(keyspace.name());
    }
    return seq;
  }

  private void checkWrite(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    checkWritable();
  }

  private void checkWritable() {
    if (readOnly) {
      throw new ReadOnlyStoreException("in-memory store was opened read-only");
    }
  }

  private static ClosedHandleException closedException() {
    return new ClosedHandleException("in-memory store is closed");
  }
}
