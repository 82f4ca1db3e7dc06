package dev.cairn.engine.memory;

import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The sequence numbers that open snapshots and cursors read at, so that writers keep the versions
 * they see.
 *
 * <p>Thread-safe. NB: {@link #pin} reads the published sequence and records it under the same lock
 * that {@link #horizon} takes, so a horizon a writer computes is never above a pin taken after it:
 * the pin reads a published sequence at least as high.
 */
final class ReadPins {

  private final TreeMap<Long, Integer> counts = new TreeMap<>();
  private int total;

  /** Pins the current value of {@code published} and returns it. */
  synchronized long pin(LongSupplier published) {
    long seq = published.getAsLong();
    counts.merge(seq, 1, Integer::sum);
    total++;
    return seq;
  }

  /**
   * Releases one pin of {@code seq}.
   *
   * @throws IllegalStateException if {@code seq} is not pinned (an internal bug)
   */
  synchronized void unpin(long seq) {
    Integer n = counts.get(seq);
    if (n == null) {
      throw new IllegalStateException("sequence " + seq + " is not pinned");
    }
    if (n == 1) {
      counts.remove(seq);
    } else {
      counts.put(seq, n - 1);
    }
    total--;
  }

  /**
   * The oldest sequence any reader may still read at: the lowest pin, or {@code published} when it
   * is lower or nothing is pinned. Versions hidden from a reader at the horizon are garbage.
   */
  synchronized long horizon(long published) {
    return counts.isEmpty() ? published : Math.min(published, counts.firstKey());
  }

  /** The number of pins held. */
  synchronized int size() {
    return total;
  }
}
