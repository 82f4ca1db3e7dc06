package dev.cairn.spi;

/**
 * A consistent, read-only, point-in-time view of a store: it sees every write acknowledged before
 * it was taken and none after.
 *
 * <p>Thread-safe. <b>Must be closed</b>: an open snapshot pins the data it sees (old versions,
 * pages, files), so forgetting one grows the store. Closing the store closes its snapshots; the
 * runtime reports a snapshot that became unreachable without being closed, with where it was taken.
 * Closing twice is harmless. Cursors opened on a snapshot stay valid until they or the snapshot
 * close.
 */
public interface Snapshot extends ReadView, AutoCloseable {

  /**
   * The keyspace {@code name} as of this snapshot: a snapshot covers every keyspace of its store.
   * The view lives as long as the snapshot.
   *
   * @throws InvalidArgumentException if no keyspace of that name existed when the snapshot was
   *     taken, or the name is invalid
   * @throws ClosedHandleException if the snapshot is closed
   * @since 1.1
   */
  default ReadView keyspace(String name) {
    if (Keyspace.checkName(name).equals(Keyspace.DEFAULT)) {
      return this;
    }
    throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
  }

  /** Releases the snapshot and closes its cursors. Idempotent; never throws. */
  @Override
  void close();
}
