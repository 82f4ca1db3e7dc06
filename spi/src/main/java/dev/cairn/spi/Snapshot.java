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

  /** Releases the snapshot and closes its cursors. Idempotent; never throws. */
  @Override
  void close();
}
