package dev.cairn.engine.rocksdb;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A RocksDB snapshot ({@code GetSnapshot}) with the read options that read at it, over every
 * keyspace that existed when it was taken.
 *
 * <p>Thread-safe. Calls enter the store's guard, then this snapshot's own, so closing either waits
 * for reads in flight. Closing releases the RocksDB snapshot ({@code ReleaseSnapshot}, while the
 * database is still open: the store closes its snapshots before itself), closes the cursors opened
 * on it and releases its pins on the keyspaces.
 *
 * <p>A RocksDB snapshot is a sequence number, so it covers every column family at once. The store
 * takes it under its write lock, shared ({@link Writer}), pinning the column families that exist,
 * so the keyspaces it sees are exactly those of that moment. A keyspace dropped afterwards stays
 * readable here, as of the snapshot: RocksDB keeps a dropped column family's data while a handle on
 * it lives, and the pin keeps the handle ({@link ColumnFamily}).
 *
 * <p>Estimates ({@link #approximateCount}, {@link #approximateSize}) on a snapshot count with a
 * cursor, exactly: RocksDB's metadata describes the live store, not a past state.
 */
final class RocksDbSnapshot implements Snapshot {

  private final RocksDB db;
  private final OpenGuard storeGuard;
  private final OpenGuard guard = new OpenGuard("snapshot");
  private final org.rocksdb.Snapshot snapshot;
  private final ReadOptions reads;
  private final Map<String, ColumnFamily> families; // pinned
  private final View main;
  private final Set<RocksDbCursor> cursors = ConcurrentHashMap.newKeySet();
  private final Consumer<RocksDbSnapshot> onClose;
  private final long openedNanos = System.nanoTime();

  /** Takes the snapshot; {@code families} are pinned for it, and released when it closes. */
  RocksDbSnapshot(
      RocksDB db,
      OpenGuard storeGuard,
      Map<String, ColumnFamily> families,
      Consumer<RocksDbSnapshot> onClose) {
    this.db = db;
    this.storeGuard = storeGuard;
    this.families = Map.copyOf(families);
    this.onClose = onClose;
    this.snapshot = db.getSnapshot();
    this.reads = new ReadOptions().setSnapshot(snapshot);
    this.main = new View(this.families.get(Keyspace.DEFAULT));
  }

  long openedNanos() {
    return openedNanos;
  }

  @Override
  public byte[] get(byte[] key) {
    return main.get(key);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return main.cursor(range, direction);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return main.multiGet(keys);
  }

  @Override
  public ReadView keyspace(String name) {
    Keyspace.checkName(name);
    enter();
    try {
      ColumnFamily cf = families.get(name);
      if (cf == null) {
        throw new InvalidArgumentException(
            "no keyspace '" + name + "' existed when the snapshot was taken; it had " + names());
      }
      return cf == main.cf ? this : new View(cf);
    } finally {
      exit();
    }
  }

  private List<String> names() {
    return families.keySet().stream().sorted().toList();
  }

  private void enter() {
    storeGuard.enter();
    try {
      guard.enter();
    } catch (RuntimeException e) {
      storeGuard.exit();
      throw e;
    }
  }

  private void exit() {
    guard.exit();
    storeGuard.exit();
  }

  /** Releases the snapshot; synchronized so the store's close waits for a close in progress. */
  @Override
  public synchronized void close() {
    if (!guard.close()) {
      return;
    }
    for (RocksDbCursor c : List.copyOf(cursors)) {
      c.close();
    }
    db.releaseSnapshot(snapshot);
    reads.close();
    families.values().forEach(ColumnFamily::unpin);
    onClose.accept(this);
  }

  /** One keyspace as of the snapshot. */
  private final class View implements ReadView {
    private final ColumnFamily cf;

    View(ColumnFamily cf) {
      this.cf = cf;
    }

    @Override
    public byte[] get(byte[] key) {
      Limits.checkKey(key);
      enter();
      try {
        return db.get(cf.handle(), reads, key);
      } catch (RocksDBException e) {
        throw RocksErrors.map("snapshot get failed", e);
      } finally {
        exit();
      }
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
      RocksDbEngine.checkKeys(keys);
      enter();
      try {
        return RocksDbEngine.multiGet(db, cf, reads, keys);
      } finally {
        exit();
      }
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      RocksDbEngine.checkCursorArgs(range, direction);
      enter();
      try {
        ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
        RocksIterator it = db.newIterator(cf.handle(), ro);
        RocksDbCursor c =
            new RocksDbCursor(storeGuard, guard, ro, it, range, direction, cursors::remove);
        cursors.add(c);
        return c;
      } finally {
        exit();
      }
    }

    @Override
    public String toString() {
      return "snapshot view of " + cf;
    }
  }
}
