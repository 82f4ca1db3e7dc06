package dev.cairn.engine.lsm;

/**
 * The first and last keys and the sequence range a table records ({@link FileMeta}): those of its
 * point entries and of its range tombstones together, so that a table's key range holds every key
 * its tombstones delete and the levels' invariants (tables of a level of at least 1 do not overlap;
 * a key's newer versions and the tombstones over it are never below its older ones) hold for range
 * tombstones as for point entries (RocksDB's choice; Pebble's too).
 *
 * <p>A tombstone's start is an internal key of kind {@link InternalKey#RANGE_DELETE}; its end is
 * exclusive, so the last key is then the end's <em>range sentinel</em> ({@link
 * InternalKey#rangeSentinel}), which orders before every entry of the end's store key: a table
 * whose last key is a sentinel does not hold that store key, and the next table of its level may
 * start there ({@link FileMeta#overlaps}).
 *
 * @param smallest the first key
 * @param largest the last key
 * @param smallestSequence the smallest sequence of an entry or tombstone
 * @param largestSequence the largest
 */
record TableBounds(
    InternalKey smallest, InternalKey largest, long smallestSequence, long largestSequence) {

  /**
   * The bounds of a table whose point entries run from {@code first} to {@code last} (null: none)
   * with sequences {@code smallestSeq} to {@code largestSeq}, and which holds {@code tombstones}.
   */
  static TableBounds of(
      InternalKey first,
      InternalKey last,
      long smallestSeq,
      long largestSeq,
      RangeTombstones tombstones) {
    InternalKey smallest = first;
    InternalKey largest = last;
    long lo = first == null ? Long.MAX_VALUE : smallestSeq;
    long hi = first == null ? 0 : largestSeq;
    if (!tombstones.isEmpty()) {
      InternalKey s = tombstones.smallestInternalKey();
      InternalKey l = tombstones.largestInternalKey();
      if (smallest == null || InternalKey.compare(s, smallest) < 0) {
        smallest = s;
      }
      if (largest == null || InternalKey.compare(l, largest) > 0) {
        largest = l;
      }
      lo = Math.min(lo, tombstones.smallestSequence());
      hi = Math.max(hi, tombstones.largestSequence());
    }
    return new TableBounds(smallest, largest, lo, hi);
  }
}
