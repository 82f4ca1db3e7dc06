package dev.cairn.engine.memory;

/**
 * One version of a key's value, and the link to the next older one: a key's versions form an
 * immutable list, newest first, with strictly decreasing sequence numbers.
 *
 * <p>Immutable, so a reader that fetched a list keeps a consistent copy while writers replace it.
 *
 * @param seq the sequence number of the write that made it
 * @param value the value, owned by the store and never modified; null for a deletion
 * @param older the next older version, or null
 */
record Version(long seq, byte[] value, Version older) {

  /** True for a deletion marker. */
  boolean isTombstone() {
    return value == null;
  }

  /**
   * The version a reader at {@code readSeq} sees in the list starting at {@code newest}: the newest
   * one not newer than {@code readSeq}, or null when every version is newer (or the list is empty).
   * May be a tombstone.
   */
  static Version visible(Version newest, long readSeq) {
    Version v = newest;
    while (v != null && v.seq > readSeq) {
      v = v.older;
    }
    return v;
  }

  /** The number of versions in the list starting here. */
  int length() {
    int n = 0;
    for (Version v = this; v != null; v = v.older) {
      n++;
    }
    return n;
  }
}
