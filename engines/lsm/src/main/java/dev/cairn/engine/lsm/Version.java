package dev.cairn.engine.lsm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tables of the tree at one moment, by level (LevelDB's {@code version_set.h}): level 0 holds
 * flushed memtables, newest first, which may overlap; every deeper level holds tables sorted by key
 * that do not overlap, each level about {@code multiplier} times larger than the one above.
 *
 * <p>Immutable, and reference-counted: the {@link VersionSet} holds one reference while the version
 * is current, and each reader pins the version it reads (through its {@link ReadState}). When the
 * last reference goes, the version releases its tables, so a table compacted away is deleted only
 * once no reader can still reach it.
 *
 * <p>Thread-safe.
 */
final class Version {

  static final int LEVELS = 7;

  private final List<List<TableFile>> levels;
  private final AtomicInteger refs = new AtomicInteger(1);

  /**
   * A version of these levels, holding a reference on each table; the creator holds the version's
   * first reference.
   */
  Version(List<List<TableFile>> levels) {
    List<List<TableFile>> copy = new ArrayList<>(LEVELS);
    for (int i = 0; i < LEVELS; i++) {
      List<TableFile> l = i < levels.size() ? levels.get(i) : List.of();
      copy.add(Collections.unmodifiableList(new ArrayList<>(l)));
      for (TableFile f : l) {
        f.acquire();
      }
    }
    this.levels = Collections.unmodifiableList(copy);
  }

  static Version empty() {
    return new Version(List.of());
  }

  /** Level {@code level}'s tables: level 0 newest first, the others in key order. */
  List<TableFile> level(int level) {
    return levels.get(level);
  }

  List<List<TableFile>> levels() {
    return levels;
  }

  /** Every table of every level. */
  List<TableFile> all() {
    List<TableFile> all = new ArrayList<>();
    levels.forEach(all::addAll);
    return all;
  }

  long levelBytes(int level) {
    long n = 0;
    for (TableFile f : levels.get(level)) {
      n += f.meta().size();
    }
    return n;
  }

  /** Pins the version if it is still alive; false once its last reference went. */
  boolean tryAcquire() {
    for (int r = refs.get(); r > 0; r = refs.get()) {
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
    return false;
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      for (List<TableFile> l : levels) {
        for (TableFile f : l) {
          f.release();
        }
      }
    }
  }

  /**
   * The tables of level {@code level} (at least 1) that hold store keys in {@code [from, to]}
   * (null: unbounded), in key order.
   */
  List<TableFile> overlapping(int level, byte[] from, byte[] to) {
    List<TableFile> out = new ArrayList<>();
    for (TableFile f : levels.get(level)) {
      if (f.meta().overlaps(from, to)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * In a level of at least 1, the index of the first table whose last key is at or after {@code
   * target}, or the level's size if none.
   */
  static int findFile(List<TableFile> files, InternalKey target) {
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (InternalKey.compare(files.get(mid).meta().largest(), target) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Whether no level deeper than {@code level} may hold {@code storeKey}: the key's oldest versions
   * are at {@code level}, so a tombstone written there hides nothing below.
   */
  boolean isBottommostFor(int level, byte[] storeKey) {
    for (int l = level + 1; l < LEVELS; l++) {
      for (TableFile f : levels.get(l)) {
        if (f.meta().covers(storeKey)) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Version[");
    for (int i = 0; i < LEVELS; i++) {
      if (!levels.get(i).isEmpty()) {
        sb.append(" L").append(i).append("=").append(levels.get(i).size());
      }
    }
    return sb.append(" ]").toString();
  }

  /** For checks: whether level {@code level}'s tables are sorted and do not overlap. */
  String orderProblem(int level) {
    List<TableFile> l = levels.get(level);
    for (int i = 1; i < l.size(); i++) {
      FileMeta a = l.get(i - 1).meta();
      FileMeta b = l.get(i).meta();
      int c = Arrays.compareUnsigned(a.largest().userKey, b.smallest().userKey);
      if (c > 0 || (c == 0 && !a.largest().isRangeSentinel())) {
        return "level " + level + ": " + a + " overlaps or orders after " + b;
      }
    }
    return null;
  }
}
