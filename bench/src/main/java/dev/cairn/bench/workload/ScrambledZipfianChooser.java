package dev.cairn.bench.workload;

import java.util.SplittableRandom;

/**
 * Zipfian popularity with the popular items scattered over the key space, as YCSB's {@code
 * ScrambledZipfianGenerator} does (its "zipfian" request distribution).
 *
 * <p>Thread-safe. Draws a zipfian number over ten billion items (with YCSB's precomputed zeta for
 * theta 0.99, so construction is O(1)) and hashes it with 64-bit FNV-1a into {@code [0, items)}.
 * The popularity ranking is therefore the same whatever {@code items} is, and the hot items are not
 * the first ones inserted.
 */
public final class ScrambledZipfianChooser implements KeyChooser {

  static final long ITEM_COUNT = 10_000_000_000L;
  static final double ZETAN = 26.46902820178302;

  private static final ZipfianChooser BASE =
      ZipfianChooser.withZeta(ITEM_COUNT, ZipfianChooser.THETA, ZETAN);

  private final long items;

  /**
   * @throws IllegalArgumentException if {@code items < 1}
   */
  public ScrambledZipfianChooser(long items) {
    if (items < 1) {
      throw new IllegalArgumentException("items must be >= 1, got " + items);
    }
    this.items = items;
  }

  @Override
  public long next(SplittableRandom random) {
    return Long.remainderUnsigned(Fnv.hash64(BASE.next(random)), items);
  }
}
