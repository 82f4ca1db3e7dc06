package dev.cairn.spi;

import java.nio.file.Path;

/**
 * An open store: the handle through which data is read and written.
 *
 * <p>Thread-safe: any number of threads may call any method at once; each write is atomic and
 * writes are totally ordered. <b>Must be closed</b>; closing releases every file, thread and byte
 * of memory the engine holds, and closes the cursors and snapshots still open. After close, every
 * method but {@link #close()} throws {@link ClosedHandleException}.
 *
 * <p><b>Durability.</b> A write returns once acknowledged at its {@link Durability}; see there for
 * the crash guarantees. After an fsync fails the engine fail-stops: every later write throws {@link
 * EngineFailedException} until the store is reopened.
 *
 * <p><b>Read-only.</b> In a store opened read-only, every write, {@link #flush()} excepted, throws
 * {@link ReadOnlyStoreException}.
 *
 * <p>Every method may also throw {@link StorageIOException} when the file system fails, and {@link
 * CorruptionException} when what it reads fails a checksum.
 */
public interface StorageEngine extends ReadView, AutoCloseable {

  /** The durability of writes that do not name one, as opened. */
  Durability defaultDurability();

  /**
   * Stores {@code value} under {@code key}, replacing any value.
   *
   * @throws InvalidArgumentException if an argument is null or exceeds {@link Limits}
   * @throws ReadOnlyStoreException in a read-only store
   * @throws EngineFailedException after the engine fail-stopped
   * @throws ClosedHandleException after close
   */
  void put(byte[] key, byte[] value, Durability durability);

  /** {@link #put(byte[], byte[], Durability)} at the {@linkplain #defaultDurability() default}. */
  default void put(byte[] key, byte[] value) {
    put(key, value, defaultDurability());
  }

  /**
   * Removes {@code key}; removing an absent key is not an error.
   *
   * @throws InvalidArgumentException if an argument is null or the key exceeds {@link Limits}
   * @throws ReadOnlyStoreException in a read-only store
   * @throws EngineFailedException after the engine fail-stopped
   * @throws ClosedHandleException after close
   */
  void delete(byte[] key, Durability durability);

  /** {@link #delete(byte[], Durability)} at the {@linkplain #defaultDurability() default}. */
  default void delete(byte[] key) {
    delete(key, defaultDurability());
  }

  /**
   * Applies every operation of {@code batch} in order, as one write. With {@link
   * Capability#ATOMIC_BATCHES} the batch is all-or-nothing, also across a crash, and no reader sees
   * part of it; without it the engine throws {@link UnsupportedCapabilityException}. An empty batch
   * is a no-op (a {@code SYNC} one still syncs).
   *
   * <p>A batch that names a keyspace other than {@link Keyspace#DEFAULT} needs {@link
   * Capability#KEYSPACES}; one with {@linkplain WriteBatch#preconditions() preconditions} needs
   * {@link Capability#CONDITIONAL_WRITES} and throws {@link ConflictException}, having applied
   * nothing, when one fails; one with a {@link WriteBatch.DeleteRange} needs {@link
   * Capability#RANGE_DELETES}. Without the capability, {@link UnsupportedCapabilityException}.
   *
   * @throws InvalidArgumentException if an argument is null, or the batch names a keyspace that
   *     does not exist
   * @throws ConflictException if a precondition failed
   * @throws BusyException if the engine could not apply the batch now (nothing applied)
   * @throws ReadOnlyStoreException in a read-only store
   * @throws EngineFailedException after the engine fail-stopped
   * @throws ClosedHandleException after close
   */
  void write(WriteBatch batch, Durability durability);

  /** {@link #write(WriteBatch, Durability)} at the {@linkplain #defaultDurability() default}. */
  default void write(WriteBatch batch) {
    write(batch, defaultDurability());
  }

  /**
   * Deletes every key of {@code range}, atomically: a reader sees all of them or none deleted, and
   * a snapshot taken before sees them all. The default writes a batch of one {@link
   * WriteBatch.DeleteRange}.
   *
   * @throws InvalidArgumentException if an argument is null
   * @throws UnsupportedCapabilityException without {@link Capability#RANGE_DELETES}
   * @throws ReadOnlyStoreException in a read-only store
   * @throws EngineFailedException after the engine fail-stopped
   * @throws ClosedHandleException after close
   * @since 1.1
   */
  default void deleteRange(KeyRange range, Durability durability) {
    write(new WriteBatch().deleteRange(range), durability);
  }

  /**
   * Stores {@code value} under {@code key} if the key is absent, atomically.
   *
   * @return true if stored, false if the key was present (nothing changed)
   * @throws UnsupportedCapabilityException without {@link Capability#CONDITIONAL_WRITES}
   * @since 1.1
   */
  default boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    return Conditional.applied(
        this, new WriteBatch().requireAbsent(key).put(key, value), durability);
  }

  /**
   * {@link #putIfAbsent(byte[], byte[], Durability)} at the default durability.
   *
   * @since 1.1
   */
  default boolean putIfAbsent(byte[] key, byte[] value) {
    return putIfAbsent(key, value, defaultDurability());
  }

  /**
   * Replaces the value of {@code key} with {@code value} if it is {@code expected}, atomically.
   *
   * @return true if replaced, false otherwise (nothing changed)
   * @throws UnsupportedCapabilityException without {@link Capability#CONDITIONAL_WRITES}
   * @since 1.1
   */
  default boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
    return Conditional.applied(
        this, new WriteBatch().requireValue(key, expected).put(key, value), durability);
  }

  /**
   * {@link #replace(byte[], byte[], byte[], Durability)} at the default durability.
   *
   * @since 1.1
   */
  default boolean replace(byte[] key, byte[] expected, byte[] value) {
    return replace(key, expected, value, defaultDurability());
  }

  /**
   * Deletes {@code key} if its value is {@code expected}, atomically.
   *
   * @return true if deleted, false otherwise (nothing changed)
   * @throws UnsupportedCapabilityException without {@link Capability#CONDITIONAL_WRITES}
   * @since 1.1
   */
  default boolean deleteIfEquals(byte[] key, byte[] expected, Durability durability) {
    return Conditional.applied(
        this, new WriteBatch().requireValue(key, expected).delete(key), durability);
  }

  /**
   * {@link #deleteIfEquals(byte[], byte[], Durability)} at the default durability.
   *
   * @since 1.1
   */
  default boolean deleteIfEquals(byte[] key, byte[] expected) {
    return deleteIfEquals(key, expected, defaultDurability());
  }

  /**
   * The names of the store's keyspaces, sorted; always includes {@link Keyspace#DEFAULT}.
   *
   * @throws ClosedHandleException after close
   * @since 1.1
   */
  default java.util.List<String> keyspaces() {
    return java.util.List.of(Keyspace.DEFAULT);
  }

  /**
   * A handle on the existing keyspace {@code name}.
   *
   * @throws InvalidArgumentException if the name is invalid or no such keyspace exists
   * @throws UnsupportedCapabilityException without {@link Capability#KEYSPACES}, for any name
   * @throws ClosedHandleException after close
   * @since 1.1
   */
  default Keyspace keyspace(String name) {
    Keyspace.checkName(name);
    throw new UnsupportedCapabilityException(
        "this engine has no keyspaces (capability KEYSPACES); the store handle is its one keyspace");
  }

  /**
   * Creates the keyspace {@code name}, durably (it survives a crash once this returns), and returns
   * a handle on it.
   *
   * @throws InvalidArgumentException if the name is invalid or the keyspace exists
   * @throws UnsupportedCapabilityException without {@link Capability#KEYSPACES}
   * @throws ReadOnlyStoreException in a read-only store
   * @throws EngineFailedException after the engine fail-stopped
   * @throws ClosedHandleException after close
   * @since 1.1
   */
  default Keyspace createKeyspace(String name) {
    Keyspace.checkName(name);
    throw new UnsupportedCapabilityException(
        "this engine has no keyspaces (capability KEYSPACES): cannot create '" + name + "'");
  }

  /**
   * Drops the keyspace {@code name} and every key in it, durably and atomically: after a crash it
   * is either whole or gone. Snapshots taken before still see it; handles on it become invalid.
   *
   * @throws InvalidArgumentException if the name is invalid, {@link Keyspace#DEFAULT} or no such
   *     keyspace exists
   * @throws UnsupportedCapabilityException without {@link Capability#KEYSPACES}
   * @throws ReadOnlyStoreException in a read-only store
   * @throws EngineFailedException after the engine fail-stopped
   * @throws ClosedHandleException after close
   * @since 1.1
   */
  default void dropKeyspace(String name) {
    Keyspace.checkName(name);
    throw new UnsupportedCapabilityException(
        "this engine has no keyspaces (capability KEYSPACES): cannot drop '" + name + "'");
  }

  /**
   * What the store knows about its health: fail-stopped or not, and the background errors it has
   * seen. Cheap: a caller may poll it.
   *
   * @throws ClosedHandleException after close
   * @since 1.1
   */
  default Health health() {
    return Health.unknown();
  }

  /**
   * Takes a snapshot of the current state. The snapshot must be closed.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#SNAPSHOTS}
   * @throws ClosedHandleException after close
   */
  Snapshot snapshot();

  /**
   * Makes every write acknowledged so far durable, as if it had been written {@link
   * Durability#SYNC}. In a read-only store or an in-memory engine it does nothing.
   *
   * @throws EngineFailedException if the sync fails (the engine then fail-stops)
   * @throws ClosedHandleException after close
   */
  void flush();

  /**
   * Writes a consistent copy of the store into {@code target}, which must not exist yet (its parent
   * must). The copy opens with the same engine and holds every write acknowledged before the call
   * began. Engines may hard-link immutable files.
   *
   * @throws InvalidArgumentException if {@code target} is null or exists
   * @throws UnsupportedCapabilityException without {@link Capability#CHECKPOINTS}
   * @throws ClosedHandleException after close
   */
  void checkpoint(Path target);

  /**
   * Reclaims space now: gives the store's free space back to the file system, so that its files
   * shrink. What it reclaims is the engine's to say (the free pages of a page file, the obsolete
   * versions an LSM tree's compaction drops); an engine that has no such work keeps this default.
   *
   * <p>It guarantees that:
   *
   * <ul>
   *   <li>the store's contents are unchanged: every key, value and keyspace reads as before;
   *   <li>snapshots and cursors open across the call still see the state they saw; space they still
   *       need is given back once they close, or by a later call, as the engine documents;
   *   <li>what it changed is durable before it returns, and every write acknowledged before it is
   *       as durable as it was;
   *   <li>a crash at any point leaves a store that opens at a whole state with nothing acknowledged
   *       lost.
   * </ul>
   *
   * <p>It blocks until done and may take time proportional to the store's size. Whether writes and
   * reads go on meanwhile, or wait, the engine documents. The default does nothing and returns 0.
   *
   * @return the bytes by which the store's files shrank (0 when there was nothing to reclaim, or
   *     when the files did not shrink)
   * @throws ReadOnlyStoreException if the store was opened read-only
   * @throws EngineFailedException if a write or sync fails (the engine then fail-stops)
   * @throws ClosedHandleException after close
   * @since 1.2
   */
  default long compact() {
    return 0;
  }

  /**
   * Current figures on the store's size and the engine's work.
   *
   * @throws ClosedHandleException after close
   */
  EngineStatistics statistics();

  /**
   * Checks the store's invariants (every record or page reachable once, checksums valid, keys
   * ordered, indexes agreeing with data) and reports what is wrong. Reads the store's durable state
   * as of the call; concurrent writes may run but are not necessarily covered. May take time
   * proportional to the store's size.
   *
   * @throws ClosedHandleException after close
   */
  ConsistencyReport checkConsistency();

  /**
   * Closes the store: waits for background work to stop, makes {@code BUFFERED} writes reach the
   * OS, closes every open cursor and snapshot, and releases the directory lock. Idempotent.
   *
   * @throws StorageIOException if final writes fail (the store is closed all the same)
   */
  @Override
  void close();
}
