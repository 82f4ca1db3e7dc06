package dev.cairn.runtime;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import java.lang.ref.Cleaner;

/**
 * The boundary around an engine's snapshot: reads checked and measured as on the store, cursors
 * tracked so that closing the snapshot closes them, and a report if the snapshot is dropped
 * unclosed.
 *
 * <p>Thread-safe, as the snapshot it wraps.
 */
final class BoundarySnapshot extends BoundaryReadView implements Snapshot {

  /** Keeps the store wrapper reachable while this snapshot is. */
  private final BoundaryEngine store;

  private final Snapshot delegate;
  private final TrackedHandle handle;
  private final Cleaner.Cleanable cleanable;

  private BoundarySnapshot(BoundaryEngine store, Snapshot delegate) {
    super(store.boundary, delegate, new OpenHandles());
    this.store = store;
    this.delegate = delegate;
    this.handle =
        new TrackedHandle(TrackedHandle.SNAPSHOT, delegate, boundary, store.handles, handles);
    this.cleanable = Leaks.CLEANER.register(this, handle);
  }

  /**
   * Wraps a snapshot the engine just took of {@code store}.
   *
   * @throws ClosedHandleException if the store closed meanwhile (the snapshot is then closed)
   */
  static BoundarySnapshot wrap(BoundaryEngine store, Snapshot delegate) {
    BoundarySnapshot snapshot = new BoundarySnapshot(store, delegate);
    store.handles.add(snapshot.handle, store.describe());
    return snapshot;
  }

  @Override
  void checkOpen() {
    if (handle.isClosed()) {
      throw new ClosedHandleException(describe() + " is closed");
    }
  }

  @Override
  String describe() {
    return "snapshot of " + store.describe();
  }

  /**
   * The engine's view of keyspace {@code name} as of this snapshot, wrapped so that its cursors
   * close with the snapshot; this snapshot itself when the engine answers with its own snapshot
   * (the default keyspace, as the SPI's default does).
   */
  @Override
  public ReadView keyspace(String name) {
    long start = System.nanoTime();
    try {
      Keyspace.checkName(name);
      checkOpen();
      ReadView view = delegate.keyspace(name);
      if (view == null) {
        throw boundary
            .errors()
            .violation(
                Op.KEYSPACE, "returned a null view of keyspace '" + name + "' of a snapshot");
      }
      ReadView wrapped = view == delegate ? this : new BoundarySnapshotKeyspace(this, view, name);
      boundary.succeeded(Op.KEYSPACE, start);
      return wrapped;
    } catch (Throwable t) {
      throw boundary.failed(Op.KEYSPACE, start, t);
    }
  }

  @Override
  public void close() {
    try {
      handle.close();
    } finally {
      cleanable.clean();
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
