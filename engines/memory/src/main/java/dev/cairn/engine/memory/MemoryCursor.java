package dev.cairn.engine.memory;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A cursor over a {@link VersionedMap} at a pinned sequence: it sees the store as of that sequence
 * while writes go on.
 *
 * <p>It walks the map's weakly consistent iterator over its range and skips versions newer than its
 * sequence and deletions. Used by one thread at a time; {@link #close()} may come from another (the
 * store or snapshot closing), after which every method but close throws {@link
 * ClosedHandleException}.
 */
final class MemoryCursor implements Cursor {

  private final VersionedMap data;
  private final long readSeq;
  private final KeyRange range;
  private final boolean forward;
  private final Consumer<MemoryCursor> onClose;
  private final long opened;
  private final ViewGuard guard = new ViewGuard();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** What next() walks; null once the range is exhausted. */
  private Iterator<Map.Entry<byte[], Version>> entries;

  /** The current entry; null when the cursor is not on one. Arrays owned by the store. */
  private byte[] key;

  private byte[] value;

  /**
   * @param readSeq a sequence pinned for as long as this cursor is open
   * @param onClose told once, when the cursor closes
   * @param opened when it opened ({@link System#nanoTime()}) if it holds a pin of its own, for the
   *     age of the oldest reader; else 0
   */
  MemoryCursor(
      VersionedMap data,
      long readSeq,
      KeyRange range,
      Direction direction,
      Consumer<MemoryCursor> onClose,
      long opened) {
    this.data = data;
    this.readSeq = readSeq;
    this.range = range;
    this.forward = direction == Direction.FORWARD;
    this.onClose = onClose;
    this.opened = opened;
    this.entries = walk(range.lower(), range.upper());
  }

  @Override
  public boolean next() {
    leaveEntry();
    Iterator<Map.Entry<byte[], Version>> it = entries;
    if (it == null) {
      return false;
    }
    while (it.hasNext()) {
      Map.Entry<byte[], Version> e = it.next();
      Version v = Version.visible(e.getValue(), readSeq);
      if (v != null && !v.isTombstone()) {
        key = e.getKey();
        value = v.value();
        return true;
      }
    }
    entries = null;
    return false;
  }

  @Override
  public void seek(byte[] target) {
    checkOpen();
    Limits.checkKey(target);
    leaveEntry();
    boolean beforeRange = forward ? !range.isAboveLower(target) : !range.isBelowUpper(target);
    boolean beyondRange = forward ? !range.isBelowUpper(target) : !range.isAboveLower(target);
    if (beforeRange) {
      entries = walk(range.lower(), range.upper());
    } else if (beyondRange) {
      entries = null;
    } else if (forward) {
      entries = walk(new KeyRange.Bound(target, true), range.upper());
    } else {
      entries = walk(range.lower(), new KeyRange.Bound(target, true));
    }
  }

  @Override
  public byte[] key() {
    return current(key).clone();
  }

  @Override
  public byte[] value() {
    current(key);
    return value.clone();
  }

  @Override
  public ByteView keyView() {
    return ByteView.of(current(key), guard);
  }

  @Override
  public ByteView valueView() {
    current(key);
    return ByteView.of(value, guard);
  }

  @Override
  public void close() {
    // NB: only the flag and the guard change, so a close from another thread cannot make a
    // method that already passed checkOpen() fail with anything but ClosedHandleException.
    if (closed.compareAndSet(false, true)) {
      guard.close();
      onClose.accept(this);
    }
  }

  /** When it opened, as given. */
  long opened() {
    return opened;
  }

  /** The sequence this cursor reads at. */
  long readSeq() {
    return readSeq;
  }

  private Iterator<Map.Entry<byte[], Version>> walk(KeyRange.Bound lower, KeyRange.Bound upper) {
    NavigableMap<byte[], Version> slice = data.slice(lower, upper);
    return (forward ? slice : slice.descendingMap()).entrySet().iterator();
  }

  /** Steps off the current entry, invalidating the views lent on it. */
  private void leaveEntry() {
    checkOpen();
    guard.invalidate();
    key = null;
    value = null;
  }

  private byte[] current(byte[] k) {
    checkOpen();
    if (k == null) {
      throw new InvalidStateException(
          "cursor is not on an entry: call next() and check that it returned true");
    }
    return k;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ClosedHandleException("cursor is closed");
    }
  }
}
