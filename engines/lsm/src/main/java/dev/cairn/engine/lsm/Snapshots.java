package dev.cairn.engine.lsm;

import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The sequence numbers open snapshots read at, so that compaction keeps the versions they see
 * (LevelDB's {@code SnapshotList}).
 *
 * <p>Thread-safe. NB: {@link #pin} reads the visible sequence and records it under the same lock
 * that {@link #smallest} takes, so the smallest sequence a compaction computes is never above a pin
 * taken after it: such a pin reads a visible sequence at least as high.
 */
final class Snapshots {

  /** How many pins of a sequence, and when the oldest of them was taken. */
  private static final class Pins {
    int count;
    final long since;

    Pins(long since) {
      this.since = since;
    }
  }

  private final TreeMap<Long, Pins> pins = new TreeMap<>();
  private int total;

  /** Pins the current value of {@code visible} and returns it. */
  synchronized long pin(LongSupplier visible) {
    long seq = visible.getAsLong();
    pins.computeIfAbsent(seq, s -> new Pins(System.nanoTime())).count++;
    total++;
    return seq;
  }

  /**
   * Releases one pin of {@code seq}.
   *
   * @throws IllegalStateException if {@code seq} is not pinned (an internal bug)
   */
  synchronized void unpin(long seq) {
    Pins p = pins.get(seq);
    if (p == null) {
      throw new IllegalStateException("sequence " + seq + " is not pinned");
    }
    if (--p.count == 0) {
      pins.remove(seq);
    }
    total--;
  }

  /**
   * The oldest sequence a snapshot may read at: the smallest pin, or {@code visible} when it is
   * smaller or nothing is pinned. A version hidden from a reader at this sequence is garbage.
   */
  synchronized long smallest(long visible) {
    return pins.isEmpty() ? visible : Math.min(visible, pins.firstKey());
  }

  /** The pinned sequences, ascending, each once. */
  synchronized long[] pinned() {
    return pins.keySet().stream().mapToLong(Long::longValue).toArray();
  }

  synchronized int size() {
    return total;
  }

  /** How long the oldest snapshot has been open, in milliseconds; 0 when none is. */
  synchronized long oldestAgeMillis() {
    long now = System.nanoTime();
    long oldest = now;
    for (Pins p : pins.values()) {
      oldest = Math.min(oldest, p.since);
    }
    return (now - oldest) / 1_000_000;
  }
}
