package dev.cairn.engine.lsm;

import dev.cairn.spi.KeyRange;
import java.util.Arrays;

/**
 * A caller's {@link KeyRange} in one keyspace, as bounds on store keys ({@link StoreKeys}): both
 * ends always set, since a keyspace's keys lie between its prefix (inclusive) and the next prefix
 * (exclusive).
 *
 * @param keyspace the keyspace id
 * @param lower the lower bound, a store key
 * @param lowerInclusive whether {@code lower} itself is in the range
 * @param upper the upper bound, a store key
 * @param upperInclusive whether {@code upper} itself is in the range
 */
record StoreRange(
    int keyspace, byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive) {

  static StoreRange of(int keyspace, KeyRange range) {
    byte[] lower;
    boolean lowerInclusive;
    if (range.lower() == null) {
      lower = StoreKeys.prefix(keyspace);
      lowerInclusive = true;
    } else {
      lower = StoreKeys.of(keyspace, range.lower().key());
      lowerInclusive = range.lower().inclusive();
    }
    byte[] upper;
    boolean upperInclusive;
    if (range.upper() == null) {
      upper = StoreKeys.prefix(keyspace);
      upper[upper.length - 1]++; // NB: the last byte of a varint is below 0x80: no carry
      upperInclusive = false;
    } else {
      upper = StoreKeys.of(keyspace, range.upper().key());
      upperInclusive = range.upper().inclusive();
    }
    return new StoreRange(keyspace, lower, lowerInclusive, upper, upperInclusive);
  }

  /** Whether {@code storeKey} is not below the lower bound. */
  boolean aboveLower(byte[] storeKey) {
    int c = Arrays.compareUnsigned(storeKey, lower);
    return lowerInclusive ? c >= 0 : c > 0;
  }

  /** Whether {@code storeKey} is not beyond the upper bound. */
  boolean belowUpper(byte[] storeKey) {
    int c = Arrays.compareUnsigned(storeKey, upper);
    return upperInclusive ? c <= 0 : c < 0;
  }

  /** The first internal key a forward reader starting at the lower bound looks at. */
  InternalKey forwardStart() {
    return lowerInclusive
        ? InternalKey.seekTarget(lower, InternalKey.MAX_SEQUENCE)
        : InternalKey.lastOf(lower);
  }

  /** The internal key a backward reader starting at the upper bound seeks to (at or before). */
  InternalKey reverseStart() {
    return upperInclusive
        ? InternalKey.lastOf(upper)
        : InternalKey.seekTarget(upper, InternalKey.MAX_SEQUENCE);
  }
}
