package dev.cairn.engine.lsm;

/**
 * One operation of a write, on a store key ({@link StoreKeys}): a put or a tombstone.
 *
 * @param kind {@link InternalKey#PUT} or {@link InternalKey#DELETE}
 * @param key the store key, owned by the engine
 * @param value the value of a put, owned by the engine; null for a delete
 */
record Mutation(int kind, byte[] key, byte[] value) {

  static Mutation put(byte[] key, byte[] value) {
    return new Mutation(InternalKey.PUT, key, value);
  }

  static Mutation delete(byte[] key) {
    return new Mutation(InternalKey.DELETE, key, null);
  }
}
