package dev.cairn.engine.memory;

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
 * A snapshot of an in-memory store: reads every keyspace at a pinned sequence, so it never sees a
 * later write, nor a keyspace created after it, and still sees one dropped after it.
 *
 * <p>Thread-safe. Closing it closes its cursors, its keyspaces' included, and releases its pin,
 * which lets writers prune the versions it held and release the keyspaces dropped since.
 */
final class MemorySnapshot implements Snapshot {

  private final MemoryEngine engine;
  private final Catalog catalog;
  private final VersionedMap data;
  private final long readSeq;
  private final long opened = System.nanoTime();
  private final Set<MemoryCursor> cursors = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param readSeq a sequence pinned for this snapshot, released when it closes
   */
  MemorySnapshot(MemoryEngine engine, Catalog catalog, long readSeq) {
    this.engine = engine;
    this.catalog = catalog;
    this.data = catalog.defaultKeyspace();
    this.readSeq = readSeq;
  }

  @Override
  public byte[] get(byte[] key) {
    return get(data, key);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return cursor(data, range, direction);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return multiGet(data, keys);
  }

  /** Exact, as of the snapshot: counted. */
  @Override
  public long approximateCount(KeyRange range) {
    return approximateCount(data, range);
  }

  /** Exact, as of the snapshot: summed. */
  @Override
  public long approximateSize(KeyRange range) {
    return approximateSize(data, range);
  }

  @Override
  public ReadView keyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    VersionedMap keyspace = catalog.at(name, readSeq);
    if (keyspace == null) {
      throw new InvalidArgumentException(
          "no keyspace '" + name + "' in this store as of the snapshot");
    }
    return keyspace == data ? this : new View(keyspace);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (MemoryCursor c : List.copyOf(cursors)) {
        c.close();
      }
      engine.unpin(readSeq);
      engine.snapshotClosed(this);
    }
  }

  /** When it was taken ({@link System#nanoTime()}). */
  long opened() {
    return opened;
  }

  /** The sequence this snapshot reads at. */
  long readSeq() {
    return readSeq;
  }

  /** The number of its cursors still open. */
  int openCursors() {
    return cursors.size();
  }

  private byte[] get(VersionedMap keyspace, byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    byte[] value = keyspace.getAt(key, readSeq);
    // NB: a close racing with this read may have let writers prune what it read; report the
    // close rather than a value that may be wrong.
    checkOpen();
    return value == null ? null : value.clone();
  }

  private Cursor cursor(VersionedMap keyspace, KeyRange range, Direction direction) {
    checkOpen();
    MemoryEngine.requireCursorArguments(range, direction);
    MemoryCursor cursor =
        new MemoryCursor(
            keyspace,
            readSeq,
            range,
            direction,
            c -> {
              cursors.remove(c);
              engine.cursorClosed();
            },
            0);
    engine.cursorOpened();
    cursors.add(cursor);
    if (closed.get()) {
      cursor.close(); // raced with close(), which may have missed it
      throw closedException();
    }
    return cursor;
  }

  private List<byte[]> multiGet(VersionedMap keyspace, List<byte[]> keys) {
    checkOpen();
    MemoryEngine.requireKeys(keys);
    List<byte[]> values = MemoryEngine.readAt(keyspace, keys, readSeq);
    checkOpen(); // as in get
    return values;
  }

  private long approximateCount(VersionedMap keyspace, KeyRange range) {
    checkOpen();
    MemoryEngine.requireRange(range);
    long n = keyspace.countAt(range, readSeq);
    checkOpen(); // as in get
    return n;
  }

  private long approximateSize(VersionedMap keyspace, KeyRange range) {
    checkOpen();
    MemoryEngine.requireRange(range);
    long n = keyspace.sizeAt(range, readSeq);
    checkOpen(); // as in get
    return n;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private static ClosedHandleException closedException() {
    return new ClosedHandleException("snapshot is closed (or its store is)");
  }

  /** A keyspace other than the default as of the snapshot; lives as long as the snapshot. */
  private final class View implements ReadView {
    private final VersionedMap keyspace;

    View(VersionedMap keyspace) {
      this.keyspace = keyspace;
    }

    @Override
    public byte[] get(byte[] key) {
      return MemorySnapshot.this.get(keyspace, key);
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      return MemorySnapshot.this.cursor(keyspace, range, direction);
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
      return MemorySnapshot.this.multiGet(keyspace, keys);
    }

    @Override
    public long approximateCount(KeyRange range) {
      return MemorySnapshot.this.approximateCount(keyspace, range);
    }

    @Override
    public long approximateSize(KeyRange range) {
      return MemorySnapshot.this.approximateSize(keyspace, range);
    }

    @Override
    public String toString() {
      return "keyspace '" + keyspace.name() + "' as of a snapshot of an in-memory store";
    }
  }
}
