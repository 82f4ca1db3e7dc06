package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;

/**
 * The reads a store and a snapshot share, checked and measured the same way: {@code get} and
 * opening cursors.
 *
 * <p>Thread-safe, as the views it wraps.
 */
abstract sealed class BoundaryReadView implements ReadView
    permits BoundaryEngine, BoundarySnapshot {

  final Boundary boundary;
  private final ReadView delegate;

  /** The cursors (and, for a store, snapshots) opened here and not yet closed. */
  final OpenHandles handles = new OpenHandles();

  BoundaryReadView(Boundary boundary, ReadView delegate) {
    this.boundary = boundary;
    this.delegate = delegate;
  }

  /**
   * @throws dev.cairn.spi.ClosedHandleException if this view is closed
   */
  abstract void checkOpen();

  /** "store of engine 'x' at ..." or "snapshot of ...", for messages. */
  abstract String describe();

  @Override
  public final byte[] get(byte[] key) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      byte[] value = delegate.get(key);
      if (value != null) {
        if (value.length > Limits.MAX_VALUE_SIZE) {
          throw boundary
              .errors()
              .violation(Op.GET, "returned a value of " + value.length + " bytes, beyond Limits");
        }
        boundary.meters().getRead(value.length);
      }
      boundary.succeeded(Op.GET, start);
      return value;
    } catch (Throwable t) {
      throw boundary.failed(Op.GET, start, t);
    }
  }

  @Override
  public final Cursor cursor(KeyRange range, Direction direction) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.nonNull(range, "range");
      Boundary.nonNull(direction, "direction");
      if (!range.isAll() || direction != Direction.FORWARD) {
        boundary.require(Capability.ORDERED_SCANS, "a cursor over " + range + " " + direction);
      }
      Cursor cursor = delegate.cursor(range, direction);
      if (cursor == null) {
        throw boundary.errors().violation(Op.CURSOR_OPEN, "returned a null cursor");
      }
      Cursor wrapped = BoundaryCursor.wrap(this, cursor, range, direction);
      boundary.succeeded(Op.CURSOR_OPEN, start);
      return wrapped;
    } catch (Throwable t) {
      throw boundary.failed(Op.CURSOR_OPEN, start, t);
    }
  }
}
