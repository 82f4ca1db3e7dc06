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
      byte[] k = randomKey();
      return new Op.Put(s, k, Values.of(k, s, valueSize()), durability());
    }
    if (r < 57) {
      return new Op.Delete(s, randomKey(), durability());
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
      return new Op.Batch(s, ops, durability());
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
    byte[] k = randomKey();
    return new Op.Put(s, k, Values.of(k, s, valueSize()), durability());
  }

  private byte[] randomKey() {
    return key(rnd.nextInt(shape.keys));
  }

  private Durability durability() {
    return rnd.nextInt(5) < 2 ? Durability.SYNC : Durability.BUFFERED;
  }

  private int valueSize() {
    int r = rnd.nextInt(100);
    return r < 70
        ? 16 + rnd.nextInt(100)
        : r < 95 ? 100 + rnd.nextInt(1500) : 1500 + rnd.nextInt(5000);
  }
}
