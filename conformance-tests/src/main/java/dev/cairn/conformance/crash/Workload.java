package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

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
 * <p>For an engine with the capabilities of SPI 1.1, and only then (a seed's workload for others
 * stays what it was), three steps in ten are theirs: keyspaces created and dropped (two names, each
 * created when the workload believes it absent and dropped when present), puts and deletes in them,
 * batches spanning them, range deletes alone and in batches between puts, and conditional batches
 * whose preconditions the workload expects to hold (from what it wrote) about two times in three.
 * What the workload believes is only its own bookkeeping: a step that failed may leave the store
 * otherwise, which the oracle, not the workload, accounts for.
 *
 * <p>Not thread-safe.
 */
final class Workload {

  /** What a workload may contain. */
  record Shape(
      boolean batches,
      boolean checkpoints,
      boolean reopens,
      boolean reads,
      int keys,
      boolean keyspaces,
      boolean conditional,
      boolean rangeDeletes) {

    /** A shape without the steps of SPI 1.1. */
    Shape(boolean batches, boolean checkpoints, boolean reopens, boolean reads, int keys) {
      this(batches, checkpoints, reopens, reads, keys, false, false, false);
    }

    /** Everything the engine's capabilities allow. */
    static Shape of(Set<Capability> caps) {
      boolean batches = caps.contains(Capability.ATOMIC_BATCHES);
      return new Shape(
          batches,
          caps.contains(Capability.CHECKPOINTS),
          true,
          true,
          12,
          caps.contains(Capability.KEYSPACES),
          batches && caps.contains(Capability.CONDITIONAL_WRITES),
          batches && caps.contains(Capability.RANGE_DELETES));
    }

    Shape withoutCheckpointsOrReopens() {
      return new Shape(batches, false, false, reads, keys, keyspaces, conditional, rangeDeletes);
    }

    Shape withoutReopens() {
      return new Shape(
          batches, checkpoints, false, reads, keys, keyspaces, conditional, rangeDeletes);
    }

    Shape withoutReads() {
      return new Shape(
          batches, checkpoints, reopens, false, keys, keyspaces, conditional, rangeDeletes);
    }

    /** Whether any step of SPI 1.1 may come. */
    boolean anyOf11() {
      return keyspaces || conditional || rangeDeletes;
    }
  }

  /** The keyspaces a workload creates and drops, besides the default one. */
  static final List<String> KEYSPACES = List.of("ks-a", "ks-b");

  private final SplittableRandom rnd;
  private final Shape shape;
  private int step;

  /** The keyspaces the workload believes exist (the default one aside). */
  private final Set<String> existing = new TreeSet<>();

  /** What the workload believes each key holds, by {@linkplain Op#name(String, byte[]) name}. */
  private final Map<String, byte[]> believed = new HashMap<>();

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
    Op op = choose();
    believe(op);
    return op;
  }

  private Op choose() {
    int s = step++;
    if (shape.anyOf11() && rnd.nextInt(100) < 30) {
      return next11(s);
    }
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

  /** One step of the kinds SPI 1.1 added, among those the shape allows. */
  private Op next11(int s) {
    List<Integer> kinds = new ArrayList<>();
    if (shape.keyspaces) {
      kinds.addAll(List.of(0, 0, 1, 1, 1, 1, 1));
      if (shape.batches) {
        kinds.add(2);
      }
    }
    if (shape.rangeDeletes) {
      kinds.addAll(List.of(3, 4));
    }
    if (shape.conditional) {
      kinds.addAll(List.of(5, 5));
    }
    return switch (kinds.get(rnd.nextInt(kinds.size()))) {
      case 0 -> {
        String ks = KEYSPACES.get(rnd.nextInt(KEYSPACES.size()));
        yield existing.contains(ks) ? new Op.DropKeyspace(s, ks) : new Op.CreateKeyspace(s, ks);
      }
      case 1 -> {
        String ks = existing.isEmpty() ? Keyspace.DEFAULT : named();
        byte[] k = randomKey();
        boolean byDefault = byDefault();
        if (rnd.nextInt(4) == 0) {
          yield new Op.Delete(s, ks, k, durability(byDefault), byDefault);
        }
        byte[] v = Values.of(Op.valueKey(ks, k), s, valueSize());
        yield new Op.Put(s, ks, k, v, durability(byDefault), byDefault);
      }
      case 2 -> {
        List<Op.Write> writes = new ArrayList<>();
        for (int i = 0, n = 2 + rnd.nextInt(3); i < n; i++) {
          writes.add(write(s, someKeyspace()));
        }
        yield batch(s, writes, List.of());
      }
      case 3 -> {
        String ks = shape.keyspaces && rnd.nextBoolean() ? someKeyspace() : Keyspace.DEFAULT;
        yield new Op.DeleteRange(s, ks, randomRange(), durability(false), false);
      }
      case 4 -> {
        String ks = shape.keyspaces && rnd.nextBoolean() ? someKeyspace() : Keyspace.DEFAULT;
        List<Op.Write> writes = new ArrayList<>();
        writes.add(write(s, ks));
        writes.add(new Op.Write(ks, new WriteBatch.DeleteRange(randomRange())));
        writes.add(write(s, ks));
        yield batch(s, writes, List.of());
      }
      default -> conditional(s);
    };
  }

  /** A keyspace other than the default one that exists, the workload believes; one must. */
  private String named() {
    List<String> names = new ArrayList<>(existing);
    return names.get(rnd.nextInt(names.size()));
  }

  /** A keyspace that exists, the workload believes, or the default one. */
  private String someKeyspace() {
    List<String> names = new ArrayList<>(existing);
    names.add(Keyspace.DEFAULT);
    return names.get(rnd.nextInt(names.size()));
  }

  private Op.Write write(int s, String ks) {
    byte[] k = randomKey();
    return new Op.Write(
        ks,
        rnd.nextInt(4) == 0
            ? new WriteBatch.Delete(k)
            : new WriteBatch.Put(k, Values.of(Op.valueKey(ks, k), s, valueSize())));
  }

  private Op.Batch batch(int s, List<Op.Write> writes, List<WriteBatch.Precondition> pre) {
    boolean byDefault = byDefault();
    return new Op.Batch(s, writes, pre, durability(byDefault), byDefault);
  }

  /** A range over the workload's keys: both bounds, one, or none, each inclusive or not. */
  private KeyRange randomRange() {
    int a = rnd.nextInt(shape.keys + 1);
    int b = rnd.nextInt(shape.keys + 1);
    KeyRange.Bound lower =
        rnd.nextInt(5) == 0 ? null : new KeyRange.Bound(key(Math.min(a, b)), rnd.nextBoolean());
    KeyRange.Bound upper =
        rnd.nextInt(5) == 0 ? null : new KeyRange.Bound(key(Math.max(a, b)), rnd.nextBoolean());
    return new KeyRange(lower, upper);
  }

  /**
   * A batch of one or two preconditions, each expected to hold two times in three (from what the
   * workload believes), and one to three writes in the keyspaces of the shape.
   */
  private Op.Batch conditional(int s) {
    List<WriteBatch.Precondition> pre = new ArrayList<>();
    for (int i = 0, n = 1 + rnd.nextInt(2); i < n; i++) {
      String ks = shape.keyspaces ? someKeyspace() : Keyspace.DEFAULT;
      byte[] k = randomKey();
      byte[] held = believed.get(Op.name(ks, k));
      boolean holds = rnd.nextInt(3) != 0;
      byte[] expected;
      if (holds) {
        expected = held;
      } else if (held != null && rnd.nextBoolean()) {
        expected = null;
      } else {
        // A value of this key, written at a step that never wrote it.
        expected = Values.of(Op.valueKey(ks, k), s, 16);
      }
      pre.add(new WriteBatch.Precondition(ks, k, expected));
    }
    List<Op.Write> writes = new ArrayList<>();
    for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
      writes.add(write(s, shape.keyspaces ? someKeyspace() : Keyspace.DEFAULT));
    }
    return batch(s, writes, pre);
  }

  /**
   * Updates what the workload believes the store holds, as if {@code op} succeeded (a conditional
   * batch: if its preconditions held in what the workload believes).
   */
  private void believe(Op op) {
    switch (op) {
      case Op.CreateKeyspace c -> existing.add(c.keyspace());
      case Op.DropKeyspace d -> {
        existing.remove(d.keyspace());
        believed.keySet().removeIf(k -> k.startsWith(Op.marker(d.keyspace())));
      }
      case Op.Put p -> believed.put(Op.name(p.keyspace(), p.key()), p.value());
      case Op.Delete d -> believed.remove(Op.name(d.keyspace(), d.key()));
      case Op.DeleteRange r -> forget(r.keyspace(), r.range());
      case Op.Batch b -> {
        for (WriteBatch.Precondition p : b.preconditions()) {
          byte[] held = believed.get(Op.name(p.keyspace(), p.key()));
          if (!Arrays.equals(held, p.expected())) {
            return;
          }
        }
        for (Op.Write w : b.writes()) {
          switch (w.operation()) {
            case WriteBatch.Put p -> believed.put(Op.name(w.keyspace(), p.key()), p.value());
            case WriteBatch.Delete d -> believed.remove(Op.name(w.keyspace(), d.key()));
            case WriteBatch.DeleteRange r -> forget(w.keyspace(), r.range());
          }
        }
      }
      default -> {
        // Flushes, checkpoints, reopens and reads change nothing.
      }
    }
  }

  private void forget(String keyspace, KeyRange range) {
    for (int i = 0; i < shape.keys; i++) {
      if (range.contains(key(i))) {
        believed.remove(Op.name(keyspace, key(i)));
      }
    }
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
