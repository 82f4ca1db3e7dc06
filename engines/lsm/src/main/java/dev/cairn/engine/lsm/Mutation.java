package dev.cairn.engine.lsm;

/**
 * One operation of a write, on store keys ({@link StoreKeys}): a put, a tombstone, or a range
 * delete, which deletes the store keys {@code [key, value)} ({@link RangeTombstones}).
 *
 * @param kind {@link InternalKey#PUT}, {@link InternalKey#DELETE} or {@link #RANGE_DELETE}
 * @param key the store key, or a range delete's first key; owned by the engine
 * @param value the value of a put, or the key after a range delete's last (exclusive); owned by the
 *     engine; null for a tombstone
 */
record Mutation(int kind, byte[] key, byte[] value) {

  /** The kind of a range delete. */
  static final int RANGE_DELETE = InternalKey.RANGE_DELETE;

  static Mutation put(byte[] key, byte[] value) {
    return new Mutation(InternalKey.PUT, key, value);
  }

  static Mutation delete(byte[] key) {
    return new Mutation(InternalKey.DELETE, key, null);
  }

  /** A delete of the store keys from {@code start} (inclusive) to {@code end} (exclusive). */
  static Mutation deleteRange(byte[] start, byte[] end) {
    return new Mutation(RANGE_DELETE, start, end);
  }

  /**
   * A delete of the keys of {@code range}, as store keys {@code [start, end)}: an exclusive lower
   * bound {@code k} starts at {@code k + 0x00}, the first key after it; an inclusive upper bound
   * {@code k} ends at {@code k + 0x00}. Null when the range holds no key.
   */
  static Mutation deleteRange(StoreRange range) {
    byte[] start = range.lowerInclusive() ? range.lower() : successor(range.lower());
    byte[] end = range.upperInclusive() ? successor(range.upper()) : range.upper();
    if (java.util.Arrays.compareUnsigned(start, end) >= 0) {
      return null;
    }
    return deleteRange(start, end);
  }

  /** The first key after {@code key}: {@code key} followed by a zero byte. */
  static byte[] successor(byte[] key) {
    return java.util.Arrays.copyOf(key, key.length + 1);
  }
}
