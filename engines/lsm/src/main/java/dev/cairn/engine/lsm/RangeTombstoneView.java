package dev.cairn.engine.lsm;

import java.util.ArrayList;
import java.util.List;

/**
 * The range tombstones of a read state, as a cursor asks about them: for a key, the newest
 * tombstone over it that the cursor's sequence sees, across the memtables and every level
 * (RocksDB's range-deletion aggregator, in its simplest form). Memtables and level-0 tables with
 * tombstones are asked one by one; in a deeper level, whose tables do not overlap, only the table
 * whose range holds the key (opened then, if it was not). Sources without tombstones (as the
 * manifest records, {@link FileMeta#rangeTombstones}) are left out when the view is made, so a
 * store without range deletes pays nothing per key.
 *
 * <p>Made when a cursor opens, after its sequence was read: a memtable's copy then holds every
 * tombstone at or below that sequence ({@link MemRangeTombstones}). Not thread-safe (a cursor's).
 */
final class RangeTombstoneView {

  private final List<RangeTombstones> unordered = new ArrayList<>();
  private final List<List<TableFile>> levels = new ArrayList<>();

  RangeTombstoneView(ReadState rs) {
    add(rs.mutable.rangeTombstones());
    for (MemTable m : rs.immutables) {
      add(m.rangeTombstones());
    }
    for (TableFile t : rs.version.level(0)) {
      if (t.meta().rangeTombstones() > 0) {
        add(t.table().rangeTombstones());
      }
    }
    for (int level = 1; level < Version.LEVELS; level++) {
      List<TableFile> with = new ArrayList<>();
      for (TableFile t : rs.version.level(level)) {
        if (t.meta().rangeTombstones() > 0) {
          with.add(t);
        }
      }
      if (!with.isEmpty()) {
        levels.add(with);
      }
    }
  }

  private void add(RangeTombstones t) {
    if (!t.isEmpty()) {
      unordered.add(t);
    }
  }

  /** Whether the state holds no range tombstone at all. */
  boolean isEmpty() {
    return unordered.isEmpty() && levels.isEmpty();
  }

  /**
   * The newest sequence of a tombstone over {@code storeKey} visible at {@code readSequence}, or 0:
   * an entry of the key below it is deleted.
   */
  long covering(byte[] storeKey, long readSequence) {
    long newest = 0;
    for (RangeTombstones t : unordered) {
      newest = Math.max(newest, t.covering(storeKey, readSequence));
    }
    if (!levels.isEmpty()) {
      InternalKey target = InternalKey.seekTarget(storeKey, readSequence);
      for (List<TableFile> files : levels) {
        // NB: the table found may end at the key's range sentinel, and the next start there
        int first = Version.findFile(files, target);
        for (int i = first; i < files.size() && i <= first + 1; i++) {
          TableFile f = files.get(i);
          if (f.meta().covers(storeKey)) {
            newest = Math.max(newest, f.table().rangeTombstones().covering(storeKey, readSequence));
            break;
          }
        }
      }
    }
    return newest;
  }
}
