package dev.cairn.engine.lsm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a reader reads: the mutable memtable, the immutable ones waiting to be flushed (newest
 * first), and the current {@link Version} of the tables, published together so that a flush moving
 * writes from a memtable to a table is seen whole (RocksDB's {@code SuperVersion}).
 *
 * <p>Immutable. While it is the store's current state it holds a reference on its version; a reader
 * pins it with {@link #tryAcquire()} (a reference on the version, which keeps the version's tables
 * open and on disk) and releases it when done.
 *
 * <p>Thread-safe.
 */
final class ReadState {

  final MemTable mutable;
  final List<MemTable> immutables;
  final Version version;

  /** A state of these parts; takes a reference on {@code version}, which must be alive. */
  ReadState(MemTable mutable, List<MemTable> immutables, Version version) {
    this.mutable = mutable;
    this.immutables = List.copyOf(immutables);
    this.version = version;
    if (!version.tryAcquire()) {
      throw new IllegalStateException("a read state of a released version");
    }
  }

  boolean tryAcquire() {
    return version.tryAcquire();
  }

  void release() {
    version.release();
  }

  /**
   * An entry found by a point lookup.
   *
   * @param kind {@link InternalKey#PUT} or {@link InternalKey#DELETE}
   * @param value the value, owned by the engine (empty for a tombstone)
   */
  record Found(int kind, byte[] value) {}

  /**
   * The newest entry of {@code storeKey} at or below {@code sequence}: memtables newest first, then
   * level 0 newest first, then each deeper level's one table that may hold it (bloom filters
   * first). Null when no level holds the key.
   *
   * <p>Range tombstones: each source's tombstones over the key (visible at {@code sequence}) are
   * asked before its entries, and the search stops at the first source holding an entry of the key
   * or a tombstone over it. Sources are searched newest first and a key's entries and the
   * tombstones over it are never older in a newer source ({@link TableBounds}), so what the later
   * sources hold is older than any tombstone found: the entry found is deleted if a tombstone seen
   * so far is newer, and a tombstone with no entry deletes the key.
   */
  Found get(byte[] storeKey, long sequence) {
    long covering = 0;
    Found f;
    for (int i = -1; i < immutables.size(); i++) {
      if (covering > 0) {
        return DELETED;
      }
      MemTable m = i < 0 ? mutable : immutables.get(i);
      long c = m.rangeTombstones().covering(storeKey, sequence);
      f = inMemTable(m, storeKey, sequence, c);
      if (f != null) {
        return f;
      }
      covering = c;
    }
    long hash = BloomFilter.hash(storeKey);
    InternalKey target = InternalKey.seekTarget(storeKey, sequence);
    for (TableFile t : version.level(0)) {
      if (t.meta().covers(storeKey) && t.meta().smallestSequence() <= sequence) {
        if (covering > 0) {
          return DELETED;
        }
        f = inTable(t, storeKey, sequence, hash, target);
        if (f != null) {
          return f;
        }
        covering = covering(t, storeKey, sequence);
      }
    }
    for (int level = 1; level < Version.LEVELS; level++) {
      List<TableFile> files = version.level(level);
      int i = Version.findFile(files, target);
      if (i < files.size() && files.get(i).meta().covers(storeKey)) {
        if (covering > 0) {
          return DELETED;
        }
        f = inTable(files.get(i), storeKey, sequence, hash, target);
        if (f != null) {
          return f;
        }
        covering = covering(files.get(i), storeKey, sequence);
      }
    }
    return covering > 0 ? DELETED : null;
  }

  /** What a lookup returns for a key a range tombstone deletes. */
  private static final Found DELETED = new Found(InternalKey.DELETE, MemTable.NO_VALUE);

  /** The newest tombstone of table {@code t} over {@code storeKey} seen at {@code sequence}. */
  private static long covering(TableFile t, byte[] storeKey, long sequence) {
    return t.meta().rangeTombstones() == 0
        ? 0
        : t.table().rangeTombstones().covering(storeKey, sequence);
  }

  private static Found inTable(
      TableFile t, byte[] storeKey, long sequence, long hash, InternalKey target) {
    long covering = covering(t, storeKey, sequence);
    Table.Found tf = t.table().get(storeKey, hash, target);
    if (tf == null) {
      return null;
    }
    if (InternalKey.sequenceOf(tf.trailer()) < covering) {
      return DELETED;
    }
    return new Found(InternalKey.kindOf(tf.trailer()), tf.value());
  }

  private static Found inMemTable(MemTable m, byte[] storeKey, long sequence, long covering) {
    Map.Entry<InternalKey, byte[]> e = m.get(storeKey, sequence);
    if (e == null) {
      return null;
    }
    if (e.getKey().sequence() < covering) {
      return DELETED;
    }
    return new Found(e.getKey().kind(), e.getValue());
  }

  /** Every entry of the state merged, for a reader moving {@code forward} or backward. */
  InternalIterator iterator(boolean forward) {
    List<InternalIterator> children = new ArrayList<>();
    children.add(new MemTableIterator(mutable));
    for (MemTable m : immutables) {
      children.add(new MemTableIterator(m));
    }
    for (TableFile t : version.level(0)) {
      children.add(t.table().iterator());
    }
    for (int level = 1; level < Version.LEVELS; level++) {
      if (!version.level(level).isEmpty()) {
        children.add(new LevelIterator(version.level(level)));
      }
    }
    return new MergingIterator(children, forward);
  }
}
