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
  //   - allocates nothing: it reads the key through the engine's zero-copy view into one of two
  //     buffers it swaps each step (this key, the previous one), compares it with the range's
  //     bounds copied once, and a seek target goes into a buffer reused across seeks;
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

  /** The starting size of the key buffers; they grow to the longest key seen. */
  private static final int KEY_BUFFER = 32;

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

  /** The range's bounds, copied once: a step compares against them without copying. */
  private final byte[] lower;

  private final boolean lowerInclusive;
  private final byte[] upper;
  private final boolean upperInclusive;

  /** This step's key and the previous one's since the last seek, in buffers swapped each step. */
  private byte[] current = new byte[KEY_BUFFER];

  private byte[] previous = new byte[KEY_BUFFER];

  /** Bytes of {@link #previous} in use; negative when there is no previous key. */
  private int previousLength = -1;

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
    this.lower = range.lower() == null ? null : range.lower().key();
    this.lowerInclusive = range.lower() != null && range.lower().inclusive();
    this.upper = range.upper() == null ? null : range.upper().key();
    this.upperInclusive = range.upper() != null && range.upper().inclusive();
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
    ByteView view = delegate.keyView();
    if (view == null) {
      throw violation("a null key view");
    }
    int n = view.size();
    if (n > Limits.MAX_KEY_SIZE) {
      throw violation("a key of " + n + " bytes");
    }
    if (current.length < n) {
      current = new byte[n];
    }
    view.copyTo(current, 0);
    if (exhausted) {
      throw violation("key " + hex(current, n) + " after reporting the range exhausted");
    }
    if (!inRange(n)) {
      throw violation("key " + hex(current, n) + " outside its range " + range);
    }
    if (ordered) {
      boolean forward = direction == Direction.FORWARD;
      if (previousLength >= 0) {
        int c = Arrays.compareUnsigned(current, 0, n, previous, 0, previousLength);
        if (forward ? c <= 0 : c >= 0) {
          throw violation(
              "key "
                  + hex(current, n)
                  + " after "
                  + hex(previous, previousLength)
                  + ", out of "
                  + direction
                  + " order");
        }
      } else if (seekLength >= 0) {
        int c = Arrays.compareUnsigned(current, 0, n, seekTarget, 0, seekLength);
        if (forward ? c < 0 : c > 0) {
          throw violation(
              "key "
                  + hex(current, n)
                  + " before its seek target "
                  + hex(seekTarget, seekLength)
                  + " ("
                  + direction
                  + ")");
        }
        seekLength = -1;
      }
    }
    byte[] swap = previous;
    previous = current;
    current = swap;
    previousLength = n;
  }

  /**
   * Whether the first {@code n} bytes of {@link #current} lie in the range, as KeyRange.contains.
   */
  private boolean inRange(int n) {
    if (lower != null) {
      int c = Arrays.compareUnsigned(current, 0, n, lower, 0, lower.length);
      if (lowerInclusive ? c < 0 : c <= 0) {
        return false;
      }
    }
    if (upper != null) {
      int c = Arrays.compareUnsigned(current, 0, n, upper, 0, upper.length);
      return upperInclusive ? c <= 0 : c < 0;
    }
    return true;
  }

  private RuntimeException violation(String what) {
    return boundary
        .errors()
        .violation(Op.CURSOR_NEXT, "cursor over " + range + " returned " + what);
  }

  private static String hex(byte[] bytes, int length) {
    return length <= 32
        ? HexFormat.of().formatHex(bytes, 0, length)
        : HexFormat.of().formatHex(bytes, 0, 32) + "...(" + length + " bytes)";
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
    previousLength = -1;
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
