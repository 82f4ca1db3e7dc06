package dev.cairn.engine.memory;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's one write order: the lock that serializes writers, the sequence of the last published
 * write, and the sequences readers hold ({@link ReadPins}). Shared by every keyspace, so that a
 * batch spanning keyspaces is one write at one sequence and a snapshot is one sequence for all of
 * them.
 *
 * <p>Thread-safe. {@link #publish(long)} is the publication point of a write: a reader that reads
 * {@link #published()} at or after it sees every version and keyspace the write made.
 */
final class Sequencer {

  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReadPins pins = new ReadPins();
  private volatile long published;

  /** The sequence of the last complete write; readers at it see every acknowledged write. */
  long published() {
    return published;
  }

  /** The sequence the next write takes. The caller holds the write lock. */
  long next() {
    return published + 1;
  }

  /** Makes the write at {@code seq} visible (a volatile write). The caller holds the write lock. */
  void publish(long seq) {
    published = seq;
  }

  /** Pins the published sequence for a reader; release it with {@link Writer#unpin(long)}. */
  long pin() {
    return pins.pin(this::published);
  }

  /** Releases one pin of {@code seq}. */
  void unpin(long seq) {
    pins.unpin(seq);
  }

  /** The number of pins held by open snapshots and cursors. */
  int pinCount() {
    return pins.size();
  }

  /**
   * The oldest sequence a reader may still read at (see {@link ReadPins#horizon(long)}): versions
   * hidden from a reader there are garbage.
   */
  long horizon() {
    return pins.horizon(published);
  }

  void lock() {
    writeLock.lock();
  }

  boolean tryLock() {
    return writeLock.tryLock();
  }

  void unlock() {
    writeLock.unlock();
  }
}
