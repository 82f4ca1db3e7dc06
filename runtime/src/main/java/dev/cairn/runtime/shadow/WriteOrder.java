package dev.cairn.runtime.shadow;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Puts the primary's acknowledged writes in the mirror queue in an order the candidate can follow,
 * and decides which sampled reads can be judged.
 *
 * <p>Design. The primary applies concurrent writes in its own order, which the shadow cannot see;
 * the mirror applies them in the order they were queued. Two writes to one key that ran at the same
 * time may therefore land in the candidate in the other order, and a read that ran beside a write
 * to its key may see the write on the primary and not on the candidate. Neither is the candidate's
 * fault, so neither may count as a mismatch. Each write gets a sequence number when it is queued
 * (under one lock, so queue order is sequence order); the writer noted the sequence when it began.
 * Keys map to slots by a hash:
 *
 * <ul>
 *   <li>{@code inflight[slot]}: writes to the slot begun on the primary and not yet queued;
 *   <li>{@code last[slot]}: the sequence of the last write to the slot queued (or dropped);
 *   <li>{@code uncertain[slot]}: the 64-bit hash of a key whose value in the candidate may differ
 *       through no fault of its own (two writes to it raced, or one was dropped because the queue
 *       was full), {@link #MANY} for several, 0 for none. A later write of that key that raced with
 *       nothing and was queued overwrites it in both stores and clears the mark.
 * </ul>
 *
 * A sampled read is compared only if no write to its slot was in flight when it finished, none was
 * queued after it began, and the slot is certain. Range deletes touch unknown keys: one in flight
 * or queued after a read began skips the read, and one that raced or was dropped makes every slot
 * uncertain for good (a later write cannot show which keys it covered). Collisions of slots only
 * skip comparisons, never cause a false mismatch: the uncertainty marks compare the full 64-bit
 * hash.
 *
 * <p>Memory is fixed: {@value #SLOTS} slots. Thread-safe: {@link #begin} and {@link #abandon} are
 * lock-free; {@link #queue} and {@link #compare} hold the lock for a few array updates and a
 * non-blocking offer.
 */
final class WriteOrder {

  static final int SLOTS = 1 << 16;

  /** The uncertainty mark of a slot shared by several uncertain keys: only a range clears none. */
  private static final long MANY = -1;

  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicIntegerArray inflight = new AtomicIntegerArray(SLOTS);
  private final long[] last = new long[SLOTS];
  private final long[] uncertain = new long[SLOTS];
  private volatile long sequence;
  private volatile int rangesInflight;
  private long lastRange;
  private boolean rangesUncertain;

  /** Which slots a write touches, and whether it deletes ranges. */
  record Footprint(long[] hashes, boolean ranges) {
    int slot(int i) {
      return slotOf(hashes[i]);
    }
  }

  /** The key's hash: 64 bits, never 0 or {@link #MANY}. */
  static long hash(String keyspace, byte[] key) {
    long h = 0x9E3779B97F4A7C15L ^ keyspace.hashCode();
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x100000001B3L;
    }
    h = mix(h ^ key.length);
    return h == 0 || h == MANY ? 1 : h;
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int slotOf(long hash) {
    return (int) (hash >>> 48);
  }

  /** The current sequence: a read notes it before it asks the primary. */
  long sequence() {
    return sequence;
  }

  /** A write is about to go to the primary; returns the sequence it began at. */
  long begin(Footprint f) {
    for (int i = 0; i < f.hashes().length; i++) {
      inflight.incrementAndGet(f.slot(i));
    }
    if (f.ranges()) {
      synchronized (this) {
        rangesInflight++;
      }
    }
    return sequence;
  }

  /** The primary refused or failed the write begun with {@code f}: nothing is mirrored. */
  void abandon(Footprint f) {
    for (int i = 0; i < f.hashes().length; i++) {
      inflight.decrementAndGet(f.slot(i));
    }
    if (f.ranges()) {
      synchronized (this) {
        rangesInflight--;
      }
    }
  }

  /**
   * The primary acknowledged the write begun at {@code began}: gives it the next sequence, notes
   * what it touched, and offers it to the queue through {@code offer}.
   *
   * @return whether {@code offer} took it (false: dropped, and its keys are now uncertain)
   */
  boolean queue(Footprint f, long began, Offer offer) {
    lock.lock();
    try {
      long seq = sequence + 1;
      boolean raced = f.ranges() && seq - 1 != began; // NB: any write beside a range delete
      for (int i = 0; i < f.hashes().length && !raced; i++) {
        raced = last[f.slot(i)] > began;
      }
      raced |= lastRange > began;
      boolean queued = offer.offer(seq);
      for (int i = 0; i < f.hashes().length; i++) {
        int slot = f.slot(i);
        long h = f.hashes()[i];
        last[slot] = seq;
        if (raced || !queued) {
          uncertain[slot] = uncertain[slot] == 0 || uncertain[slot] == h ? h : MANY;
        } else if (uncertain[slot] == h) {
          uncertain[slot] = 0;
        }
        inflight.decrementAndGet(slot);
      }
      if (f.ranges()) {
        lastRange = seq;
        synchronized (this) {
          rangesInflight--;
        }
        if (raced || !queued) {
          rangesUncertain = true;
        }
      }
      sequence = seq;
      return queued;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether a read of {@code hash} that began at {@code began} and has just finished can be
   * compared; if so, offers the comparison through {@code offer} (under the lock, so that no write
   * queued after the check passes it).
   *
   * @return {@link Judged#COMPARED}, {@link Judged#SKIPPED} or {@link Judged#DROPPED}
   */
  Judged compare(long hash, long began, Offer offer) {
    lock.lock();
    try {
      int slot = slotOf(hash);
      if (rangesUncertain
          || rangesInflight > 0
          || lastRange > began
          || inflight.get(slot) > 0
          || last[slot] > began
          || uncertain[slot] == hash
          || uncertain[slot] == MANY) {
        return Judged.SKIPPED;
      }
      return offer.offer(sequence) ? Judged.COMPARED : Judged.DROPPED;
    } finally {
      lock.unlock();
    }
  }

  /** Marks every key uncertain: the mirror lost track (it failed, or was stopped). */
  void forgetAll() {
    lock.lock();
    try {
      rangesUncertain = true;
      Arrays.fill(uncertain, MANY);
    } finally {
      lock.unlock();
    }
  }

  /** What became of a sampled read. */
  enum Judged {
    COMPARED,
    SKIPPED,
    DROPPED
  }

  /** Offers a task, given its sequence, to the mirror's queue without blocking. */
  @FunctionalInterface
  interface Offer {
    boolean offer(long sequence);
  }
}
