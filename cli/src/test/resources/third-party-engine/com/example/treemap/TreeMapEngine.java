package com.example.treemap;

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
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** An open store: every call under the handle's lock; keys and values copied in and out. */
final class TreeMapEngine implements StorageEngine {

  private final EngineOptions options;
  private final boolean losesLastKeyDeletes;
  private final NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
  private final Set<TreeMapCursor> cursors = ConcurrentHashMap.newKeySet();
  private boolean closed;

  TreeMapEngine(EngineOptions options, boolean losesLastKeyDeletes) {
    this.options = options;
    this.losesLastKeyDeletes = losesLastKeyDeletes;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("store is closed");
    }
  }

  private void checkWrite(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    checkOpen();
    if (options.readOnly()) {
      throw new ReadOnlyStoreException("store is read-only");
    }
  }

  @Override
  public Durability defaultDurability() {
    return options.defaultDurability();
  }

  @Override
  public synchronized byte[] get(byte[] key) {
    Limits.checkKey(key);
    checkOpen();
    byte[] value = map.get(key);
    return value == null ? null : value.clone();
  }

  @Override
  public synchronized void put(byte[] key, byte[] value, Durability durability) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    checkWrite(durability);
    map.put(key.clone(), value.clone());
  }

  @Override
  public synchronized void delete(byte[] key, Durability durability) {
    Limits.checkKey(key);
    checkWrite(durability);
    if (losesLastKeyDeletes && !map.isEmpty() && Arrays.equals(map.lastKey(), key)) {
      return;
    }
    map.remove(key);
  }

  @Override
  public synchronized void write(WriteBatch batch, Durability durability) {
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    checkWrite(durability);
    // Refused before anything is applied: this engine has one keyspace, no preconditions and no
    // range deletes, and must not apply part of a batch that needs them.
    if (batch.namesOtherKeyspaces()
        || !batch.preconditions().isEmpty()
        || batch.hasRangeDeletes()) {
      throw new dev.cairn.spi.UnsupportedCapabilityException(
          "treemap has no keyspaces, conditional writes or range deletes: " + batch);
    }
    for (WriteBatch.Operation op : batch.operations()) {
      switch (op) {
        case WriteBatch.Put p -> map.put(p.key().clone(), p.value().clone());
        case WriteBatch.Delete d -> map.remove(d.key());
        case WriteBatch.DeleteRange r ->
            throw new dev.cairn.spi.UnsupportedCapabilityException(
                "range deletes (capability RANGE_DELETES)");
      }
    }
  }

  @Override
  public synchronized Cursor cursor(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("range and direction are required");
    }
    checkOpen();
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
      if (range.contains(e.getKey())) {
        entries.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    if (direction == Direction.REVERSE) {
      Collections.reverse(entries);
    }
    TreeMapCursor cursor = new TreeMapCursor(entries, direction, cursors);
    cursors.add(cursor);
    return cursor;
  }

  @Override
  public synchronized Snapshot snapshot() {
    checkOpen();
    throw new UnsupportedCapabilityException("treemap does not support SNAPSHOTS");
  }

  @Override
  public synchronized void flush() {
    checkOpen();
  }

  @Override
  public synchronized void checkpoint(Path target) {
    if (target == null) {
      throw new InvalidArgumentException("target is null");
    }
    checkOpen();
    throw new UnsupportedCapabilityException("treemap does not support CHECKPOINTS");
  }

  @Override
  public synchronized EngineStatistics statistics() {
    checkOpen();
    long bytes = 0;
    for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
      bytes += e.getKey().length + e.getValue().length;
    }
    return new EngineStatistics(map.size(), 0, bytes, Map.of("entries", (long) map.size()));
  }

  @Override
  public synchronized ConsistencyReport checkConsistency() {
    checkOpen();
    return ConsistencyReport.ok(map.size());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (TreeMapCursor c : List.copyOf(cursors)) {
      c.close();
    }
  }
}
