package dev.cairn.engine.rocksdb;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A RocksDB snapshot ({@code GetSnapshot}) with the read options that read at it.
 *
 * <p>Thread-safe. Calls enter the store's guard, then this snapshot's own, so closing either waits
 * for reads in flight. Closing releases the RocksDB snapshot ({@code ReleaseSnapshot}, while the
 * database is still open: the store closes its snapshots before itself) and closes the cursors
 * opened on it.
 */
final class RocksDbSnapshot implements Snapshot {

  private final RocksDB db;
  private final OpenGuard storeGuard;
  private final OpenGuard guard = new OpenGuard("snapshot");
  private final org.rocksdb.Snapshot snapshot;
  private final ReadOptions reads;
  private final Set<RocksDbCursor> cursors = ConcurrentHashMap.newKeySet();
  private final Consumer<RocksDbSnapshot> onClose;

  RocksDbSnapshot(RocksDB db, OpenGuard storeGuard, Consumer<RocksDbSnapshot> onClose) {
    this.db = db;
    this.storeGuard = storeGuard;
    this.onClose = onClose;
    this.snapshot = db.getSnapshot();
    this.reads = new ReadOptions().setSnapshot(snapshot);
  }

  @Override
  public byte[] get(byte[] key) {
    Limits.checkKey(key);
    storeGuard.enter();
    try {
      guard.enter();
      try {
        return db.get(reads, key);
      } catch (RocksDBException e) {
        throw RocksErrors.map("snapshot get failed", e);
      } finally {
        guard.exit();
      }
    } finally {
      storeGuard.exit();
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    RocksDbEngine.checkCursorArgs(range, direction);
    storeGuard.enter();
    try {
      guard.enter();
      try {
        ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
        RocksIterator it = db.newIterator(ro);
        RocksDbCursor c =
            new RocksDbCursor(storeGuard, guard, ro, it, range, direction, cursors::remove);
        cursors.add(c);
        return c;
      } finally {
        guard.exit();
      }
    } finally {
      storeGuard.exit();
    }
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
    onClose.accept(this);
  }
}
