package dev.cairn.engine.btree;

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
 * A snapshot: one committed {@link Version}, registered with {@link Readers} until it closes, so
 * every page it reaches stays as it was. A snapshot costs no copy; it pins the pages later commits
 * free (the freelist keeps them pending) until it closes.
 *
 * <p>Thread-safe. Closing it closes its cursors and releases its state.
 */
final class BtreeSnapshot implements Snapshot {

  private final BtreeEngine engine;
  private final Version version;
  private final Set<BtreeCursor> cursors = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  final long openedNanos = System.nanoTime();

  /**
   * @param version a state registered for this snapshot, released when it closes
   */
  BtreeSnapshot(BtreeEngine engine, Version version) {
    this.engine = engine;
    this.version = version;
  }

  Version version() {
    return version;
  }

  @Override
  public byte[] get(byte[] key) {
    return get(version.catalog.root(Keyspace.DEFAULT), key);
  }

  private byte[] get(Catalog.Root root, byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    byte[] v = engine.lookup(root, key);
    checkOpen();
    return v;
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return cursor(version.catalog.root(Keyspace.DEFAULT), range, direction);
  }

  private Cursor cursor(Catalog.Root root, KeyRange range, Direction direction) {
    checkOpen();
    BtreeEngine.checkCursorArguments(range, direction);
    BtreeCursor c = engine.newCursor(version, false, root, range, direction, cursors::remove);
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
    Catalog.Root root = version.catalog.root(name);
    if (root == null) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store's snapshot");
    }
    if (name.equals(Keyspace.DEFAULT)) {
      return this;
    }
    return new ReadView() {
      @Override
      public byte[] get(byte[] key) {
        return BtreeSnapshot.this.get(root, key);
      }

      @Override
      public Cursor cursor(KeyRange range, Direction direction) {
        return BtreeSnapshot.this.cursor(root, range, direction);
      }
    };
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (BtreeCursor c : List.copyOf(cursors)) {
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
