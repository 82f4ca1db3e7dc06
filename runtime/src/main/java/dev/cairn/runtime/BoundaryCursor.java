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
 *
 * <p>Used by one thread at a time, as the cursor it wraps; closing may come from any thread.
 */
final class BoundaryCursor implements Cursor {

  // Design. A step is the boundary's hottest path: a short scan is a seek and a few steps, and an
  // engine steps in tens to hundreds of nanoseconds, so what the boundary adds per step must be a
  // few nanoseconds, not the hundreds a clock read and a timer record per call would cost
  // (measured: SeekBenchmark, docs/benchmarks.md). So a step
  //   - copies nothing but the one key it needs for the order check: the engine's key() copy is
  //     kept as the previous key, and a seek target goes into a buffer reused across seeks;
  //   - times only a sample of calls (SAMPLE_EVERY), the first of a cursor's among them, which is
  //     where lazy engines such as RocksDB do the seek;
  //   - counts its steps and the bytes read in plain fields of a Tally, published to the meters
  //     once, when the cursor is released (closed by its user or owner, or found leaked).
  // Failures are rare: every one is counted as an error, whether its call was sampled or not.

  /**
   * One call to {@link #next} or {@link #seek} in this many is timed into {@code cairn.operation}:
   * the first of each cursor, then every {@code SAMPLE_EVERY}-th. A power of two.
   */
  static final int SAMPLE_EVERY = 64;

  /** Keeps the store or snapshot wrapper reachable (and so unreported) while this cursor is. */
  private final BoundaryReadView owner;

  private final Boundary boundary;
  private final Cursor delegate;
  private final TrackedHandle handle;
  private final Cleaner.Cleanable cleanable;
  private final KeyRange range;
  private final Direction direction;
  private final boolean ordered;
  private final Tally tally;

  /** The key of the previous step since the last seek; owned here (the engine's copy). */
  private byte[] previous;

  /** The last seek's target, in a buffer reused across seeks; {@code seekLength < 0} for none. */
  private byte[] seekTarget = new byte[0];

  private int seekLength = -1;
  private boolean exhausted;
  private int calls;

  private BoundaryCursor(
      BoundaryReadView owner,
      Cursor delegate,
      TrackedHandle handle,
      Tally tally,
      KeyRange range,
      Direction direction) {
    this.owner = owner;
    this.boundary = owner.boundary;
    this.delegate = delegate;
    this.handle = handle;
    this.tally = tally;
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
    Tally tally = new Tally();
    Meters meters = owner.boundary.meters();
    // The handle releases the engine's cursor, then publishes what it did: on every way a cursor
    // ends (closed, its owner closing, leaked), and never through the wrapper.
    AutoCloseable release =
        () -> {
          try {
            delegate.close();
          } finally {
            tally.publish(meters);
          }
        };
    TrackedHandle handle =
        new TrackedHandle(TrackedHandle.CURSOR, release, owner.boundary, owner.handles, null);
    BoundaryCursor cursor = new BoundaryCursor(owner, delegate, handle, tally, range, direction);
    owner.handles.add(handle, owner.describe());
    return cursor;
  }

  /**
   * What one cursor did, published to the meters once, when it is released. Written by the cursor's
   * thread without synchronization; read when released, which an owner closing or the cleaner may
   * do from another thread, which may then miss the last few counts.
   */
  static final class Tally {
    long steps;
    long bytesRead;

    void publish(Meters meters) {
      meters.cursorReleased(steps, bytesRead);
    }
  }

  private void checkOpen() {
    if (handle.isClosed()) {
      throw new ClosedHandleException("cursor on " + owner.describe() + " is closed");
    }
  }

  /** True when this call is one of the sampled, timed ones. */
  private boolean sampled() {
    return (calls++ & (SAMPLE_EVERY - 1)) == 0;
  }

  @Override
  public boolean next() {
    if (sampled()) {
      return timedNext();
    }
    try {
      return step();
    } catch (Throwable t) {
      throw boundary.errors().convert(Op.CURSOR_NEXT, t);
    }
  }

  private boolean timedNext() {
    long start = System.nanoTime();
    try {
      boolean on = step();
      boundary.succeeded(Op.CURSOR_NEXT, start);
      return on;
    } catch (Throwable t) {
      throw boundary.failed(Op.CURSOR_NEXT, start, t);
    }
  }

  private boolean step() {
    checkOpen();
    tally.steps++;
    boolean on = delegate.next();
    if (on) {
      checkEntry();
    } else {
      exhausted = true;
    }
    return on;
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
      boolean forward = direction == Direction.FORWARD;
      if (previous != null) {
        int c = Arrays.compareUnsigned(key, previous);
        if (forward ? c <= 0 : c >= 0) {
          throw violation(
              "key " + hex(key) + " after " + hex(previous) + ", out of " + direction + " order");
        }
      } else if (seekLength >= 0) {
        int c = Arrays.compareUnsigned(key, 0, key.length, seekTarget, 0, seekLength);
        if (forward ? c < 0 : c > 0) {
          throw violation(
              "key "
                  + hex(key)
                  + " before its seek target "
                  + hex(Arrays.copyOf(seekTarget, seekLength))
                  + " ("
                  + direction
                  + ")");
        }
        seekLength = -1;
      }
    }
    previous = key;
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
    if (sampled()) {
      long start = System.nanoTime();
      try {
        seekUntimed(key);
        boundary.succeeded(Op.CURSOR_SEEK, start);
      } catch (Throwable t) {
        throw boundary.failed(Op.CURSOR_SEEK, start, t);
      }
    } else {
      try {
        seekUntimed(key);
      } catch (Throwable t) {
        throw boundary.errors().convert(Op.CURSOR_SEEK, t);
      }
    }
  }

  private void seekUntimed(byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    if (!ordered) {
      boundary.require(Capability.ORDERED_SCANS, "seek");
    }
    delegate.seek(key);
    previous = null;
    // NB: copied after the engine's seek returned, so the caller cannot change it meanwhile; the
    // buffer is reused, a seek allocates only for a key longer than any before.
    if (seekTarget.length < key.length) {
      seekTarget = new byte[key.length];
    }
    System.arraycopy(key, 0, seekTarget, 0, key.length);
    seekLength = key.length;
    exhausted = false;
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
    tally.bytesRead += bytes.length;
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
    tally.bytesRead += size;
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
