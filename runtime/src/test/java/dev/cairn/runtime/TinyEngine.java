package dev.cairn.runtime;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.ViewGuard;
import dev.cairn.spi.WriteBatch;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TreeMap engine for the runtime's tests, with switches that make it misbehave. Data of a durable
 * engine is written to {@code tiny.db} on close and read on open.
 */
final class TinyEngine implements StorageEngine {

  static final String DATA_FILE = "tiny.db";

  private final Path directory;
  private final EngineOptions options;
  private final NavigableMap<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
  private volatile boolean closed;

  /** Every cursor opened, on the store or a snapshot, for tests to inspect. */
  final List<TinyCursor> cursors = new CopyOnWriteArrayList<>();

  final List<TinySnapshot> snapshots = new CopyOnWriteArrayList<>();

  /** When set, the named operation ("get", "put", ...) throws this, checked or not. */
  volatile String faultOp;

  volatile Throwable fault;

  /** Cursors return every key, ignoring their range. */
  volatile boolean ignoreRange;

  /** Cursors return keys in the opposite order from the one asked for. */
  volatile boolean wrongOrder;

  /** get returns a value one byte beyond the limit. */
  volatile boolean hugeValues;

  TinyEngine(Path directory, EngineOptions options) {
    this.directory = directory;
    this.options = options;
    if (directory != null) {
      load();
    }
  }

  boolean isClosed() {
    return closed;
  }

  private void load() {
    Path file = directory.resolve(DATA_FILE);
    try {
      Files.createDirectories(directory);
      if (!Files.exists(file)) {
        Files.write(file, new byte[0]);
        return;
      }
      try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
        while (in.available() > 0) {
          byte[] key = in.readNBytes(in.readInt());
          data.put(key, in.readNBytes(in.readInt()));
        }
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot read " + file, e);
    }
  }

  private void save() {
    try (DataOutputStream out =
        new DataOutputStream(Files.newOutputStream(directory.resolve(DATA_FILE)))) {
      for (Map.Entry<byte[], byte[]> e : data.entrySet()) {
        out.writeInt(e.getKey().length);
        out.write(e.getKey());
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot write " + DATA_FILE, e);
    }
  }

  void check(String op) {
    if (closed) {
      throw new ClosedHandleException("tiny engine is closed");
    }
    if (op.equals(faultOp)) {
      TinyEngine.<RuntimeException>sneaky(fault);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneaky(Throwable t) throws T {
    throw (T) t;
  }

  @Override
  public Durability defaultDurability() {
    return options.defaultDurability();
  }

  @Override
  public synchronized byte[] get(byte[] key) {
    check("get");
    if (hugeValues) {
      return new byte[Limits.MAX_VALUE_SIZE + 1];
    }
    byte[] v = data.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized void put(byte[] key, byte[] value, Durability durability) {
    check("put");
    data.put(key.clone(), value.clone());
  }

  @Override
  public synchronized void delete(byte[] key, Durability durability) {
    check("delete");
    data.remove(key);
  }

  @Override
  public synchronized void write(WriteBatch batch, Durability durability) {
    check("write");
    for (WriteBatch.Operation op : batch.operations()) {
      switch (op) {
        case WriteBatch.Put p -> data.put(p.key().clone(), p.value().clone());
        case WriteBatch.Delete d -> data.remove(d.key());
        case WriteBatch.DeleteRange r ->
            throw new dev.cairn.spi.UnsupportedCapabilityException(
                "range deletes (capability RANGE_DELETES)");
      }
    }
  }

  @Override
  public synchronized Cursor cursor(KeyRange range, Direction direction) {
    check("cursor");
    TinyCursor c = new TinyCursor(new TreeMap<>(data), range, direction, this);
    cursors.add(c);
    return c;
  }

  @Override
  public synchronized Snapshot snapshot() {
    check("snapshot");
    TinySnapshot s = new TinySnapshot(new TreeMap<>(data), this);
    snapshots.add(s);
    return s;
  }

  @Override
  public void flush() {
    check("flush");
  }

  @Override
  public synchronized void checkpoint(Path target) {
    check("checkpoint");
    try {
      Files.createDirectory(target);
    } catch (IOException e) {
      throw new StorageIOException("checkpoint to " + target + " failed", e);
    }
    TinyEngine copy = new TinyEngine(target, options);
    copy.data.putAll(data);
    copy.close();
  }

  @Override
  public synchronized EngineStatistics statistics() {
    check("statistics");
    return new EngineStatistics(data.size(), 0, 0, Map.of());
  }

  @Override
  public ConsistencyReport checkConsistency() {
    check("check");
    return ConsistencyReport.ok(data.size());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    if ("close".equals(faultOp)) {
      closed = true;
      TinyEngine.<RuntimeException>sneaky(fault);
    }
    closed = true;
    cursors.forEach(TinyCursor::close);
    snapshots.forEach(TinySnapshot::close);
    if (directory != null) {
      save();
    }
  }

  /** A snapshot: a copy of the map. */
  static final class TinySnapshot implements Snapshot {
    private final NavigableMap<byte[], byte[]> data;
    private final TinyEngine engine;
    volatile boolean closed;

    TinySnapshot(NavigableMap<byte[], byte[]> data, TinyEngine engine) {
      this.data = data;
      this.engine = engine;
    }

    @Override
    public byte[] get(byte[] key) {
      if (closed) {
        throw new ClosedHandleException("snapshot is closed");
      }
      byte[] v = data.get(key);
      return v == null ? null : v.clone();
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      if (closed) {
        throw new ClosedHandleException("snapshot is closed");
      }
      TinyCursor c = new TinyCursor(data, range, direction, engine);
      engine.cursors.add(c);
      return c;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A cursor over a copy of the map. */
  static final class TinyCursor implements Cursor {
    private final List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    private final Direction direction;
    private final ViewGuard guard = new ViewGuard();
    private int nextIndex;
    private Map.Entry<byte[], byte[]> current;
    volatile boolean closed;

    TinyCursor(
        NavigableMap<byte[], byte[]> data, KeyRange range, Direction direction, TinyEngine engine) {
      this.direction = engine.wrongOrder ? reverse(direction) : direction;
      NavigableMap<byte[], byte[]> ordered =
          this.direction == Direction.FORWARD ? data : data.descendingMap();
      for (Map.Entry<byte[], byte[]> e : ordered.entrySet()) {
        if (engine.ignoreRange || range.contains(e.getKey())) {
          entries.add(Map.entry(e.getKey(), e.getValue()));
        }
      }
    }

    private static Direction reverse(Direction d) {
      return d == Direction.FORWARD ? Direction.REVERSE : Direction.FORWARD;
    }

    private void checkOpen() {
      if (closed) {
        throw new ClosedHandleException("cursor is closed");
      }
    }

    private Map.Entry<byte[], byte[]> current() {
      checkOpen();
      if (current == null) {
        throw new InvalidStateException("cursor is not on an entry");
      }
      return current;
    }

    @Override
    public boolean next() {
      checkOpen();
      guard.invalidate();
      current = nextIndex < entries.size() ? entries.get(nextIndex++) : null;
      return current != null;
    }

    @Override
    public void seek(byte[] key) {
      checkOpen();
      guard.invalidate();
      current = null;
      int sign = direction == Direction.FORWARD ? 1 : -1;
      nextIndex = 0;
      while (nextIndex < entries.size()
          && Arrays.compareUnsigned(entries.get(nextIndex).getKey(), key) * sign < 0) {
        nextIndex++;
      }
    }

    @Override
    public byte[] key() {
      return current().getKey().clone();
    }

    @Override
    public byte[] value() {
      return current().getValue().clone();
    }

    @Override
    public ByteView keyView() {
      return ByteView.of(current().getKey(), guard);
    }

    @Override
    public ByteView valueView() {
      return ByteView.of(current().getValue(), guard);
    }

    @Override
    public void close() {
      closed = true;
      guard.close();
    }
  }
}
