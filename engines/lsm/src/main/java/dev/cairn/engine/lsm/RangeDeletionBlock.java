package dev.cairn.engine.lsm;

import dev.cairn.spi.CorruptionException;
import java.util.Arrays;

/**
 * A table's range-deletion block ({@code docs/formats/lsm-table.md}, format version 3 on): a block
 * of the usual layout ({@link BlockBuilder}) holding the table's {@link RangeTombstones}, one entry
 * per fragment and sequence in internal key order, keyed by the encoded internal key {@code (start,
 * sequence, RANGE_DELETE)}, its value the fragment's end (exclusive).
 *
 * <p>Thread-safe: static methods.
 */
final class RangeDeletionBlock {

  private static final int RESTART_INTERVAL = 16;

  private RangeDeletionBlock() {}

  /** The block's contents for {@code tombstones} (not empty). */
  static byte[] build(RangeTombstones tombstones) {
    BlockBuilder b = new BlockBuilder(RESTART_INTERVAL);
    for (RangeTombstones.Fragment f : tombstones.fragments()) {
      for (long s : f.sequences()) {
        b.add(
            InternalKey.encode(f.start(), InternalKey.trailer(s, InternalKey.RANGE_DELETE)),
            f.end());
      }
    }
    return b.finish();
  }

  /**
   * The tombstones a range-deletion block holds.
   *
   * @throws CorruptionException if an entry is not a range tombstone, is out of order, or deletes
   *     an empty range
   */
  static RangeTombstones read(Block block, String where) {
    RangeTombstones.Builder out = RangeTombstones.builder();
    Block.Cursor c = block.cursor();
    byte[] previous = null;
    for (c.seekToFirst(); c.valid(); c.next()) {
      byte[] key = c.key();
      if (key.length < InternalKey.TRAILER_SIZE) {
        throw new CorruptionException(where + ": a key of " + key.length + " bytes");
      }
      InternalKey k = InternalKey.decode(key);
      if (k.kind() != InternalKey.RANGE_DELETE
          || k.sequence() < 1
          || k.sequence() > InternalKey.MAX_SEQUENCE - 1) {
        throw new CorruptionException(where + ": " + k + " is not a range tombstone");
      }
      if (previous != null && InternalKey.compareEncoded(previous, key) >= 0) {
        throw new CorruptionException(where + ": " + k + " is out of order");
      }
      byte[] end = c.value();
      if (Arrays.compareUnsigned(k.userKey, end) >= 0) {
        throw new CorruptionException(
            where + ": the tombstone at " + k + " ends at or before its start");
      }
      out.add(k.userKey, end, k.sequence());
      previous = key;
    }
    return out.build();
  }
}
