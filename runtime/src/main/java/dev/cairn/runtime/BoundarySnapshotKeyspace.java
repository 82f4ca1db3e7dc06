package dev.cairn.runtime;

import dev.cairn.spi.ReadView;

/**
 * The boundary around a keyspace of a snapshot (SPI 1.1, {@link dev.cairn.spi.Snapshot#keyspace}):
 * reads checked and measured as the snapshot's are, its cursors tracked with the snapshot's, so
 * that closing the snapshot closes them; valid while the snapshot is open.
 *
 * <p>Holds the snapshot's wrapper, so that a snapshot is not reported leaked while a view of one of
 * its keyspaces (or a cursor of it) is still reachable. Thread-safe, as the view it wraps.
 */
final class BoundarySnapshotKeyspace extends BoundaryReadView {

  private final BoundarySnapshot snapshot;
  private final String name;

  BoundarySnapshotKeyspace(BoundarySnapshot snapshot, ReadView delegate, String name) {
    super(snapshot.boundary, delegate, snapshot.handles);
    this.snapshot = snapshot;
    this.name = name;
  }

  @Override
  void checkOpen() {
    snapshot.checkOpen();
  }

  @Override
  String describe() {
    return "keyspace '" + name + "' of " + snapshot.describe();
  }

  @Override
  public String toString() {
    return describe();
  }
}
