package dev.cairn.conformance.reference;

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
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A copy of every keyspace, taken under the engine's lock. Thread-safe. */
final class ReferenceSnapshot implements Snapshot {

  private final ReferenceEngine engine;
  private final Map<String, NavigableMap<byte[], byte[]>> state;
  private final Set<AutoCloseable> engineHandles;
  private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ReferenceSnapshot(
      ReferenceEngine engine,
      Map<String, NavigableMap<byte[], byte[]>> state,
      Set<AutoCloseable> engineHandles) {
    this.engine = engine;
    this.state = state;
    this.engineHandles = engineHandles;
  }

  private NavigableMap<byte[], byte[]> map(String keyspace) {
    if (closed) {
      throw new ClosedHandleException("snapshot is closed");
    }
    return state.get(keyspace);
  }

  void track(Cursor c) {
    cursors.add(c);
  }

  @Override
  public byte[] get(byte[] key) {
    return get(Keyspace.DEFAULT, key);
  }

  private byte[] get(String keyspace, byte[] key) {
    Limits.checkKey(key);
    byte[] v = map(keyspace).get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return engine.openCursor(range, direction, map(Keyspace.DEFAULT), this);
  }

  @Override
  public ReadView keyspace(String name) {
    Keyspace.checkName(name);
    if (map(name) == null) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this snapshot");
    }
    return new ReadView() {
      @Override
      public byte[] get(byte[] key) {
        return ReferenceSnapshot.this.get(name, key);
      }

      @Override
      public Cursor cursor(KeyRange range, Direction direction) {
        return engine.openCursor(range, direction, map(name), ReferenceSnapshot.this);
      }
    };
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
