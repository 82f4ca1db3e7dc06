package dev.cairn.runtime;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.RequestContext;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A TreeMap engine for the runtime's tests, with switches that make it misbehave. Data of a durable
 * engine's default keyspace is written to {@code tiny.db} on close and read on open; other
 * keyspaces live only while it is open.
 *
 * <p>It implements every SPI 1.1 method itself (keyspaces, preconditions, range deletes, health,
 * multiGet, the approximate sizes), whatever its provider declares, and logs each call in {@link
 * #calls}: a test proves the boundary delegated to the engine, or refused before it.
 */
final class TinyEngine implements StorageEngine {

  static final String DATA_FILE = "tiny.db";

  private final Path directory;
  private final EngineOptions options;
  private final Set<Capability> capabilities;
  private final NavigableMap<byte[], byte[]> data = newMap();

  /** Every keyspace's map by name, the default one's being {@link #data}. */
  final Map<String, NavigableMap<byte[], byte[]>> keyspaces = new TreeMap<>();

  private volatile boolean closed;

  /** The SPI 1.1 methods called on the engine, its keyspaces and snapshots, in order. */
  final List<String> calls = new CopyOnWriteArrayList<>();

  /** multiGet answers one value fewer than it was asked for. */
  volatile boolean shortMultiGet;

  /** keyspaces() leaves out the default keyspace. */
  volatile boolean noDefaultKeyspace;

  /** What {@link #health()} reports; null for the SPI's default. */
  volatile Health health;

  /** Every cursor opened, on the store or a snapshot, for tests to inspect. */
  final List<TinyCursor> cursors = new CopyOnWriteArrayList<>();

  final List<TinySnapshot> snapshots = new CopyOnWriteArrayList<>();

  /** When set, the named operation ("get", "put", ...) throws this, checked or not. */
  volatile String faultOp;

  volatile Throwable fault;

  /** When set, what makes the fault at each faulty call (an engine creates what it throws). */
  volatile Supplier<? extends Throwable> faultMaker;

  /** Cursors return every key, ignoring their range. */
  volatile boolean ignoreRange;

  /** Cursors return keys in the opposite order from the one asked for. */
  volatile boolean wrongOrder;

  /** get returns a value one byte beyond the limit. */
  volatile boolean hugeValues;

  TinyEngine(Path directory, EngineOptions options, Set<Capability> capabilities) {
    this.directory = directory;
    this.options = options;
    this.capabilities = capabilities;
    keyspaces.put(Keyspace.DEFAULT, data);
    if (directory != null) {
      load();
    }
  }

  private static NavigableMap<byte[], byte[]> newMap() {
    return new TreeMap<>(Arrays::compareUnsigned);
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
      Supplier<? extends Throwable> maker = faultMaker;
      TinyEngine.<RuntimeException>sneaky(maker != null ? maker.get() : fault);
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
    if (backgroundWorkNanos >= 0) {
      // As a real engine does: the write sets off background work, which runs on a thread of the
      // engine's with the causing request's context bound, and reports its event from there.
      RequestContext cause = RequestContext.currentOrNull();
      long nanos = backgroundWorkNanos;
      Runnable work =
          () ->
              options
                  .eventListener()
                  .deliver(EngineEvent.of(EngineEvent.Kind.FLUSH, nanos, value.length, "tiny"));
      Thread t =
          Thread.ofPlatform()
              .name("tiny-background")
              .start(cause == null ? work : () -> cause.run(work));
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** When at least 0: every put sets off background work that takes this long (a flush). */
  volatile long backgroundWorkNanos = -1;

  @Override
  public synchronized void delete(byte[] key, Durability durability) {
    check("delete");
    data.remove(key);
  }

  @Override
  public synchronized void write(WriteBatch batch, Durability durability) {
    check("write");
    for (String name : batch.keyspaces()) {
      space(name);
    }
    for (WriteBatch.Precondition p : batch.preconditions()) {
      byte[] found = space(p.keyspace()).get(p.key());
      if (p.expected() == null ? found != null : !Arrays.equals(found, p.expected())) {
        throw ConflictException.of(p);
      }
    }
    for (String name : batch.keyspaces()) {
      NavigableMap<byte[], byte[]> map = space(name);
      for (WriteBatch.Operation op : batch.operations(name)) {
        switch (op) {
          case WriteBatch.Put p -> map.put(p.key().clone(), p.value().clone());
          case WriteBatch.Delete d -> map.remove(d.key());
          case WriteBatch.DeleteRange r -> map.keySet().removeIf(r.range()::contains);
        }
      }
    }
  }

  /** The map of keyspace {@code name}, which must exist. */
  private NavigableMap<byte[], byte[]> space(String name) {
    NavigableMap<byte[], byte[]> map = keyspaces.get(name);
    if (map == null) {
      throw new InvalidArgumentException("no keyspace '" + name + "'");
    }
    return map;
  }

  private boolean has(Capability c) {
    return capabilities.contains(c);
  }

  @Override
  public synchronized List<String> keyspaces() {
    check("keyspaces");
    calls.add("keyspaces");
    List<String> names = new ArrayList<>(keyspaces.keySet());
    if (noDefaultKeyspace) {
      names.remove(Keyspace.DEFAULT);
    }
    return names;
  }

  @Override
  public synchronized Keyspace keyspace(String name) {
    check("keyspace");
    calls.add("keyspace " + name);
    if (!has(Capability.KEYSPACES)) {
      return StorageEngine.super.keyspace(name);
    }
    return new TinyKeyspace(this, name, space(name));
  }

  @Override
  public synchronized Keyspace createKeyspace(String name) {
    check("createKeyspace");
    calls.add("createKeyspace " + name);
    if (!has(Capability.KEYSPACES)) {
      return StorageEngine.super.createKeyspace(name);
    }
    if (keyspaces.containsKey(name)) {
      throw new InvalidArgumentException("keyspace '" + name + "' exists");
    }
    NavigableMap<byte[], byte[]> map = newMap();
    keyspaces.put(name, map);
    return new TinyKeyspace(this, name, map);
  }

  @Override
  public synchronized void dropKeyspace(String name) {
    check("dropKeyspace");
    calls.add("dropKeyspace " + name);
    if (!has(Capability.KEYSPACES)) {
      StorageEngine.super.dropKeyspace(name);
      return;
    }
    if (name.equals(Keyspace.DEFAULT) || keyspaces.remove(name) == null) {
      throw new InvalidArgumentException("cannot drop keyspace '" + name + "'");
    }
  }

  @Override
  public Health health() {
    check("health");
    calls.add("health");
    Health h = health;
    return h != null ? h : StorageEngine.super.health();
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    check("multiGet");
    calls.add("multiGet");
    List<byte[]> values = StorageEngine.super.multiGet(keys);
    return shortMultiGet ? values.subList(1, values.size()) : values;
  }

  @Override
  public long approximateCount(KeyRange range) {
    check("approximateCount");
    calls.add("approximateCount");
    return StorageEngine.super.approximateCount(range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    check("approximateSize");
    calls.add("approximateSize");
    return StorageEngine.super.approximateSize(range);
  }

  @Override
  public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    calls.add("putIfAbsent");
    return StorageEngine.super.putIfAbsent(key, value, durability);
  }

  @Override
  public void deleteRange(KeyRange range, Durability durability) {
    calls.add("deleteRange");
    StorageEngine.super.deleteRange(range, durability);
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
    Map<String, NavigableMap<byte[], byte[]>> copy = new TreeMap<>();
    keyspaces.forEach((name, map) -> copy.put(name, new TreeMap<>(map)));
    TinySnapshot s = new TinySnapshot(copy, this);
    snapshots.add(s);
    return s;
  }

  @Override
  public void flush() {
    check("flush");
  }

  /** What {@link #compact()} answers: the bytes it says it released. */
  volatile long compacted;

  @Override
  public long compact() {
    check("compact");
    calls.add("compact");
    return compacted;
  }

  @Override
  public synchronized void checkpoint(Path target) {
    check("checkpoint");
    try {
      Files.createDirectory(target);
    } catch (IOException e) {
      throw new StorageIOException("checkpoint to " + target + " failed", e);
    }
    TinyEngine copy = new TinyEngine(target, options, capabilities);
    copy.data.putAll(data);
    copy.close();
  }

  /** Details {@link #statistics()} reports. */
  volatile Map<String, Long> details = Map.of();

  /** Calls to {@link #statistics()}. */
  final java.util.concurrent.atomic.AtomicInteger statisticsCalls =
      new java.util.concurrent.atomic.AtomicInteger();

  /** When set, {@link #statistics()} counts down {@code [0]} and waits for {@code [1]}. */
  volatile java.util.concurrent.CountDownLatch[] statisticsGate;

  @Override
  public EngineStatistics statistics() {
    statisticsCalls.incrementAndGet();
    java.util.concurrent.CountDownLatch[] gate = statisticsGate;
    if (gate != null) {
      gate[0].countDown();
      try {
        gate[1].await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      check("statistics");
      return new EngineStatistics(data.size(), 4096, 128, details);
    }
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

  /** A snapshot: a copy of every keyspace's map. */
  static final class TinySnapshot implements Snapshot {
    private final Map<String, NavigableMap<byte[], byte[]>> keyspaces;
    private final TinyView view;
    private final TinyEngine engine;
    volatile boolean closed;

    TinySnapshot(Map<String, NavigableMap<byte[], byte[]>> keyspaces, TinyEngine engine) {
      this.keyspaces = keyspaces;
      this.engine = engine;
      this.view = new TinyView(this, keyspaces.get(Keyspace.DEFAULT));
    }

    @Override
    public byte[] get(byte[] key) {
      return view.get(key);
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      return view.cursor(range, direction);
    }

    @Override
    public ReadView keyspace(String name) {
      engine.calls.add("snapshot keyspace " + name);
      if (closed) {
        throw new ClosedHandleException("snapshot is closed");
      }
      if (!engine.has(Capability.KEYSPACES)) {
        return Snapshot.super.keyspace(name);
      }
      if (name.equals(Keyspace.DEFAULT)) {
        return this;
      }
      NavigableMap<byte[], byte[]> map = keyspaces.get(name);
      if (map == null) {
        throw new InvalidArgumentException("no keyspace '" + name + "' in the snapshot");
      }
      return new TinyView(this, map);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** The reads of one keyspace of a snapshot. */
  static final class TinyView implements ReadView {
    private final TinySnapshot snapshot;
    private final NavigableMap<byte[], byte[]> data;

    TinyView(TinySnapshot snapshot, NavigableMap<byte[], byte[]> data) {
      this.snapshot = snapshot;
      this.data = data;
    }

    @Override
    public byte[] get(byte[] key) {
      if (snapshot.closed) {
        throw new ClosedHandleException("snapshot is closed");
      }
      byte[] v = data.get(key);
      return v == null ? null : v.clone();
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      if (snapshot.closed) {
        throw new ClosedHandleException("snapshot is closed");
      }
      TinyCursor c = new TinyCursor(data, range, direction, snapshot.engine);
      snapshot.engine.cursors.add(c);
      return c;
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
