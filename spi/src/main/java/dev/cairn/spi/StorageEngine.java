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
   * @throws InvalidArgumentException if an argument is null
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
