package dev.cairn.engine.lsm;

/**
 * One operation of a write, on a store key ({@link StoreKeys}): a put, a tombstone, or a range
 * delete, which the writer expands into the tombstones of the keys it finds ({@link CommitQueue})
 * and which never reaches the log itself.
 *
 * @param kind {@link InternalKey#PUT}, {@link InternalKey#DELETE} or {@link #RANGE_DELETE}
 * @param key the store key, owned by the engine; null for a range delete
 * @param value the value of a put, owned by the engine; null otherwise
 * @param range the keys of a range delete; null otherwise
 */
record Mutation(int kind, byte[] key, byte[] value, StoreRange range) {

  /** The kind of a range delete: never stored, expanded before the log. */
  static final int RANGE_DELETE = 2;

  static Mutation put(byte[] key, byte[] value) {
    return new Mutation(InternalKey.PUT, key, value, null);
  }

  static Mutation delete(byte[] key) {
    return new Mutation(InternalKey.DELETE, key, null, null);
  }

  static Mutation deleteRange(StoreRange range) {
    return new Mutation(RANGE_DELETE, null, null, range);
  }
}
