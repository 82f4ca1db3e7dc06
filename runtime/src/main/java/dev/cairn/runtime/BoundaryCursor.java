package dev.cairn.runtime;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The boundary around an engine's cursor: checks calls and what the engine returns, measures, and
 * reports the cursor if it is dropped unclosed.
 *
 * <p>Returned entries are checked cheaply: each key must lie in the cursor's range, and with {@link
 * Capability#ORDERED_SCANS} must follow the previous key strictly in the cursor's direction (and,
 * after a seek, not precede the seek target); a cursor that said it was exhausted must stay so
 * until a seek; keys and values must fit {@link Limits}. Anything else is a contract violation.
 * This costs one key copy per step, to remember the previous key.
 *
 * <p>Used by one thread at a time, as the cursor it wraps; closing may come from any thread.
 */
final class BoundaryCursor implements Cursor {

  /** Keeps the store or snapshot wrapper reachable (and so unreported) while this cursor is. */
  private final BoundaryReadView owner;

  private final Boundary boundary;
  private final Cursor delegate;
  private final TrackedHandle handle;
  private final Cleaner.Cleanable cleanable;
  private final KeyRange range;
  private final Direction direction;
  private final boolean ordered;

  private byte[] previous;
  private byte[] seekTarget;
  private boolean exhausted;

  private BoundaryCursor(
      BoundaryReadView owner,
      Cursor delegate,
      TrackedHandle handle,
      KeyRange range,
      Direction direction) {
    this.owner = owner;
    this.boundary = owner.boundary;
    this.delegate = delegate;
    this.handle = handle;
    this.range = range;
    this.direction = direction;
    this.ordered = boundary.info().has(Capability.ORDERED_SCANS);
    this.cleanable = Leaks.CLEANER.register(this, handle);
  }

  /**
   * Wraps a cursor the engine just opened on {@code owner}.
   *
   * @throws ClosedHandleException if the owner closed meanwhile (the cursor is then closed)
   */
  static BoundaryCursor wrap(
      BoundaryReadView owner, Cursor delegate, KeyRange range, Direction direction) {
    TrackedHandle handle =
        new TrackedHandle(TrackedHandle.CURSOR, delegate, owner.boundary, owner.handles, null);
    BoundaryCursor cursor = new BoundaryCursor(owner, delegate, handle, range, direction);
    owner.handles.add(handle, owner.describe());
    return cursor;
  }

  private void checkOpen() {
    if (handle.isClosed()) {
      throw new ClosedHandleException("cursor on " + owner.describe() + " is closed");
    }
  }

  @Override
  public boolean next() {
    long start = System.nanoTime();
    try {
      checkOpen();
      boolean on = delegate.next();
      if (on) {
        checkEntry();
      } else {
        exhausted = true;
      }
      boundary.succeeded(Op.CURSOR_NEXT, start);
      return on;
    } catch (Throwable t) {
      throw boundary.failed(Op.CURSOR_NEXT, start, t);
    }
  }

  private void checkEntry() {
    byte[] key = delegate.key();
    if (key == null || key.length > Limits.MAX_KEY_SIZE) {
      throw violation(key == null ? "a null key" : "a key of " + key.length + " bytes");
    }
    if (exhausted) {
      throw violation("key " + hex(key) + " after reporting the range exhausted");
    }
    if (!range.contains(key)) {
      throw violation("key " + hex(key) + " outside its range " + range);
    }
    if (ordered) {
      int sign = direction == Direction.FORWARD ? 1 : -1;
      if (previous != null && Arrays.compareUnsigned(key, previous) * sign <= 0) {
        throw violation(
            "key " + hex(key) + " after " + hex(previous) + ", out of " + direction + " order");
      }
      if (seekTarget != null && Arrays.compareUnsigned(key, seekTarget) * sign < 0) {
        throw violation(
            "key "
                + hex(key)
                + " before its seek target "
                + hex(seekTarget)
                + " ("
                + direction
                + ")");
      }
    }
    previous = key;
    seekTarget = null;
  }

  private RuntimeException violation(String what) {
    return boundary
        .errors()
        .violation(Op.CURSOR_NEXT, "cursor over " + range + " returned " + what);
  }

  private static String hex(byte[] key) {
    return key.length <= 32
        ? HexFormat.of().formatHex(key)
        : HexFormat.of().formatHex(key, 0, 32) + "...(" + key.length + " bytes)";
  }

  @Override
  public void seek(byte[] key) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      boundary.require(Capability.ORDERED_SCANS, "seek");
      delegate.seek(key);
      previous = null;
      seekTarget = key.clone();
      exhausted = false;
      boundary.succeeded(Op.CURSOR_SEEK, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.CURSOR_SEEK, start, t);
    }
  }

  @Override
  public byte[] key() {
    try {
      checkOpen();
      return counted(delegate.key(), Limits.MAX_KEY_SIZE, "key()");
    } catch (Throwable t) {
      throw boundary.errors().convert(Op.CURSOR_READ, t);
    }
  }

  @Override
  public byte[] value() {
    try {
      checkOpen();
      return counted(delegate.value(), Limits.MAX_VALUE_SIZE, "value()");
    } catch (Throwable t) {
      throw boundary.errors().convert(Op.CURSOR_READ, t);
    }
  }

  @Override
  public ByteView keyView() {
    try {
      checkOpen();
      return counted(delegate.keyView(), Limits.MAX_KEY_SIZE, "keyView()");
    } catch (Throwable t) {
      throw boundary.errors().convert(Op.CURSOR_READ, t);
    }
  }

  @Override
  public ByteView valueView() {
    try {
      checkOpen();
      return counted(delegate.valueView(), Limits.MAX_VALUE_SIZE, "valueView()");
    } catch (Throwable t) {
      throw boundary.errors().convert(Op.CURSOR_READ, t);
    }
  }

  private byte[] counted(byte[] bytes, int limit, String method) {
    if (bytes == null || bytes.length > limit) {
      throw boundary
          .errors()
          .violation(
              Op.CURSOR_READ,
              "cursor returned "
                  + (bytes == null ? "null" : bytes.length + " bytes, beyond Limits,")
                  + " from "
                  + method);
    }
    boundary.meters().cursorRead(bytes.length);
    return bytes;
  }

  private ByteView counted(ByteView view, int limit, String method) {
    if (view == null) {
      throw boundary.errors().violation(Op.CURSOR_READ, "cursor returned null from " + method);
    }
    int size = view.size();
    if (size > limit) {
      throw boundary
          .errors()
          .violation(
              Op.CURSOR_READ,
              "cursor returned a view of " + size + " bytes, beyond Limits, from " + method);
    }
    boundary.meters().cursorRead(size);
    return view;
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
    return "cursor over " + range + " " + direction + " on " + owner.describe();
  }
}
