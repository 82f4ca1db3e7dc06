package dev.cairn.engine.rocksdb;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ViewGuard;
import java.util.Arrays;
import java.util.function.Consumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Cairn's cursor over a {@link RocksIterator}.
 *
 * <p>Used by one thread at a time; {@link #close()} may come from another (the store or snapshot
 * closing). The SPI cursor sits <em>between</em> entries while a RocksDB iterator sits <em>on</em>
 * one, so the iterator is positioned lazily: {@link #seek(byte[])} only records where to go (after
 * clamping the key to the range), and the following {@link #next()} does the RocksDB {@code Seek}
 * (forward) or {@code SeekForPrev} (reverse). Bounds are checked in Java on every step, exclusive
 * ones by skipping an entry equal to the bound.
 *
 * <p>A RocksDB iterator reads an implicit snapshot taken when it was created, which gives the
 * cursor its consistent view; a cursor on a {@link RocksDbSnapshot} reads at that snapshot.
 *
 * <p>Views: the current key and value are copied out of RocksDB once per step (JNI copies anyway),
 * and views lend those arrays under a {@link ViewGuard} advanced on every move.
 */
final class RocksDbCursor implements Cursor {

  private enum State {
    START,
    SEEK_PENDING,
    ON_ENTRY,
    EXHAUSTED
  }

  private final OpenGuard storeGuard;
  private final OpenGuard snapshotGuard; // null for a cursor on the live store
  private final ReadOptions reads;
  private final RocksIterator iterator;
  private final KeyRange range;
  private final boolean forward;
  private final Consumer<RocksDbCursor> onClose;
  private final ViewGuard views = new ViewGuard();
  private final long openedNanos = System.nanoTime();
  private volatile boolean closed;
  private State state = State.START;
  private byte[] seekKey;
  private byte[] key;
  private byte[] value;

  RocksDbCursor(
      OpenGuard storeGuard,
      OpenGuard snapshotGuard,
      ReadOptions reads,
      RocksIterator iterator,
      KeyRange range,
      Direction direction,
      Consumer<RocksDbCursor> onClose) {
    this.storeGuard = storeGuard;
    this.snapshotGuard = snapshotGuard;
    this.reads = reads;
    this.iterator = iterator;
    this.range = range;
    this.forward = direction == Direction.FORWARD;
    this.onClose = onClose;
  }

  /** When the cursor opened: its iterator pins the state of that moment, as a snapshot does. */
  long openedNanos() {
    return openedNanos;
  }

  @Override
  public boolean next() {
    enter();
    try {
      moved();
      switch (state) {
        case START -> positionAtStart();
        case SEEK_PENDING -> {
          if (forward) {
            iterator.seek(seekKey);
          } else {
            iterator.seekForPrev(seekKey);
          }
          seekKey = null;
        }
        case ON_ENTRY -> step();
        case EXHAUSTED -> {
          return false;
        }
      }
      return settle();
    } finally {
      exit();
    }
  }

  @Override
  public void seek(byte[] target) {
    Limits.checkKey(target);
    enter();
    try {
      moved();
      boolean beforeRange = forward ? !range.isAboveLower(target) : !range.isBelowUpper(target);
      boolean beyondRange = forward ? !range.isBelowUpper(target) : !range.isAboveLower(target);
      if (beforeRange) {
        state = State.START;
      } else if (beyondRange) {
        state = State.EXHAUSTED;
      } else {
        state = State.SEEK_PENDING;
        seekKey = target.clone();
      }
    } finally {
      exit();
    }
  }

  private void positionAtStart() {
    KeyRange.Bound bound = forward ? range.lower() : range.upper();
    if (bound == null) {
      if (forward) {
        iterator.seekToFirst();
      } else {
        iterator.seekToLast();
      }
      return;
    }
    byte[] b = bound.key();
    if (forward) {
      iterator.seek(b);
    } else {
      iterator.seekForPrev(b);
    }
    if (!bound.inclusive() && iterator.isValid() && Arrays.equals(iterator.key(), b)) {
      step();
    }
  }

  private void step() {
    if (forward) {
      iterator.next();
    } else {
      iterator.prev();
    }
  }

  private boolean settle() {
    if (!iterator.isValid()) {
      try {
        iterator.status();
      } catch (RocksDBException e) {
        state = State.EXHAUSTED;
        throw RocksErrors.map("cursor failed", e);
      }
      state = State.EXHAUSTED;
      return false;
    }
    byte[] k = iterator.key();
    if (forward ? !range.isBelowUpper(k) : !range.isAboveLower(k)) {
      state = State.EXHAUSTED;
      return false;
    }
    key = k;
    state = State.ON_ENTRY;
    return true;
  }

  private void moved() {
    views.invalidate();
    key = null;
    value = null;
  }

  @Override
  public byte[] key() {
    return currentKey().clone();
  }

  @Override
  public byte[] value() {
    return currentValue().clone();
  }

  @Override
  public ByteView keyView() {
    return ByteView.of(currentKey(), views);
  }

  @Override
  public ByteView valueView() {
    return ByteView.of(currentValue(), views);
  }

  private byte[] currentKey() {
    checkOpen();
    if (state != State.ON_ENTRY) {
      throw new InvalidStateException("cursor is not on an entry; call next() first");
    }
    return key;
  }

  private byte[] currentValue() {
    currentKey();
    if (value == null) {
      enter();
      try {
        value = iterator.value();
      } finally {
        exit();
      }
    }
    return value;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("cursor is closed");
    }
  }

  private void enter() {
    checkOpen();
    storeGuard.enter();
    if (snapshotGuard != null) {
      try {
        snapshotGuard.enter();
      } catch (RuntimeException e) {
        storeGuard.exit();
        throw e;
      }
    }
    if (closed) { // closed by its store or snapshot between the check and the guards
      exit();
      throw new ClosedHandleException("cursor is closed");
    }
  }

  private void exit() {
    if (snapshotGuard != null) {
      snapshotGuard.exit();
    }
    storeGuard.exit();
  }

  /**
   * Frees the iterator and its read options. Synchronized so that a store closing at the same time
   * waits for a close in progress before it frees the database.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    views.close();
    key = null;
    value = null;
    iterator.close();
    reads.close();
    onClose.accept(this);
  }
}
