package dev.cairn.runtime;

import static dev.cairn.runtime.OperationTraceWriter.DELETE;
import static dev.cairn.runtime.OperationTraceWriter.DELETE_RANGE;
import static dev.cairn.runtime.OperationTraceWriter.FOUND;
import static dev.cairn.runtime.OperationTraceWriter.GET;
import static dev.cairn.runtime.OperationTraceWriter.IN_BATCH;
import static dev.cairn.runtime.OperationTraceWriter.PUT;
import static dev.cairn.runtime.OperationTraceWriter.REVERSE;
import static dev.cairn.runtime.OperationTraceWriter.SCAN;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;

/**
 * A store whose callers' operations are recorded, sampled, in an operation trace ({@link
 * StoreBuilder#operationTrace}): the boundary's store with a recorder in front. Only operations
 * that succeeded are recorded, each when it returns, stamped with the time it began. Reads record
 * whether they found a value and its length; a cursor records one scan per start (its opening, and
 * each seek) with the entries it stepped over, when it moves on or closes; a batch records each of
 * its operations. Everything else passes through unrecorded. Thread-safe as the store is.
 */
final class RecordingEngine implements StorageEngine {

  private final StorageEngine store;
  private final OperationTraceWriter trace;

  RecordingEngine(StorageEngine store, OperationTraceWriter trace) {
    this.store = store;
    this.trace = trace;
  }

  @Override
  public byte[] get(byte[] key) {
    if (!trace.sample()) {
      return store.get(key);
    }
    long t0 = System.nanoTime();
    byte[] v = store.get(key);
    trace.record(GET, v == null ? 0 : FOUND, key, v == null ? -1 : v.length, null, t0);
    return v;
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    long t0 = System.nanoTime();
    List<byte[]> values = store.multiGet(keys);
    for (int i = 0; i < keys.size(); i++) {
      if (trace.sample()) {
        byte[] v = values.get(i);
        trace.record(GET, v == null ? 0 : FOUND, keys.get(i), v == null ? -1 : v.length, null, t0);
      }
    }
    return values;
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    Cursor c = store.cursor(range, direction);
    if (!trace.sample()) {
      return c;
    }
    byte[] start =
        direction == Direction.FORWARD
            ? (range.lower() == null ? new byte[0] : range.lower().key())
            : (range.upper() == null ? new byte[0] : range.upper().key());
    return new RecordingCursor(c, start, direction == Direction.REVERSE ? REVERSE : 0);
  }

  /** A cursor that records a scan per start: from its opening or a seek to the next, or close. */
  private final class RecordingCursor implements Cursor {
    private final Cursor inner;
    private final int flags;
    private byte[] start;
    private long began = System.nanoTime();
    private int entries;
    private boolean done;

    RecordingCursor(Cursor inner, byte[] start, int flags) {
      this.inner = inner;
      this.start = start;
      this.flags = flags;
    }

    private void flushScan() {
      if (!done) {
        trace.record(SCAN, flags, start, entries, null, began);
      }
    }

    @Override
    public boolean next() {
      boolean moved = inner.next();
      if (moved) {
        entries++;
      }
      return moved;
    }

    @Override
    public void seek(byte[] key) {
      inner.seek(key);
      flushScan();
      start = key.clone();
      entries = 0;
      began = System.nanoTime();
    }

    @Override
    public byte[] key() {
      return inner.key();
    }

    @Override
    public byte[] value() {
      return inner.value();
    }

    @Override
    public ByteView keyView() {
      return inner.keyView();
    }

    @Override
    public ByteView valueView() {
      return inner.valueView();
    }

    @Override
    public void close() {
      inner.close();
      flushScan();
      done = true;
    }
  }

  @Override
  public long approximateCount(KeyRange range) {
    return store.approximateCount(range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    return store.approximateSize(range);
  }

  @Override
  public Durability defaultDurability() {
    return store.defaultDurability();
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    long t0 = System.nanoTime();
    store.put(key, value, durability);
    if (trace.sample()) {
      trace.record(PUT, 0, key, value.length, value, t0);
    }
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    long t0 = System.nanoTime();
    store.delete(key, durability);
    if (trace.sample()) {
      trace.record(DELETE, 0, key, -1, null, t0);
    }
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    long t0 = System.nanoTime();
    store.write(batch, durability);
    if (trace.sample()) {
      for (String ks : batch.keyspaces()) {
        for (WriteBatch.Operation op : batch.operations(ks)) {
          switch (op) {
            case WriteBatch.Put p ->
                trace.record(PUT, IN_BATCH, p.key(), p.value().length, p.value(), t0);
            case WriteBatch.Delete d -> trace.record(DELETE, IN_BATCH, d.key(), -1, null, t0);
            case WriteBatch.DeleteRange r ->
                trace.record(DELETE_RANGE, IN_BATCH, r.key(), -1, null, t0);
          }
        }
      }
    }
  }

  @Override
  public void deleteRange(KeyRange range, Durability durability) {
    long t0 = System.nanoTime();
    store.deleteRange(range, durability);
    if (trace.sample()) {
      trace.record(
          DELETE_RANGE, 0, range.lower() == null ? new byte[0] : range.lower().key(), -1, null, t0);
    }
  }

  @Override
  public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    long t0 = System.nanoTime();
    boolean applied = store.putIfAbsent(key, value, durability);
    if (trace.sample()) {
      // NB: the read it makes, and the write when it applied
      trace.record(GET, applied ? 0 : FOUND, key, -1, null, t0);
      if (applied) {
        trace.record(PUT, 0, key, value.length, value, t0);
      }
    }
    return applied;
  }

  @Override
  public boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
    long t0 = System.nanoTime();
    boolean applied = store.replace(key, expected, value, durability);
    if (trace.sample()) {
      trace.record(GET, applied ? FOUND : 0, key, -1, null, t0);
      if (applied) {
        trace.record(PUT, 0, key, value.length, value, t0);
      }
    }
    return applied;
  }

  @Override
  public boolean deleteIfEquals(byte[] key, byte[] expected, Durability durability) {
    long t0 = System.nanoTime();
    boolean applied = store.deleteIfEquals(key, expected, durability);
    if (trace.sample()) {
      trace.record(GET, applied ? FOUND : 0, key, -1, null, t0);
      if (applied) {
        trace.record(DELETE, 0, key, -1, null, t0);
      }
    }
    return applied;
  }

  @Override
  public List<String> keyspaces() {
    return store.keyspaces();
  }

  @Override
  public Keyspace keyspace(String name) {
    return store.keyspace(name);
  }

  @Override
  public Keyspace createKeyspace(String name) {
    return store.createKeyspace(name);
  }

  @Override
  public void dropKeyspace(String name) {
    store.dropKeyspace(name);
  }

  @Override
  public Health health() {
    return store.health();
  }

  @Override
  public Snapshot snapshot() {
    return store.snapshot();
  }

  @Override
  public void flush() {
    store.flush();
  }

  @Override
  public void checkpoint(Path target) {
    store.checkpoint(target);
  }

  @Override
  public long compact() {
    return store.compact();
  }

  @Override
  public EngineStatistics statistics() {
    return store.statistics();
  }

  @Override
  public ConsistencyReport checkConsistency() {
    return store.checkConsistency();
  }

  /** Closes the store, then the trace (what it buffered is written). */
  @Override
  public void close() {
    try {
      store.close();
    } finally {
      trace.close();
    }
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
