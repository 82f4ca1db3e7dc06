package dev.cairn.engine.lsm;

import java.util.Arrays;

/**
 * What the manifest records of a table: its number and size, its first and last internal keys, the
 * range of sequence numbers and the number of entries it holds. Immutable.
 *
 * @param number the table's file number
 * @param size its size in bytes
 * @param smallest its first internal key: of a point entry, or the start of a range tombstone
 * @param largest its last internal key: of a point entry, or the range sentinel of a range
 *     tombstone's end ({@link TableBounds})
 * @param smallestSequence the smallest sequence number of its entries
 * @param largestSequence the largest
 * @param entries how many entries it holds (range tombstones not counted)
 * @param rangeTombstones how many range tombstones it holds (fragments times sequences), so that
 *     readers and compaction know without opening it
 */
record FileMeta(
    long number,
    long size,
    InternalKey smallest,
    InternalKey largest,
    long smallestSequence,
    long largestSequence,
    long entries,
    long rangeTombstones) {

  /** A table without range tombstones. */
  FileMeta(
      long number,
      long size,
      InternalKey smallest,
      InternalKey largest,
      long smallestSequence,
      long largestSequence,
      long entries) {
    this(number, size, smallest, largest, smallestSequence, largestSequence, entries, 0);
  }

  /**
   * Whether the table may hold store keys in {@code [from, to]} (null: unbounded). A last key that
   * is a range sentinel ({@link TableBounds}) is exclusive: the table does not hold its store key.
   */
  boolean overlaps(byte[] from, byte[] to) {
    if (to != null && Arrays.compareUnsigned(smallest.userKey, to) > 0) {
      return false;
    }
    if (from == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(largest.userKey, from);
    return c > 0 || (c == 0 && !largest.isRangeSentinel());
  }

  /** Whether the table's store keys may include {@code storeKey}. */
  boolean covers(byte[] storeKey) {
    return overlaps(storeKey, storeKey);
  }

  @Override
  public String toString() {
    return FileNames.table(number) + "[" + smallest + " .. " + largest + ", " + size + " bytes]";
  }
}
