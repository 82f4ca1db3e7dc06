package dev.cairn.bench.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Values of a fixed size cut from one pseudo-random megabyte, as db_bench's {@code RandomGenerator}
 * does: cheap to produce, deterministic from the seed, and incompressible, so engines that compress
 * gain nothing from it (stated in the docs). Thread-safe (immutable).
 */
public final class ValueSource {

  private static final int POOL = 1 << 20;

  private final byte[] pool;
  private final int valueSize;

  /**
   * @throws IllegalArgumentException if {@code valueSize} is negative or above 16 MiB
   */
  public ValueSource(long seed, int valueSize) {
    if (valueSize < 0 || valueSize > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("value size must be in [0, 16 MiB], got " + valueSize);
    }
    this.valueSize = valueSize;
    this.pool = new byte[Math.max(POOL, valueSize * 2)];
    new SplittableRandom(seed).nextBytes(pool);
  }

  /** The size of every value. */
  public int valueSize() {
    return valueSize;
  }

  /** A new value array, its offset in the pool drawn from {@code random}. */
  public byte[] next(SplittableRandom random) {
    return next(random, valueSize);
  }

  /**
   * A new value array of {@code size} bytes, its offset in the pool drawn from {@code random}.
   *
   * @throws IllegalArgumentException if {@code size} is negative or larger than the pool (1 MiB, or
   *     twice the value size)
   */
  public byte[] next(SplittableRandom random, int size) {
    if (size < 0 || size > pool.length) {
      throw new IllegalArgumentException(
          "value size must be in [0, " + pool.length + "], got " + size);
    }
    int offset = random.nextInt(pool.length - size + 1);
    return Arrays.copyOfRange(pool, offset, offset + size);
  }
}
