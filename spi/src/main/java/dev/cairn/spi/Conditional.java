package dev.cairn.spi;

/** The conditional-write conveniences of the store and keyspace handles, in terms of a batch. */
final class Conditional {

  private Conditional() {}

  /** Writes {@code batch}; false when one of its preconditions failed (nothing was applied). */
  static boolean applied(StorageEngine store, WriteBatch batch, Durability durability) {
    try {
      store.write(batch, durability);
      return true;
    } catch (ConflictException e) {
      return false;
    }
  }
}
