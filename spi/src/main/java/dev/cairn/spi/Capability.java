package dev.cairn.spi;

/**
 * An optional part of the contract that an engine declares it supports.
 *
 * <p>A declared capability is a promise the conformance suite verifies; an undeclared one makes the
 * matching operations throw {@link UnsupportedCapabilityException}, and the suite skips the tests
 * that need it, reporting why.
 */
public enum Capability {
  /**
   * Data survives closing and reopening the store, and the crash guarantees of {@link Durability}
   * hold. An engine without it keeps data only while open.
   */
  DURABLE,
  /**
   * Cursors visit keys in unsigned lexicographic order, honour {@link KeyRange} bounds, run in both
   * {@link Direction directions} and support {@link Cursor#seek(byte[])}. Without it, only a
   * forward cursor over {@link KeyRange#all()} is available, in an unspecified order.
   */
  ORDERED_SCANS,
  /** {@link StorageEngine#snapshot()} returns a consistent point-in-time view. */
  SNAPSHOTS,
  /**
   * {@link StorageEngine#write(WriteBatch, Durability)} applies all of a batch or none of it, also
   * across a crash, and readers never observe part of a batch.
   */
  ATOMIC_BATCHES,
  /** {@link StorageEngine#checkpoint(java.nio.file.Path)} writes a consistent openable copy. */
  CHECKPOINTS,
  /**
   * The engine performs all file I/O through the {@link java.nio.file.Path} it is given and so
   * works on any NIO file system, including the conformance suite's fault-injecting one. An engine
   * that does its own native I/O (an adapter over a C++ library, say) does not declare it and
   * refuses a directory on a non-default file system.
   */
  ANY_FILE_SYSTEM,
  /**
   * Named, independent key spaces inside one store: {@link StorageEngine#createKeyspace(String)},
   * {@link StorageEngine#dropKeyspace(String)}, {@link StorageEngine#keyspaces()}, {@link
   * StorageEngine#keyspace(String)}; a {@link WriteBatch} may span them and stays atomic; a {@link
   * Snapshot} covers all of them. Without it a store has exactly one keyspace, {@link
   * Keyspace#DEFAULT}.
   *
   * @since 1.1
   */
  KEYSPACES,
  /**
   * A {@link WriteBatch} may carry {@linkplain WriteBatch#preconditions() preconditions}, checked
   * and applied atomically with the batch; a failed one changes nothing and throws {@link
   * ConflictException}. Needs {@link #ATOMIC_BATCHES}.
   *
   * @since 1.1
   */
  CONDITIONAL_WRITES,
  /**
   * {@link WriteBatch#deleteRange(KeyRange)} and {@link StorageEngine#deleteRange(KeyRange,
   * Durability)}: every key of a range deleted in one atomic write, seen by a snapshot only if
   * taken after it. Needs {@link #ORDERED_SCANS} and {@link #ATOMIC_BATCHES}.
   *
   * @since 1.1
   */
  RANGE_DELETES
}
