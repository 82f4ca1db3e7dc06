package dev.cairn.engine.lsm;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A cursor over a pinned {@link ReadState} at a sequence number: the merged memtables and tables,
 * with older versions and deleted keys hidden (LevelDB's {@code db_iter.cc}).
 *
 * <p>Going forward, the first entry of each key at or below the sequence decides: a value is shown,
 * a tombstone hides the key; older versions are skipped. A value is hidden too when a range
 * tombstone the cursor sees, newer than the value, is over its key ({@link RangeTombstoneView}).
 * Going backward, a key's versions come oldest first, so the cursor reads all of them and keeps the
 * newest it may see. The range's bounds are pushed down as seeks; the cursor stops at the first key
 * beyond them.
 *
 * <p>The read state stays pinned (its tables open and on disk) until the cursor closes. Used by one
 * thread at a time; {@link #close()} may come from another (the store or snapshot closing), after
 * which every method but close throws {@link ClosedHandleException}.
 */
final class LsmCursor implements Cursor {

  private final ReadState state;
  private final long sequence;
  private final StoreRange range;
  private final boolean forward;
  private final Consumer<LsmCursor> onClose;
  private final ViewGuard guard = new ViewGuard();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final InternalIterator it;

  /** The state's range tombstones; null when it has none. */
  private final RangeTombstoneView tombstones;

  /** Where the next call to next() starts: a seek target, or null to continue. */
  private InternalKey pending;

  private boolean exhausted;
  private byte[] storeKey;
  private byte[] key;
  private byte[] value;

  /**
   * @param state a pinned read state, released when the cursor closes
   * @param onClose told once, when the cursor closes
   */
  LsmCursor(
      ReadState state,
      long sequence,
      StoreRange range,
      boolean forward,
      Consumer<LsmCursor> onClose) {
    this.state = state;
    this.sequence = sequence;
    this.range = range;
    this.forward = forward;
    this.onClose = onClose;
    InternalIterator merged;
    RangeTombstoneView view;
    try {
      merged = state.iterator(forward);
      view = new RangeTombstoneView(state);
    } catch (RuntimeException e) {
      state.release();
      throw e;
    }
    this.it = merged;
    this.tombstones = view.isEmpty() ? null : view;
    this.pending = forward ? range.forwardStart() : range.reverseStart();
  }

  @Override
  public boolean next() {
    leaveEntry();
    if (exhausted) {
      return false;
    }
    boolean found;
    if (pending != null) {
      InternalKey target = pending;
      pending = null;
      if (forward) {
        it.seek(target);
      } else {
        it.seekForPrev(target);
      }
      found = forward ? findNext(null) : findPrev();
    } else {
      byte[] skip = storeKey;
      if (forward) {
        it.next();
        found = findNext(skip);
      } else {
        found = findPrev();
      }
    }
    if (!found) {
      exhausted = true;
      storeKey = null;
    }
    return found;
  }

  private boolean findNext(byte[] skipKey) {
    byte[] skip = skipKey;
    while (it.valid()) {
      InternalKey k = it.key();
      if (!range.belowUpper(k.userKey)) {
        return false;
      }
      if (k.sequence() > sequence || (skip != null && Arrays.equals(k.userKey, skip))) {
        it.next();
        continue;
      }
      if (k.kind() == InternalKey.DELETE) {
        skip = k.userKey;
        it.next();
        continue;
      }
      if (!range.aboveLower(k.userKey) || rangeDeleted(k.userKey, k.sequence())) {
        skip = k.userKey;
        it.next();
        continue;
      }
      return land(k.userKey, it.value());
    }
    return false;
  }

  private boolean findPrev() {
    byte[] savedKey = null;
    byte[] savedValue = null;
    long savedSequence = 0;
    while (it.valid()) {
      InternalKey k = it.key();
      if (!range.aboveLower(k.userKey)) {
        break; // NB: whatever its sequence: nothing below the range matters
      }
      if (k.sequence() <= sequence) {
        if (savedKey != null && Arrays.compareUnsigned(k.userKey, savedKey) < 0) {
          if (!rangeDeleted(savedKey, savedSequence)) {
            break; // past the saved key, which holds a value
          }
          savedKey = null; // a range tombstone deletes it: go on to this key
          savedValue = null;
        }
        if (k.kind() == InternalKey.DELETE) {
          savedKey = null;
          savedValue = null;
        } else if (range.belowUpper(k.userKey)) {
          savedKey = k.userKey;
          savedValue = it.value();
          savedSequence = k.sequence();
        }
      }
      it.prev();
    }
    if (savedKey != null && rangeDeleted(savedKey, savedSequence)) {
      return false;
    }
    return savedKey != null && land(savedKey, savedValue);
  }

  /**
   * Whether a range tombstone this cursor sees deletes the entry of {@code store} at {@code seq}.
   */
  private boolean rangeDeleted(byte[] store, long seq) {
    return tombstones != null && tombstones.covering(store, sequence) > seq;
  }

  private boolean land(byte[] store, byte[] v) {
    storeKey = store;
    key = StoreKeys.userKey(range.keyspace(), store);
    value = v;
    return true;
  }

  @Override
  public void seek(byte[] target) {
    checkOpen();
    Limits.checkKey(target);
    leaveEntry();
    byte[] t = StoreKeys.of(range.keyspace(), target);
    boolean beforeRange = forward ? !range.aboveLower(t) : !range.belowUpper(t);
    boolean beyondRange = forward ? !range.belowUpper(t) : !range.aboveLower(t);
    storeKey = null;
    if (beforeRange) {
      exhausted = false;
      pending = forward ? range.forwardStart() : range.reverseStart();
    } else if (beyondRange) {
      exhausted = true;
      pending = null;
    } else {
      exhausted = false;
      pending =
          forward ? InternalKey.seekTarget(t, InternalKey.MAX_SEQUENCE) : InternalKey.lastOf(t);
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
    if (closed.compareAndSet(false, true)) {
      guard.close();
      state.release();
      onClose.accept(this);
    }
  }

  /** The sequence this cursor reads at. */
  long sequence() {
    return sequence;
  }

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
