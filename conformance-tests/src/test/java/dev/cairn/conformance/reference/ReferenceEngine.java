package dev.cairn.conformance.reference;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference engine's handle: every call under one lock, on a map from keyspace name to a {@code
 * TreeMap} of that keyspace's entries. Thread-safe.
 *
 * <p>What it does is meant to be obviously what the contract says: a write checks everything (its
 * capabilities, that its keyspaces exist, its preconditions) before it changes anything, then logs
 * its {@linkplain Change changes} as one record and applies them in order. A keyspace handle is
 * valid while the map it was made for is the one the store holds under its name, so a handle on a
 * dropped keyspace stays invalid even after a keyspace of the same name is created again.
 */
final class ReferenceEngine implements StorageEngine {

  private final Set<Capability> capabilities;
  private final EngineOptions options;
  private final ReferenceLog log;
  private final Map<String, NavigableMap<byte[], byte[]>> state;
  private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();
  private boolean closed;

  ReferenceEngine(Set<Capability> capabilities, EngineOptions options, ReferenceLog log) {
    this.capabilities = capabilities;
    this.options = options;
    this.log = log;
    this.state = log == null ? ReferenceLog.emptyState() : log.recovered();
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("store is closed");
    }
  }

  /** Open, not read-only, and (NB: before any other check of a write) not fail-stopped. */
  private void checkWritable() {
    checkOpen();
    if (options.readOnly()) {
      throw new ReadOnlyStoreException("store is read-only");
    }
    if (log != null) {
      log.checkNotFailed();
    }
  }

  private void require(Capability c, String what) {
    if (!capabilities.contains(c)) {
      throw new UnsupportedCapabilityException("engine does not support " + c + ": " + what);
    }
  }

  private static Durability check(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    return durability;
  }

  private NavigableMap<byte[], byte[]> defaultKeyspace() {
    return state.get(Keyspace.DEFAULT);
  }

  /** The entries of {@code handle}'s keyspace; throws when the keyspace was dropped. */
  private NavigableMap<byte[], byte[]> live(ReferenceKeyspace handle) {
    checkOpen();
    NavigableMap<byte[], byte[]> m = state.get(handle.name());
    if (m == null || m != handle.entries()) {
      throw new InvalidStateException("keyspace '" + handle.name() + "' was dropped");
    }
    return m;
  }

  @Override
  public Durability defaultDurability() {
    return options.defaultDurability();
  }

  @Override
  public synchronized byte[] get(byte[] key) {
    Limits.checkKey(key);
    checkOpen();
    return copy(defaultKeyspace().get(key));
  }

  synchronized byte[] get(ReferenceKeyspace handle, byte[] key) {
    Limits.checkKey(key);
    return copy(live(handle).get(key));
  }

  private static byte[] copy(byte[] v) {
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized void put(byte[] key, byte[] value, Durability durability) {
    put(Keyspace.DEFAULT, key, value, durability);
  }

  synchronized void put(ReferenceKeyspace handle, byte[] key, byte[] value, Durability d) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    live(handle);
    put(handle.name(), key, value, d);
  }

  private void put(String keyspace, byte[] key, byte[] value, Durability durability) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    check(durability);
    checkWritable();
    apply(List.of(new Change.Put(keyspace, key.clone(), value.clone())), durability);
  }

  @Override
  public synchronized void delete(byte[] key, Durability durability) {
    delete(Keyspace.DEFAULT, key, durability);
  }

  synchronized void delete(ReferenceKeyspace handle, byte[] key, Durability durability) {
    Limits.checkKey(key);
    live(handle);
    delete(handle.name(), key, durability);
  }

  private void delete(String keyspace, byte[] key, Durability durability) {
    Limits.checkKey(key);
    check(durability);
    checkWritable();
    apply(List.of(new Change.Delete(keyspace, key.clone())), durability);
  }

  @Override
  public synchronized void write(WriteBatch batch, Durability durability) {
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    check(durability);
    checkWritable();
    require(Capability.ATOMIC_BATCHES, "write(batch)");
    if (batch.namesOtherKeyspaces()) {
      require(Capability.KEYSPACES, "a batch naming keyspaces " + batch.keyspaces());
    }
    if (!batch.preconditions().isEmpty()) {
      require(Capability.CONDITIONAL_WRITES, "a batch with preconditions");
    }
    if (batch.hasRangeDeletes()) {
      require(Capability.RANGE_DELETES, "a batch with a range delete");
    }
    for (String keyspace : batch.keyspaces()) {
      if (!state.containsKey(keyspace)) {
        throw new InvalidArgumentException(
            "the batch names keyspace '" + keyspace + "', which does not exist; nothing applied");
      }
    }
    for (WriteBatch.Precondition p : batch.preconditions()) {
      byte[] found = state.get(p.keyspace()).get(p.key());
      boolean holds =
          p.expected() == null
              ? found == null
              : found != null && Arrays.equals(found, p.expected());
      if (!holds) {
        throw ConflictException.of(p);
      }
    }
    List<Change> changes = new ArrayList<>();
    for (String keyspace : batch.keyspaces()) {
      for (WriteBatch.Operation op : batch.operations(keyspace)) {
        changes.add(
            switch (op) {
              case WriteBatch.Put p -> new Change.Put(keyspace, p.key().clone(), p.value().clone());
              case WriteBatch.Delete d -> new Change.Delete(keyspace, d.key().clone());
              case WriteBatch.DeleteRange r -> new Change.DeleteRange(keyspace, r.range());
            });
      }
    }
    apply(changes, durability);
  }

  /** Logs {@code changes} as one record (when durable), then applies them in order. */
  private void apply(List<Change> changes, Durability durability) {
    if (log != null) {
      log.append(changes, durability == Durability.SYNC);
    }
    for (Change c : changes) {
      c.applyTo(state);
    }
  }

  @Override
  public synchronized List<String> keyspaces() {
    checkOpen();
    return List.copyOf(state.keySet());
  }

  @Override
  public synchronized Keyspace keyspace(String name) {
    Keyspace.checkName(name);
    require(Capability.KEYSPACES, "keyspace('" + name + "')");
    checkOpen();
    NavigableMap<byte[], byte[]> m = state.get(name);
    if (m == null) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
    }
    return new ReferenceKeyspace(this, name, m);
  }

  @Override
  public synchronized Keyspace createKeyspace(String name) {
    Keyspace.checkName(name);
    require(Capability.KEYSPACES, "createKeyspace('" + name + "')");
    checkWritable();
    if (state.containsKey(name)) {
      throw new InvalidArgumentException("keyspace '" + name + "' exists");
    }
    apply(List.of(new Change.CreateKeyspace(name)), Durability.SYNC);
    return new ReferenceKeyspace(this, name, state.get(name));
  }

  @Override
  public synchronized void dropKeyspace(String name) {
    Keyspace.checkName(name);
    require(Capability.KEYSPACES, "dropKeyspace('" + name + "')");
    checkWritable();
    if (name.equals(Keyspace.DEFAULT)) {
      throw new InvalidArgumentException("the default keyspace cannot be dropped");
    }
    if (!state.containsKey(name)) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
    }
    apply(List.of(new Change.DropKeyspace(name)), Durability.SYNC);
  }

  @Override
  public synchronized Health health() {
    checkOpen();
    if (log != null && log.failed()) {
      return new Health(
          Health.Status.FAILED, 0, List.of("the log fail-stopped after an I/O error"));
    }
    return Health.ok();
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return openCursor(range, direction, null, null);
  }

  synchronized Cursor cursor(ReferenceKeyspace handle, KeyRange range, Direction direction) {
    return openCursor(range, direction, live(handle), null);
  }

  /**
   * A cursor over {@code source}, or over the default keyspace (live) when it is null; {@code
   * owner} is the snapshot {@code source} belongs to, if any.
   */
  synchronized Cursor openCursor(
      KeyRange range,
      Direction direction,
      NavigableMap<byte[], byte[]> source,
      ReferenceSnapshot owner) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("range and direction are required");
    }
    checkOpen();
    NavigableMap<byte[], byte[]> entriesOf = source == null ? defaultKeyspace() : source;
    boolean ordered = capabilities.contains(Capability.ORDERED_SCANS);
    if (!ordered && (!range.isAll() || direction != Direction.FORWARD)) {
      throw new UnsupportedCapabilityException(
          "engine does not support ORDERED_SCANS: only a forward cursor over all keys");
    }
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : entriesOf.entrySet()) {
      if (range.contains(e.getKey())) {
        entries.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    if (!ordered) {
      entries.sort(
          (a, b) -> Integer.compare(Arrays.hashCode(a.getKey()), Arrays.hashCode(b.getKey())));
    } else if (direction == Direction.REVERSE) {
      java.util.Collections.reverse(entries);
    }
    ReferenceCursor c = new ReferenceCursor(entries, direction, ordered, handles);
    handles.add(c);
    if (owner != null) {
      owner.track(c);
    }
    return c;
  }

  @Override
  public synchronized Snapshot snapshot() {
    checkOpen();
    require(Capability.SNAPSHOTS, "snapshot()");
    Map<String, NavigableMap<byte[], byte[]>> copy = new TreeMap<>();
    state.forEach(
        (name, entries) -> {
          NavigableMap<byte[], byte[]> m = Change.emptyKeyspace();
          m.putAll(entries);
          copy.put(name, m);
        });
    ReferenceSnapshot s = new ReferenceSnapshot(this, copy, handles);
    handles.add(s);
    return s;
  }

  @Override
  public synchronized void flush() {
    checkOpen();
    if (log != null && !options.readOnly()) {
      log.sync();
    }
  }

  @Override
  public synchronized void checkpoint(Path target) {
    if (target == null) {
      throw new InvalidArgumentException("target is null");
    }
    checkOpen();
    require(Capability.CHECKPOINTS, "checkpoint(target)");
    if (Files.exists(target)) {
      throw new InvalidArgumentException("checkpoint target " + target + " exists");
    }
    if (log == null) {
      throw new UnsupportedCapabilityException("an in-memory store cannot be checkpointed");
    }
    log.copyTo(target);
  }

  @Override
  public synchronized EngineStatistics statistics() {
    checkOpen();
    long keys = 0;
    for (NavigableMap<byte[], byte[]> m : state.values()) {
      keys += m.size();
    }
    return new EngineStatistics(
        keys,
        log == null ? 0 : log.size(),
        keys * 64L,
        Map.of("writes", 0L, "keyspaces", (long) state.size()));
  }

  synchronized EngineStatistics statistics(ReferenceKeyspace handle) {
    NavigableMap<byte[], byte[]> m = live(handle);
    return new EngineStatistics(m.size(), -1, m.size() * 64L, Map.of());
  }

  @Override
  public synchronized ConsistencyReport checkConsistency() {
    checkOpen();
    List<String> problems = new ArrayList<>();
    long items = 0;
    if (!state.containsKey(Keyspace.DEFAULT)) {
      problems.add("the default keyspace is missing");
    }
    for (Map.Entry<String, NavigableMap<byte[], byte[]>> ks : state.entrySet()) {
      byte[] previous = null;
      for (byte[] key : ks.getValue().keySet()) {
        if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
          problems.add(
              "keys out of order in '" + ks.getKey() + "' at " + HexFormat.of().formatHex(key));
        }
        previous = key;
        items++;
      }
    }
    if (log != null) {
      try {
        ReferenceLog.Replayed replayed = ReferenceLog.replay(log.file());
        if (replayed.validLength() != replayed.fileLength()) {
          problems.add(
              "log records are valid to byte "
                  + replayed.validLength()
                  + " of "
                  + replayed.fileLength());
        }
        compare(replayed.state(), problems);
      } catch (IOException e) {
        throw new StorageIOException("cannot read " + log.file(), e);
      } catch (StorageException e) {
        problems.add(e.getMessage());
      }
    }
    return new ConsistencyReport(items, problems);
  }

  private void compare(Map<String, NavigableMap<byte[], byte[]>> disk, List<String> problems) {
    if (!disk.keySet().equals(state.keySet())) {
      problems.add("log holds keyspaces " + disk.keySet() + ", memory " + state.keySet());
      return;
    }
    for (Map.Entry<String, NavigableMap<byte[], byte[]>> ks : state.entrySet()) {
      NavigableMap<byte[], byte[]> onDisk = disk.get(ks.getKey());
      if (onDisk.size() != ks.getValue().size()) {
        problems.add(
            "log holds "
                + onDisk.size()
                + " keys in '"
                + ks.getKey()
                + "', memory "
                + ks.getValue().size());
        continue;
      }
      for (Map.Entry<byte[], byte[]> e : ks.getValue().entrySet()) {
        if (!Arrays.equals(onDisk.get(e.getKey()), e.getValue())) {
          problems.add(
              "log disagrees on key "
                  + HexFormat.of().formatHex(e.getKey())
                  + " in '"
                  + ks.getKey()
                  + "'");
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable h : List.copyOf(handles)) {
      try {
        h.close();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    if (log != null) {
      log.close();
    }
  }
}
