package dev.cairn.engine.rocksdb;

import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import java.util.Arrays;

/**
 * A {@link KeyRange} as RocksDB takes a range ({@code DeleteRange}, {@code GetApproximateSizes}): a
 * begin key, included, and an end key, excluded.
 *
 * <p>The bounds map exactly, under unsigned lexicographic order:
 *
 * <ul>
 *   <li>inclusive lower {@code k}: begin {@code k}; exclusive lower {@code k}: begin {@code k +
 *       0x00}, the smallest key after {@code k}; no lower bound: begin the empty key, the smallest
 *       key of all;
 *   <li>exclusive upper {@code k}: end {@code k}; inclusive upper {@code k}: end {@code k + 0x00}
 *       (every key below it is at most {@code k}); no upper bound: end {@link #BEYOND_EVERY_KEY},
 *       65,536 bytes of {@code 0xFF}, greater than every key the engine accepts (at most {@link
 *       Limits#MAX_KEY_SIZE} bytes: such a key is at most 65,535 bytes of {@code 0xFF}, a proper
 *       prefix of it).
 * </ul>
 *
 * <p>NB: an unbounded range delete therefore stores a 64 KiB end key in its tombstone (in the WAL,
 * the memtable and a table file until compaction drops it). Deriving a shorter end from the largest
 * key present would race with concurrent writes of larger keys.
 *
 * @param begin the first key of the range (owned; never modified)
 * @param end the key after the range (owned; never modified, and possibly shared)
 */
record RangeBounds(byte[] begin, byte[] end) {

  /** Greater than every key of at most {@link Limits#MAX_KEY_SIZE} bytes. Never modified. */
  private static final byte[] BEYOND_EVERY_KEY = filled(Limits.MAX_KEY_SIZE + 1);

  private static byte[] filled(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 0xFF);
    return b;
  }

  /** The bounds of {@code range}, or null when it holds no key at all. */
  static RangeBounds of(KeyRange range) {
    KeyRange.Bound lower = range.lower();
    KeyRange.Bound upper = range.upper();
    byte[] begin =
        lower == null ? new byte[0] : lower.inclusive() ? lower.key() : successor(lower.key());
    byte[] end =
        upper == null ? BEYOND_EVERY_KEY : upper.inclusive() ? successor(upper.key()) : upper.key();
    return Arrays.compareUnsigned(begin, end) < 0 ? new RangeBounds(begin, end) : null;
  }

  /** The smallest key after {@code key}: {@code key + 0x00}. */
  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  /** True when the end is the one past every key (no upper bound); for tests. */
  boolean unboundedAbove() {
    return end == BEYOND_EVERY_KEY;
  }
}
