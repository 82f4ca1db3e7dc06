package dev.cairn.engine.lsm;

import java.util.ArrayList;
import java.util.List;

/**
 * What readers, the writer and the background threads share: the current {@link ReadState}, the
 * visible sequence, the open snapshots.
 *
 * <p><b>Publication.</b> Changes to the read state (a memtable switch by the writer, a flush or a
 * compaction installing a new version) are made under {@link #publishLock}, each building a new
 * state from the current one, so none is lost; readers take the current state without a lock. The
 * lock's monitor also wakes a writer stalled for room ({@link #awaitChange}).
 *
 * <p><b>Sequences.</b> The writer assigns sequence numbers, inserts a group's entries into the
 * memtable, then publishes the group's last sequence ({@link #publishSequence}); readers read at a
 * published sequence, so a batch becomes visible at once, whole.
 *
 * <p>Thread-safe.
 */
final class StoreState {

  final Object publishLock = new Object();
  final Snapshots snapshots = new Snapshots();
  private volatile ReadState current;
  private volatile long visibleSequence;

  StoreState(ReadState initial, long visibleSequence) {
    this.current = initial;
    this.visibleSequence = visibleSequence;
  }

  /** The current state, pinned: the caller must {@link ReadState#release()} it. */
  ReadState acquire() {
    while (true) {
      ReadState rs = current;
      if (rs.tryAcquire()) {
        return rs;
      }
      Thread.onSpinWait(); // replaced meanwhile and released: read the new one
    }
  }

  /** The current state, unpinned: valid only under {@link #publishLock} or for a glance. */
  ReadState current() {
    return current;
  }

  long visibleSequence() {
    return visibleSequence;
  }

  /** Makes every write up to {@code sequence} visible; by the writer only, in order. */
  void publishSequence(long sequence) {
    visibleSequence = sequence;
  }

  /** Makes {@code next} the mutable memtable; the current one joins the immutables. */
  void switchMemTable(MemTable next) {
    synchronized (publishLock) {
      ReadState old = current;
      List<MemTable> imms = new ArrayList<>(old.immutables.size() + 1);
      imms.add(old.mutable);
      imms.addAll(old.immutables);
      replace(new ReadState(next, imms, old.version));
    }
  }

  /** Installs {@code version}, made by flushing {@code flushed}, which leaves the immutables. */
  void installFlush(MemTable flushed, Version version) {
    synchronized (publishLock) {
      ReadState old = current;
      List<MemTable> imms = new ArrayList<>(old.immutables);
      if (!imms.remove(flushed)) {
        throw new IllegalStateException("flushed a memtable that is not immutable");
      }
      replace(new ReadState(old.mutable, imms, version));
    }
  }

  /** Installs {@code version}, made by a compaction. */
  void installVersion(Version version) {
    synchronized (publishLock) {
      ReadState old = current;
      replace(new ReadState(old.mutable, old.immutables, version));
    }
  }

  private void replace(ReadState next) {
    ReadState old = current;
    current = next;
    old.release();
    publishLock.notifyAll();
  }

  /** Waits at most {@code nanos} for the read state to change (a flush or compaction). */
  void awaitChange(long nanos) throws InterruptedException {
    synchronized (publishLock) {
      long millis = Math.max(1, nanos / 1_000_000);
      publishLock.wait(millis);
    }
  }

  /** Wakes whoever waits for a change (the store is closing, or failed). */
  void wakeAll() {
    synchronized (publishLock) {
      publishLock.notifyAll();
    }
  }

  /** Releases the current state's reference on its version; when the store closes. */
  void releaseCurrent() {
    synchronized (publishLock) {
      current.release();
    }
  }
}
