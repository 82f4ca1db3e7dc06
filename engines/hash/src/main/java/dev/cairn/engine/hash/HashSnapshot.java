package dev.cairn.engine.hash;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A point-in-time view: a sequence number {@code S}, the data files live when it was taken (held
 * readable, with their sizes then), and the {@link History} the writer keeps for it.
 *
 * <p>A get at {@code S} takes the key's index entry when its sequence is at most {@code S}, else
 * the version history recorded. A cursor reads the held files and yields each put that is the
 * version of its key at {@code S}: since merge moves entries and swaps files under the merge lock,
 * which a snapshot takes to choose its files, the held files hold each record at or below {@code S}
 * exactly once.
 *
 * <p>Thread-safe. Must be closed; closing the store closes it.
 */
final class HashSnapshot implements Snapshot {

  final IndexState state;
  final long seq;
  final List<DataFile> files;
  final long[] sizes;

  /** {@link System#nanoTime()} when taken, for the age statistics report. */
  final long takenNanos = System.nanoTime();

  private final HashEngine engine;
  private final Set<HashCursor> cursors = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private HashSnapshot(HashEngine engine, IndexState state, long seq, List<DataFile> files) {
    this.engine = engine;
    this.state = state;
    this.seq = seq;
    this.files = files;
    this.sizes = new long[files.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = files.get(i).size();
    }
  }

  /** Takes a snapshot of the store's published state. */
  static HashSnapshot take(HashEngine engine, IndexState state) {
    synchronized (state.mergeLock) {
      synchronized (state.publishLock) {
        List<DataFile> held = new ArrayList<>();
        for (DataFile f : state.files()) {
          if (f.acquire()) {
            held.add(f);
          }
        }
        held.sort((a, b) -> Integer.compare(a.id(), b.id()));
        long seq = state.visibleSeq();
        state.history.open(seq);
        return new HashSnapshot(engine, state, seq, held);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("snapshot is closed");
    }
    engine.checkOpen();
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    return state.getAt(key, seq);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    HashEngine.checkCursorArguments(range, direction);
    HashCursor c = new HashCursor(this, false);
    cursors.add(c);
    if (closed) {
      c.close();
      throw new ClosedHandleException("snapshot is closed");
    }
    return c;
  }

  void forget(HashCursor c) {
    cursors.remove(c);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (HashCursor c : List.copyOf(cursors)) {
      c.close();
    }
    synchronized (state.publishLock) {
      state.history.close(seq);
    }
    files.forEach(DataFile::release);
    engine.forget(this);
  }
}
