package dev.cairn.bench.workload;

import java.util.SplittableRandom;

/**
 * Chooses record numbers for operations, as YCSB's request distributions do.
 *
 * <p>Implementations keep no random state of their own: each call draws from the caller's {@link
 * SplittableRandom}, so a thread with its own seeded random gets a deterministic sequence and
 * threads never contend. Instances are thread-safe unless they say otherwise.
 */
public interface KeyChooser {

  /** The next record number, in {@code [0, itemCount)} where {@code itemCount} is the chooser's. */
  long next(SplittableRandom random);
}
