package dev.cairn.conformance.reference;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
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
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The reference engine's handle: every call under one lock. Thread-safe. */
final class ReferenceEngine implements StorageEngine {

  private final Set<Capability> capabilities;
  private final EngineOptions options;
  private final ReferenceLog log;
  private final NavigableMap<byte[], byte[]> map;
  private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();
  private boolean closed;

  ReferenceEngine(Set<Capability> capabilities, EngineOptions options, ReferenceLog log) {
    this.capabilities = capabilities;
    this.options = options;
    this.log = log;
    this.map = log == null ? new TreeMap<>(Arrays::compareUnsigned) : log.recovered();
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("store is closed");
    }
  }

  private void checkWritable() {
    checkOpen();
    if (options.readOnly()) {
      throw new ReadOnlyStoreException("store is read-only");
    }
  }

  private static Durability check(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    return durability;
  }

  @Override
  public Durability defaultDurability() {
    return options.defaultDurability();
  }

  @Override
  public synchronized byte[] get(byte[] key) {
    Limits.checkKey(key);
    checkOpen();
    byte[] v = map.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized void put(byte[] key, byte[] value, Durability durability) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    check(durability);
    checkWritable();
    apply(List.of(new WriteBatch.Put(key.clone(), value.clone())), durability);
  }

  @Override
  public synchronized void delete(byte[] key, Durability durability) {
    Limits.checkKey(key);
    check(durability);
    checkWritable();
    apply(List.of(new WriteBatch.Delete(key.clone())), durability);
  }

  @Override
  public synchronized void write(WriteBatch batch, Durability durability) {
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    check(durability);
    checkWritable();
    if (!capabilities.contains(Capability.ATOMIC_BATCHES)) {
      throw new UnsupportedCapabilityException("engine does not support ATOMIC_BATCHES");
    }
    apply(List.copyOf(batch.operations()), durability);
  }

  private void apply(List<WriteBatch.Operation> ops, Durability durability) {
    if (log != null) {
      log.append(ops, durability == Durability.SYNC);
    }
    for (WriteBatch.Operation op : ops) {
      if (op instanceof WriteBatch.Put p) {
        map.put(p.key().clone(), p.value().clone());
      } else {
        map.remove(op.key());
      }
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return openCursor(range, direction, null);
  }

  synchronized Cursor openCursor(KeyRange range, Direction direction, ReferenceSnapshot owner) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("range and direction are required");
    }
    checkOpen();
    NavigableMap<byte[], byte[]> source = owner == null ? map : owner.map();
    boolean ordered = capabilities.contains(Capability.ORDERED_SCANS);
    if (!ordered && (!range.isAll() || direction != Direction.FORWARD)) {
      throw new UnsupportedCapabilityException(
          "engine does not support ORDERED_SCANS: only a forward cursor over all keys");
    }
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : source.entrySet()) {
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
    if (!capabilities.contains(Capability.SNAPSHOTS)) {
      throw new UnsupportedCapabilityException("engine does not support SNAPSHOTS");
    }
    NavigableMap<byte[], byte[]> copy = new TreeMap<>(Arrays::compareUnsigned);
    copy.putAll(map);
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
    if (!capabilities.contains(Capability.CHECKPOINTS)) {
      throw new UnsupportedCapabilityException("engine does not support CHECKPOINTS");
    }
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
    return new EngineStatistics(
        map.size(), log == null ? 0 : log.size(), map.size() * 64L, Map.of("writes", 0L));
  }

  @Override
  public synchronized ConsistencyReport checkConsistency() {
    checkOpen();
    List<String> problems = new ArrayList<>();
    byte[] previous = null;
    for (byte[] key : map.keySet()) {
      if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
        problems.add("keys out of order at " + java.util.HexFormat.of().formatHex(key));
      }
      previous = key;
    }
    if (log != null) {
      try {
        NavigableMap<byte[], byte[]> disk = ReferenceLog.replay(log.file(), false);
        if (disk.size() != map.size()) {
          problems.add("log holds " + disk.size() + " keys, memory " + map.size());
        } else {
          for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
            if (!Arrays.equals(disk.get(e.getKey()), e.getValue())) {
              problems.add(
                  "log disagrees on key " + java.util.HexFormat.of().formatHex(e.getKey()));
            }
          }
        }
      } catch (IOException e) {
        throw new StorageIOException("cannot read " + log.file(), e);
      } catch (StorageException e) {
        problems.add(e.getMessage());
      }
    }
    return new ConsistencyReport(map.size(), problems);
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
