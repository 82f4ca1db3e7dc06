package dev.cairn.runtime;

import dev.cairn.spi.RequestContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runtime's side of a cursor or snapshot it lent: the engine's resource, where it was opened
 * (if the store records it), and whether it is closed. It is also the {@link Leaks#CLEANER cleaning
 * action} registered for the wrapper, so it must never refer to the wrapper.
 *
 * <p>Closed exactly once, by whichever comes first: its user ({@link #close()}), its owner closing
 * ({@link #closeQuietly()}), or the cleaner finding the wrapper unreachable ({@link #run()}, the
 * only path that reports a leak). Thread-safe.
 */
final class TrackedHandle implements Runnable {

  static final String CURSOR = "cursor";
  static final String SNAPSHOT = "snapshot";

  private final String kind;
  private final AutoCloseable resource;
  private final Throwable openedAt;
  private final String requestId; // current where it was opened, or null
  private final Boundary boundary;
  private final OpenHandles owner;
  private final OpenHandles children;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param children the handles opened on this one (a snapshot's cursors), or null
   */
  TrackedHandle(
      String kind,
      AutoCloseable resource,
      Boundary boundary,
      OpenHandles owner,
      OpenHandles children) {
    this.kind = kind;
    this.resource = resource;
    this.boundary = boundary;
    this.owner = owner;
    this.children = children;
    this.openedAt = boundary.leaks().openedHere(kind);
    RequestContext c = RequestContext.currentOrNull();
    this.requestId = c == null ? null : c.requestId();
  }

  boolean isClosed() {
    return closed.get();
  }

  /**
   * Closed by its user.
   *
   * @throws dev.cairn.spi.StorageException (usually a contract violation) if the engine's close
   *     fails; the handle counts as closed all the same
   */
  void close() {
    if (closed.compareAndSet(false, true)) {
      Throwable failure = release(false);
      if (failure != null) {
        throw boundary.errors().convert(closeOp(), failure);
      }
    }
  }

  /** Closed by its owner: failures are counted and logged, never thrown. */
  void closeQuietly() {
    if (closed.compareAndSet(false, true)) {
      failQuietly(release(false));
    }
  }

  /** The cleaner found the wrapper unreachable while still open: a leak. */
  @Override
  public void run() {
    if (closed.compareAndSet(false, true)) {
      failQuietly(release(true));
      boundary.leaks().report(kind, openedAt, requestId);
    }
  }

  /**
   * Releases the handle; {@code leaked}: its wrapper was found unreachable, and so its children's.
   */
  private Throwable release(boolean leaked) {
    owner.remove(this);
    if (children != null) {
      if (leaked) {
        children.leakAll();
      } else {
        children.closeAll();
      }
    }
    try {
      resource.close();
      return null;
    } catch (Throwable t) {
      ProviderCheck.rethrowFatal(t);
      return t;
    }
  }

  private void failQuietly(Throwable failure) {
    if (failure != null) {
      Leaks.logQuietly(
          "closing a " + kind + " of engine '" + boundary.engine() + "' failed",
          boundary.errors().convert(closeOp(), failure));
    }
  }

  private Op closeOp() {
    return kind.equals(SNAPSHOT) ? Op.SNAPSHOT_CLOSE : Op.CURSOR_CLOSE;
  }
}
