package dev.cairn.engine.memory;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A snapshot of an in-memory store: reads at a pinned sequence, so it never sees a later write.
 *
 * <p>Thread-safe. Closing it closes its cursors and releases its pin, which lets writers prune the
 * versions it held.
 */
final class MemorySnapshot implements Snapshot {

  private final MemoryEngine engine;
  private final VersionedMap data;
  private final long readSeq;
  private final Set<MemoryCursor> cursors = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param readSeq a sequence pinned for this snapshot, released when it closes
   */
  MemorySnapshot(MemoryEngine engine, VersionedMap data, long readSeq) {
    this.engine = engine;
    this.data = data;
    this.readSeq = readSeq;
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    byte[] value = data.getAt(key, readSeq);
    // NB: a close racing with this read may have let writers prune what it read; report the
    // close rather than a value that may be wrong.
    checkOpen();
    return value == null ? null : value.clone();
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    MemoryEngine.requireCursorArguments(range, direction);
    MemoryCursor cursor =
        new MemoryCursor(
            data,
            readSeq,
            range,
            direction,
            c -> {
              cursors.remove(c);
              engine.cursorClosed();
            });
    engine.cursorOpened();
    cursors.add(cursor);
    if (closed.get()) {
      cursor.close(); // raced with close(), which may have missed it
      throw closedException();
    }
    return cursor;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (MemoryCursor c : List.copyOf(cursors)) {
        c.close();
      }
      data.unpin(readSeq);
      engine.snapshotClosed(this);
    }
  }

  /** The sequence this snapshot reads at. */
  long readSeq() {
    return readSeq;
  }

  /** The number of its cursors still open. */
  int openCursors() {
    return cursors.size();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private static ClosedHandleException closedException() {
    return new ClosedHandleException("snapshot is closed (or its store is)");
  }
}
