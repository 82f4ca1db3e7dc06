package dev.cairn.engine.lsm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses the next compaction (LevelDB's {@code PickCompaction}, RocksDB's {@code
 * compaction_picker_level.cc}, without the refinements yet):
 *
 * <ol>
 *   <li>level 0 first, once it holds {@code level0.compaction.trigger} tables: all of them, with
 *       the level-1 tables they overlap (level-0 tables overlap each other, so all go together, and
 *       what stays in level 0 is newer than what leaves);
 *   <li>else the level of at least 1 furthest over its target size (level 1: {@link
 *       LsmEngineProvider.Settings#level1Size()}, each deeper level {@code level.size.multiplier}
 *       times the one above), if any is over: one of its tables, taken round-robin through the key
 *       space, with the next level's tables it overlaps. A table that overlaps nothing below moves
 *       down without being rewritten (a trivial move).
 * </ol>
 *
 * <p>Thread-safe: the compaction thread picks and records; statistics ask what is due.
 */
final class CompactionPicker {

  /**
   * A compaction: tables of {@code level} and the tables of the next level they overlap.
   *
   * @param level the input level
   * @param inputs the tables of that level
   * @param overlaps the tables of {@code level + 1} they overlap, in key order
   * @param rewrite whether the inputs are rewritten even if nothing below overlaps them: to drop
   *     range tombstones no reader needs any more
   */
  record Compaction(int level, List<TableFile> inputs, List<TableFile> overlaps, boolean rewrite) {
    Compaction(int level, List<TableFile> inputs, List<TableFile> overlaps) {
      this(level, inputs, overlaps, false);
    }

    boolean isTrivialMove() {
      return !rewrite && level > 0 && inputs.size() == 1 && overlaps.isEmpty();
    }
  }

  private final LsmEngineProvider.Settings settings;
  private final byte[][] pointers = new byte[Version.LEVELS][];

  CompactionPicker(LsmEngineProvider.Settings settings) {
    this.settings = settings;
  }

  /** The target size of level {@code level} (at least 1). */
  long target(int level) {
    long t = settings.level1Size();
    for (int l = 1; l < level; l++) {
      t =
          t > Long.MAX_VALUE / settings.levelMultiplier()
              ? Long.MAX_VALUE
              : t * settings.levelMultiplier();
    }
    return t;
  }

  /** Records that {@code c} ran: the next compaction of its level starts after its key range. */
  synchronized void ran(Compaction c) {
    if (c.level() > 0) {
      pointers[c.level()] = c.inputs().getLast().meta().largest().userKey;
    }
  }

  /** The next compaction, or null when none is due. */
  synchronized Compaction pick(Version v) {
    List<TableFile> l0 = v.level(0);
    if (l0.size() >= settings.l0Trigger()) {
      byte[] from = null;
      byte[] to = null;
      for (TableFile f : l0) {
        if (from == null || Arrays.compareUnsigned(f.meta().smallest().userKey, from) < 0) {
          from = f.meta().smallest().userKey;
        }
        if (to == null || Arrays.compareUnsigned(f.meta().largest().userKey, to) > 0) {
          to = f.meta().largest().userKey;
        }
      }
      return new Compaction(0, l0, v.overlapping(1, from, to));
    }
    int best = -1;
    double bestScore = 1;
    for (int level = 1; level < Version.LEVELS - 1; level++) {
      double score = (double) v.levelBytes(level) / target(level);
      if (score >= bestScore) {
        best = level;
        bestScore = score;
      }
    }
    if (best < 0) {
      return null;
    }
    List<TableFile> files = v.level(best);
    TableFile chosen = files.getFirst();
    byte[] after = pointers[best];
    if (after != null) {
      for (TableFile f : files) {
        if (Arrays.compareUnsigned(f.meta().smallest().userKey, after) > 0) {
          chosen = f;
          break;
        }
      }
    }
    List<TableFile> inputs = new ArrayList<>(List.of(chosen));
    return new Compaction(
        best,
        inputs,
        v.overlapping(best + 1, chosen.meta().smallest().userKey, chosen.meta().largest().userKey));
  }

  /**
   * The next compaction, or null when none is due: {@link #pick(Version)}, else, when {@code
   * smallestSnapshot} is not negative, a table holding range tombstones that every reader sees and
   * below which nothing overlaps (RocksDB's bottommost files marked for compaction): rewritten one
   * level down, it loses them and the entries they delete. Without this, a tombstone that reached
   * the bottom while a snapshot needed it would stay until its level next grew too large.
   *
   * @param smallestSnapshot the oldest sequence a reader may read at, or -1
   */
  synchronized Compaction pick(Version v, long smallestSnapshot) {
    Compaction c = pick(v);
    if (c != null || smallestSnapshot < 0) {
      return c;
    }
    for (int level = 1; level < Version.LEVELS - 1; level++) {
      for (TableFile f : v.level(level)) {
        if (f.meta().rangeTombstones() == 0) {
          continue;
        }
        RangeTombstones t = f.table().rangeTombstones();
        if (!t.isEmpty()
            && t.largestSequence() <= smallestSnapshot
            && nothingBelow(v, level, f.meta())) {
          return new Compaction(level, List.of(f), List.of(), true);
        }
      }
    }
    return null;
  }

  private static boolean nothingBelow(Version v, int level, FileMeta m) {
    for (int l = level + 1; l < Version.LEVELS; l++) {
      if (!v.overlapping(l, m.smallest().userKey, m.largest().userKey).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Bytes over the levels' targets, and level 0 when it is due: what compaction has to do. */
  synchronized long pendingBytes(Version v) {
    long n = 0;
    if (v.level(0).size() >= settings.l0Trigger()) {
      n += v.levelBytes(0);
    }
    for (int level = 1; level < Version.LEVELS - 1; level++) {
      n += Math.max(0, v.levelBytes(level) - target(level));
    }
    return n;
  }
}
