package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The consistency check of an open store (bbolt's {@code tx_check}), run by the conformance suite
 * after every test and by {@code cairn check}. Against a pinned read state, it verifies:
 *
 * <ul>
 *   <li>every table the version names exists with the size the manifest records;
 *   <li>levels of at least 1 are sorted and their tables do not overlap; level 0 is newest first,
 *       its tables' sequence ranges disjoint;
 *   <li>every block of every table, read from disk (not the cache), passes its checksum; keys are
 *       strictly increasing; the first and last keys, sequence range and entry count match the
 *       manifest; no sequence is above the visible sequence;
 *   <li>a table's range-deletion block passes its checksum and holds well-formed tombstones in
 *       order (checked when the table opens), within the table's sequence range and not newer than
 *       the visible sequence; the table's first and last keys include their extent;
 *   <li>the bloom filter lets every key of its table through;
 *   <li>memtables are older than one another in order, their published entries in order.
 * </ul>
 *
 * <p>Thread-safe: reads only, through its own channels.
 */
final class ConsistencyChecker {

  private static final int MAX_PROBLEMS = 100;

  private ConsistencyChecker() {}

  static ConsistencyReport check(Path dir, ReadState rs, long visible, VersionSet versions) {
    List<String> problems = new ArrayList<>();
    long[] items = new long[1];
    Version v = rs.version;
    for (int level = 1; level < Version.LEVELS; level++) {
      String p = v.orderProblem(level);
      if (p != null) {
        problems.add(p);
      }
    }
    List<TableFile> l0 = v.level(0);
    for (int i = 1; i < l0.size(); i++) {
      FileMeta newer = l0.get(i - 1).meta();
      FileMeta older = l0.get(i).meta();
      if (newer.smallestSequence() <= older.largestSequence()) {
        problems.add(
            "level 0: "
                + newer
                + " (sequences "
                + newer.smallestSequence()
                + ".."
                + newer.largestSequence()
                + ") does not follow "
                + older
                + " (up to "
                + older.largestSequence()
                + ")");
      }
    }
    for (int level = 0; level < Version.LEVELS && problems.size() < MAX_PROBLEMS; level++) {
      for (TableFile f : v.level(level)) {
        checkTable(dir, level, f.meta(), visible, problems, items);
      }
    }
    long previousSmallest = Long.MAX_VALUE;
    List<MemTable> mems = new ArrayList<>();
    mems.add(rs.mutable);
    mems.addAll(rs.immutables);
    for (MemTable m : mems) {
      InternalKey prev = null;
      long smallest = Long.MAX_VALUE;
      for (long n = m.first(); n != 0; n = m.next(n)) {
        InternalKey k = m.key(n);
        if (k.sequence() > visible) {
          continue; // written by a group not yet published
        }
        items[0]++;
        smallest = Math.min(smallest, k.sequence());
        if (prev != null && InternalKey.compare(prev, k) >= 0) {
          problems.add("memtable of log " + m.walNumber() + ": " + k + " does not follow " + prev);
        }
        prev = k;
      }
      if (smallest != Long.MAX_VALUE && m.largestSequence() >= previousSmallest) {
        problems.add(
            "memtable of log "
                + m.walNumber()
                + " holds sequence "
                + m.largestSequence()
                + ", not older than the memtable after it");
      }
      previousSmallest = Math.min(previousSmallest, smallest);
    }
    return new ConsistencyReport(
        items[0], problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems);
  }

  private static void checkTable(
      Path dir, int level, FileMeta meta, long visible, List<String> problems, long[] items) {
    Path path = FileNames.table(dir, meta.number());
    String where = "level " + level + ": " + path;
    if (!Files.exists(path)) {
      problems.add(where + ": missing");
      return;
    }
    Table t;
    try {
      t = Table.open(dir, meta.number(), meta.size(), new BlockCache(0), new Statistics());
    } catch (StorageException e) {
      problems.add(where + ": " + e.getMessage());
      return;
    }
    try {
      TableIterator it = t.iterator();
      InternalKey first = null;
      InternalKey prev = null;
      long count = 0;
      for (it.seekToFirst(); it.valid(); it.next()) {
        InternalKey k = it.key();
        items[0]++;
        count++;
        if (first == null) {
          first = k;
        }
        if (prev != null && InternalKey.compare(prev, k) >= 0) {
          problems.add(where + ": key " + k + " does not follow " + prev);
          return;
        }
        if (k.sequence() < meta.smallestSequence() || k.sequence() > meta.largestSequence()) {
          problems.add(where + ": key " + k + " outside the sequences the manifest records");
        }
        if (k.sequence() > visible) {
          problems.add(where + ": key " + k + " is newer than the store's sequence " + visible);
        }
        if ((prev == null || !Arrays.equals(prev.userKey, k.userKey))
            && !BloomFilter.mayContain(t.filter(), BloomFilter.hash(k.userKey))) {
          problems.add(where + ": the bloom filter rejects key " + Bytes.hex(k.userKey));
        }
        prev = k;
        if (problems.size() >= MAX_PROBLEMS) {
          return;
        }
      }
      if (count != meta.entries()) {
        problems.add(where + ": " + count + " entries, the manifest records " + meta.entries());
      }
      RangeTombstones tombstones = t.rangeTombstones();
      items[0] += tombstones.size();
      if (tombstones.size() != meta.rangeTombstones()) {
        problems.add(
            where
                + ": "
                + tombstones.size()
                + " range tombstones, the manifest records "
                + meta.rangeTombstones());
      }
      if (!tombstones.isEmpty()) {
        if (tombstones.smallestSequence() < meta.smallestSequence()
            || tombstones.largestSequence() > meta.largestSequence()) {
          problems.add(where + ": range tombstones outside the sequences the manifest records");
        }
        if (tombstones.largestSequence() > visible) {
          problems.add(
              where
                  + ": a range tombstone at sequence "
                  + tombstones.largestSequence()
                  + " is newer than the store's sequence "
                  + visible);
        }
      }
      // NB: the first and last keys are those of the entries and range tombstones together
      TableBounds bounds =
          TableBounds.of(first, prev, meta.smallestSequence(), meta.largestSequence(), tombstones);
      if (bounds.smallest() == null
          || !bounds.smallest().equals(meta.smallest())
          || !bounds.largest().equals(meta.largest())) {
        problems.add(
            where
                + ": keys and range tombstones run from "
                + bounds.smallest()
                + " to "
                + bounds.largest()
                + ", the manifest records "
                + meta.smallest()
                + " to "
                + meta.largest());
      }
    } catch (StorageException e) {
      problems.add(where + ": " + e.getMessage());
    } finally {
      t.close();
    }
  }
}
