package dev.cairn.engine.lsm;

/**
 * A position in a sorted run of internal keys: a memtable, a table, a level, or several merged.
 * Positioned by a seek, then moved one way (readers never change direction: a cursor's direction is
 * fixed when it opens).
 *
 * <p>Not thread-safe.
 */
interface InternalIterator {

  /** Whether the iterator is on an entry. */
  boolean valid();

  /** Moves to the first entry. */
  void seekToFirst();

  /** Moves to the last entry. */
  void seekToLast();

  /** Moves to the first entry at or after {@code target}. */
  void seek(InternalKey target);

  /** Moves to the last entry at or before {@code target}. */
  void seekForPrev(InternalKey target);

  /** Moves to the following entry; valid only while {@link #valid()}. */
  void next();

  /** Moves to the preceding entry; valid only while {@link #valid()}. */
  void prev();

  /** The current entry's key; not to be modified. */
  InternalKey key();

  /** The current entry's value (empty for a tombstone); not to be modified. */
  byte[] value();
}
