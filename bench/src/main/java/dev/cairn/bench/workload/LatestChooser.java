package dev.cairn.bench.workload;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * YCSB's "latest" distribution ({@code SkewedLatestGenerator}): the most recently inserted records
 * are the most popular, with zipfian skew by age.
 *
 * <p>Thread-safe. {@code inserted} counts the records that exist (numbered {@code 0..count-1}); the
 * chooser picks {@code count - 1 - z} where {@code z} is zipfian over the current count. The
 * zipfian table is rebuilt only when the count has grown by more than a tenth since it was built,
 * so its O(n) zeta is paid rarely; between rebuilds the newest few records are simply not yet
 * reachable by the skew, as with any bounded table.
 */
public final class LatestChooser implements KeyChooser {

  private final AtomicLong inserted;
  private volatile ZipfianChooser zipf;

  /**
   * @param inserted how many records exist; grows as the workload inserts
   */
  public LatestChooser(AtomicLong inserted) {
    this.inserted = inserted;
    this.zipf = ZipfianChooser.of(Math.max(1, inserted.get()));
  }

  @Override
  public long next(SplittableRandom random) {
    long count = Math.max(1, inserted.get());
    ZipfianChooser z = zipf;
    if (count > z.items() + z.items() / 10) {
      synchronized (this) {
        z = zipf;
        if (count > z.items() + z.items() / 10) {
          z = ZipfianChooser.of(count);
          zipf = z;
        }
      }
    }
    long age = z.next(random);
    return Math.max(0, count - 1 - age);
  }
}
