package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Durability;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded random workloads: puts, deletes and batches under {@code SYNC} and {@code BUFFERED},
 * flushes, checkpoints, reopens and reads, over a small key space so that keys are overwritten and
 * deleted often. The same seed and shape give the same operations, which is how a failure replays
 * and how a parent process knows what its child wrote.
 *
 * <p>Every write form is used: a quarter of the puts, deletes and batches name no durability and
 * get the store's default ({@link StoreSession#DEFAULT_DURABILITY}). Values come in every size
 * class an engine may treat apart ({@link #valueSize()}): empty, small, around a page or block,
 * around 64 KiB, and now and then about 1 MiB, so that a write path that differs by size (a
 * separate file for large values, a record split across blocks) is crashed too.
 *
 * <p>Not thread-safe.
 */
final class Workload {

  /** What a workload may contain. */
  record Shape(boolean batches, boolean checkpoints, boolean reopens, boolean reads, int keys) {

    /** Everything the engine's capabilities allow. */
    static Shape of(Set<Capability> caps) {
      return new Shape(
          caps.contains(Capability.ATOMIC_BATCHES),
          caps.contains(Capability.CHECKPOINTS),
          true,
          true,
          12);
    }

    Shape withoutCheckpointsOrReopens() {
      return new Shape(batches, false, false, reads, keys);
    }

    Shape withoutReopens() {
      return new Shape(batches, checkpoints, false, reads, keys);
    }

    Shape withoutReads() {
      return new Shape(batches, checkpoints, reopens, false, keys);
    }
  }

  private final SplittableRandom rnd;
  private final Shape shape;
  private int step;

  Workload(long seed, Shape shape) {
    this.rnd = new SplittableRandom(seed);
    this.shape = shape;
  }

  static List<Op> generate(long seed, int count, Shape shape) {
    Workload w = new Workload(seed, shape);
    List<Op> ops = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ops.add(w.next());
    }
    return ops;
  }

  static byte[] key(int i) {
    return String.format("key-%02d", i).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Every key a workload of this shape may touch. */
  static List<byte[]> keys(Shape shape) {
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < shape.keys; i++) {
      keys.add(key(i));
    }
    return keys;
  }

  Op next() {
    int s = step++;
    int r = rnd.nextInt(100);
    if (r < 45) {
      return put(s);
    }
    if (r < 57) {
      boolean byDefault = byDefault();
      return new Op.Delete(s, randomKey(), durability(byDefault), byDefault);
    }
    if (r < 72 && shape.batches) {
      List<WriteBatch.Operation> ops = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
        byte[] k = randomKey();
        ops.add(
            rnd.nextInt(4) == 0
                ? new WriteBatch.Delete(k)
                : new WriteBatch.Put(k, Values.of(k, s, valueSize())));
      }
      boolean byDefault = byDefault();
      return new Op.Batch(s, ops, durability(byDefault), byDefault);
    }
    if (r < 80) {
      return new Op.Flush(s);
    }
    if (r < 84 && shape.checkpoints) {
      return new Op.Checkpoint(s);
    }
    if (r < 88 && shape.reopens) {
      return new Op.Reopen(s);
    }
    if (shape.reads) {
      return new Op.Get(s, randomKey());
    }
    return put(s);
  }

  private Op.Put put(int s) {
    byte[] k = randomKey();
    byte[] v = Values.of(k, s, valueSize());
    boolean byDefault = byDefault();
    return new Op.Put(s, k, v, durability(byDefault), byDefault);
  }

  private byte[] randomKey() {
    return key(rnd.nextInt(shape.keys));
  }

  /** Whether a write uses the form that names no durability: one in four. */
  private boolean byDefault() {
    return rnd.nextInt(4) == 0;
  }

  private Durability durability(boolean byDefault) {
    if (byDefault) {
      return StoreSession.DEFAULT_DURABILITY;
    }
    return rnd.nextInt(5) < 2 ? Durability.SYNC : Durability.BUFFERED;
  }

  /**
   * A value size from one of the classes, in thousandths: empty (5%); small, 16 to 115 bytes (55%);
   * a few hundred bytes to a few sectors (25%); around a page or block of 4, 8, 16 or 32 KiB (12%);
   * around 64 KiB (2.7%); around 1 MiB (0.3%). Sizes near a boundary fall within 64 bytes either
   * side of it, so that records end just before, on, and just after it. The large classes are rare
   * because they are costly (more files, more crash points); still, about one random power-cut
   * trial in four writes a value of 64 KiB or more, and one in thirty a value of 1 MiB.
   */
  private int valueSize() {
    int r = rnd.nextInt(1000);
    if (r < 50) {
      return 0;
    }
    if (r < 600) {
      return 16 + rnd.nextInt(100);
    }
    if (r < 850) {
      return 100 + rnd.nextInt(1500);
    }
    if (r < 970) {
      return near(4096 << rnd.nextInt(4));
    }
    if (r < 997) {
      return near(64 * 1024);
    }
    return near(1024 * 1024);
  }

  private int near(int boundary) {
    return boundary + rnd.nextInt(-64, 65);
  }
}
