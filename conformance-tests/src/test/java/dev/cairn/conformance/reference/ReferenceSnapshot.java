package dev.cairn.conformance.reference;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A copy of the map taken under the engine's lock. Thread-safe. */
final class ReferenceSnapshot implements Snapshot {

  private final ReferenceEngine engine;
  private final NavigableMap<byte[], byte[]> map;
  private final Set<AutoCloseable> engineHandles;
  private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ReferenceSnapshot(
      ReferenceEngine engine, NavigableMap<byte[], byte[]> map, Set<AutoCloseable> engineHandles) {
    this.engine = engine;
    this.map = map;
    this.engineHandles = engineHandles;
  }

  NavigableMap<byte[], byte[]> map() {
    if (closed) {
      throw new ClosedHandleException("snapshot is closed");
    }
    return map;
  }

  void track(Cursor c) {
    cursors.add(c);
  }

  @Override
  public byte[] get(byte[] key) {
    Limits.checkKey(key);
    byte[] v = map().get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    map();
    return engine.openCursor(range, direction, this);
  }

  @Override
  public void close() {
    closed = true;
    for (Cursor c : List.copyOf(cursors)) {
      c.close();
    }
    engineHandles.remove(this);
  }
}
