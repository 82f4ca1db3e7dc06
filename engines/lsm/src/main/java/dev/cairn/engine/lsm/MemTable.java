package dev.cairn.engine.lsm;

import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest writes, in memory, ordered by internal key: a concurrent skip list (LevelDB's {@code
 * skiplist.h}, here {@link ConcurrentSkipListMap}) that readers search without locks while the
 * leading writer inserts.
 *
 * <p>Every memtable belongs to one write-ahead log ({@link #walNumber()}): the writes in it are
 * exactly those of that log, so once the memtable is flushed to a table and the flush recorded, the
 * log can go. A memtable takes writes until it reaches its size; then the writer makes it immutable
 * and starts a new one with a new log, and the flush thread writes it out.
 *
 * <p><b>Visibility.</b> The writer inserts a batch's entries before it publishes the batch's last
 * sequence; a reader reads at a published sequence and skips newer entries, so it never sees part
 * of a batch.
 *
 * <p><b>Memory.</b> {@link #approximateBytes()} counts keys, values and a per-entry estimate of the
 * skip list's nodes. A memtable is full at its size, checked before each write group, so it
 * overshoots by at most one group; a group larger than a whole memtable gets a fresh memtable.
 *
 * <p>Thread-safe: one writer inserts (the group's leader), any number read.
 */
final class MemTable {

  /** A tombstone's value in the map (the map holds no nulls). */
  static final byte[] NO_VALUE = new byte[0];

  /** Bytes counted per entry beyond its key and value: the skip list node, index, key object. */
  static final int ENTRY_OVERHEAD = 96;

  private final ConcurrentSkipListMap<InternalKey, byte[]> map =
      new ConcurrentSkipListMap<>(InternalKey.ORDER);
  private final MemRangeTombstones rangeTombstones = new MemRangeTombstones();
  private final AtomicLong bytes = new AtomicLong();
  private final long walNumber;
  private volatile long largestSequence;

  MemTable(long walNumber) {
    this.walNumber = walNumber;
  }

  /** The number of the write-ahead log holding the same writes. */
  long walNumber() {
    return walNumber;
  }

  /**
   * Adds an entry; by the writer only. A range delete ({@link InternalKey#RANGE_DELETE}) deletes
   * {@code [storeKey, value)} and goes beside the point entries ({@link MemRangeTombstones}).
   */
  void add(byte[] storeKey, long sequence, int kind, byte[] value) {
    byte[] v = value == null ? NO_VALUE : value;
    if (kind == InternalKey.RANGE_DELETE) {
      rangeTombstones.add(storeKey, v, sequence);
    } else {
      map.put(new InternalKey(storeKey, InternalKey.trailer(sequence, kind)), v);
    }
    bytes.addAndGet(storeKey.length + (long) v.length + ENTRY_OVERHEAD);
    if (sequence > largestSequence) {
      largestSequence = sequence;
    }
  }

  long approximateBytes() {
    return bytes.get();
  }

  boolean isEmpty() {
    return map.isEmpty() && rangeTombstones.isEmpty();
  }

  /** The range tombstones added so far, fragmented; at least those a reader may see. */
  RangeTombstones rangeTombstones() {
    return rangeTombstones.get();
  }

  int entries() {
    return map.size();
  }

  long largestSequence() {
    return largestSequence;
  }

  /**
   * The newest version of {@code storeKey} at or below {@code sequence}, or null if the memtable
   * holds none.
   */
  Map.Entry<InternalKey, byte[]> get(byte[] storeKey, long sequence) {
    Map.Entry<InternalKey, byte[]> e = map.ceilingEntry(InternalKey.seekTarget(storeKey, sequence));
    if (e == null || !java.util.Arrays.equals(e.getKey().userKey, storeKey)) {
      return null;
    }
    return e;
  }

  /** The entries in internal key order; a live, weakly consistent view. */
  ConcurrentNavigableMap<InternalKey, byte[]> entriesView() {
    return map;
  }
}
