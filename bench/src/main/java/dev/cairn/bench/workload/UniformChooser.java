package dev.cairn.bench.workload;

import java.util.SplittableRandom;

/** Every record number in {@code [0, items)} equally likely. Thread-safe. */
public record UniformChooser(long items) implements KeyChooser {

  /**
   * @throws IllegalArgumentException if {@code items < 1}
   */
  public UniformChooser {
    if (items < 1) {
      throw new IllegalArgumentException("items must be >= 1, got " + items);
    }
  }

  @Override
  public long next(SplittableRandom random) {
    return random.nextLong(items);
  }
}
