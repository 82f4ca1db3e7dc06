package dev.cairn.engine.lsm;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A snapshot: reads at a sequence number registered with {@link Snapshots}, so compaction keeps
 * every version it may see. Reads use the store's current read state (its data at the sequence is
 * all there), and cursors pin the state they open on.
 *
 * <p>Thread-safe. Closing it closes its cursors and releases its sequence.
 */
final class LsmSnapshot implements Snapshot {

  private final LsmEngine engine;
  private final long sequence;
  private final KeyspaceCatalog catalog;
  private final Set<LsmCursor> cursors = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param sequence a sequence pinned for this snapshot, unpinned when it closes
   */
  LsmSnapshot(LsmEngine engine, long sequence, KeyspaceCatalog catalog) {
    this.engine = engine;
    this.sequence = sequence;
    this.catalog = catalog;
  }

  long sequence() {
    return sequence;
  }

  @Override
  public byte[] get(byte[] key) {
    return get(StoreKeys.DEFAULT_KEYSPACE, key);
  }

  private byte[] get(int id, byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    byte[] v = engine.getAt(StoreKeys.of(id, key), sequence);
    checkOpen();
    return v;
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return cursor(StoreKeys.DEFAULT_KEYSPACE, range, direction);
  }

  private Cursor cursor(int id, KeyRange range, Direction direction) {
    checkOpen();
    LsmEngine.checkCursorArguments(range, direction);
    LsmCursor c = engine.newCursor(sequence, id, range, direction, cursors::remove);
    cursors.add(c);
    if (closed.get()) {
      c.close(); // raced with close(), which may have missed it
      checkOpen();
    }
    return c;
  }

  @Override
  public ReadView keyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    int id = catalog.id(name);
    if (id < 0) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store's snapshot");
    }
    if (id == StoreKeys.DEFAULT_KEYSPACE) {
      return this;
    }
    return new ReadView() {
      @Override
      public byte[] get(byte[] key) {
        return LsmSnapshot.this.get(id, key);
      }

      @Override
      public Cursor cursor(KeyRange range, Direction direction) {
        return LsmSnapshot.this.cursor(id, range, direction);
      }
    };
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (LsmCursor c : List.copyOf(cursors)) {
        c.close();
      }
      engine.snapshotClosed(this);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ClosedHandleException("snapshot is closed (or its store is)");
    }
  }
}
