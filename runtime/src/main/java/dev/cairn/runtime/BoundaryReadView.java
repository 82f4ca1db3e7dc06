package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;
import java.util.List;

/**
 * The reads a store, a snapshot and a keyspace of either share, checked and measured the same way:
 * {@code get}, opening cursors, and (SPI 1.1) {@code multiGet} and the approximate sizes.
 *
 * <p>Every read is the engine's own: an SPI 1.1 method with a default in {@link ReadView} is
 * overridden here to call the engine's, never the interface's default on the wrapper, so an
 * engine's faster {@code multiGet} or metadata-based {@code approximateSize} is what callers get.
 *
 * <p>Thread-safe, as the views it wraps.
 */
abstract sealed class BoundaryReadView implements ReadView
    permits BoundaryEngine, BoundarySnapshot, BoundaryKeyspace, BoundarySnapshotKeyspace {

  final Boundary boundary;
  private final ReadView delegate;

  /**
   * The cursors (and, for a store, snapshots) opened here and not yet closed, closed when their
   * owner closes: a keyspace shares its store's, a snapshot's keyspace its snapshot's.
   */
  final OpenHandles handles;

  BoundaryReadView(Boundary boundary, ReadView delegate, OpenHandles handles) {
    this.boundary = boundary;
    this.delegate = delegate;
    this.handles = handles;
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
      Boundary.checkDeadline("get");
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
      Boundary.checkDeadline("cursor");
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

  @Override
  public final List<byte[]> multiGet(List<byte[]> keys) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.nonNull(keys, "keys");
      for (byte[] key : keys) {
        Limits.checkKey(key);
      }
      Boundary.checkDeadline("multiGet");
      List<byte[]> values = delegate.multiGet(keys);
      if (values == null || values.size() != keys.size()) {
        throw boundary
            .errors()
            .violation(
                Op.MULTI_GET,
                "returned "
                    + (values == null ? "null" : values.size() + " values")
                    + " for "
                    + keys.size()
                    + " keys from multiGet");
      }
      long bytes = 0;
      for (byte[] value : values) {
        if (value != null) {
          if (value.length > Limits.MAX_VALUE_SIZE) {
            throw boundary
                .errors()
                .violation(
                    Op.MULTI_GET,
                    "returned a value of " + value.length + " bytes, beyond Limits, from multiGet");
          }
          bytes += value.length;
        }
      }
      boundary.meters().multiGetRead(bytes);
      boundary.succeeded(Op.MULTI_GET, start);
      return values;
    } catch (Throwable t) {
      throw boundary.failed(Op.MULTI_GET, start, t);
    }
  }

  @Override
  public final long approximateCount(KeyRange range) {
    return approximate(Op.APPROXIMATE_COUNT, range);
  }

  @Override
  public final long approximateSize(KeyRange range) {
    return approximate(Op.APPROXIMATE_SIZE, range);
  }

  private long approximate(Op op, KeyRange range) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.nonNull(range, "range");
      if (!range.isAll()) {
        boundary.require(Capability.ORDERED_SCANS, op + " over " + range);
      }
      long n =
          op == Op.APPROXIMATE_COUNT
              ? delegate.approximateCount(range)
              : delegate.approximateSize(range);
      if (n < 0) {
        throw boundary.errors().violation(op, "returned " + n + " from " + op + " over " + range);
      }
      boundary.succeeded(op, start);
      return n;
    } catch (Throwable t) {
      throw boundary.failed(op, start, t);
    }
  }
}
