package dev.cairn.conformance.model;

import dev.cairn.spi.Direction;
import dev.cairn.spi.Keyspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Generates operation sequences from a seed: the same seed, length and features always give the
 * same sequence.
 *
 * <p>Keys come mostly from a small pool per sequence, built from the bytes that break orderings
 * ({@code 0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF} and two letters), with lengths 0 to 3 so that keys
 * prefix each other and collide often; a few are long. Values are mostly short, sometimes empty,
 * now and then several KiB. Stateless.
 *
 * <p>For engines with the capabilities of SPI 1.1 (and only then, so that the sequences of a seed
 * stay what they were for others) about one step in six is one of theirs: a keyspace created or
 * dropped (names from a pool of three, mostly ones that exist or do not, as the step needs), a
 * batch spanning keyspaces, a range delete, alone, in a keyspace or in a batch, or a conditional
 * batch whose preconditions hold about half the time; and a third of the puts, deletes, gets and
 * scans run in a named keyspace. A model of the store follows the generation, so that preconditions
 * can be made to hold or fail on purpose; what it says does not decide which steps come, only their
 * content.
 */
public final class OpGenerator {

  private static final byte[] ALPHABET = {
    0x00, 0x01, 0x61, 0x62, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF
  };

  private OpGenerator() {}

  /** The keyspace names sequences use besides the default one. */
  private static final List<String> KEYSPACES = List.of("ks1", "ks2", "ks3");

  /** The sequence of {@code length} steps for {@code seed}, using only {@code features}. */
  public static List<Op> generate(long seed, int length, Features features) {
    Random r = new Random(seed);
    List<byte[]> pool = new ArrayList<>();
    int poolSize = 6 + r.nextInt(14);
    for (int i = 0; i < poolSize; i++) {
      pool.add(r.nextInt(12) == 0 ? longKey(r) : shortKey(r));
    }
    List<Integer> open = new ArrayList<>();
    int nextSnapshot = 0;
    List<Op> ops = new ArrayList<>(length);
    Model model = features.anyOf11() ? new Model() : null;
    while (ops.size() < length) {
      int before = ops.size();
      if (model != null && r.nextInt(100) < 16) {
        ops.add(of11(r, pool, features, model));
      } else {
        nextSnapshot = classic(r, pool, features, model, open, nextSnapshot, ops);
      }
      if (model != null) {
        for (int i = before; i < ops.size(); i++) {
          model.apply(ops.get(i), features.ordered());
        }
      }
    }
    return ops;
  }

  /** One step of SPI 1.0's kinds, added to {@code ops} (or none); the next snapshot number. */
  private static int classic(
      Random r,
      List<byte[]> pool,
      Features features,
      Model model,
      List<Integer> open,
      int nextSnapshot,
      List<Op> ops) {
    int roll = r.nextInt(100);
    if (roll < 30) {
      ops.add(maybeInKeyspace(r, features, model, put(r, pool)));
    } else if (roll < 42) {
      ops.add(maybeInKeyspace(r, features, model, new Op.Delete(key(r, pool))));
    } else if (roll < 58) {
      ops.add(
          maybeInKeyspace(
              r, features, model, new Op.Get(key(r, pool), snapshotRef(r, open, features))));
    } else if (roll < 66) {
      if (features.batches()) {
        List<Op> batch = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
          batch.add(r.nextInt(3) == 0 ? new Op.Delete(key(r, pool)) : put(r, pool));
        }
        ops.add(new Op.Batch(batch));
      }
    } else if (roll < 82) {
      ops.add(
          maybeInKeyspace(
              r, features, model, scan(r, pool, features, snapshotRef(r, open, features))));
    } else if (roll < 88) {
      if (features.snapshots() && open.size() < 4) {
        open.add(nextSnapshot);
        ops.add(new Op.OpenSnapshot(nextSnapshot++));
      }
    } else if (roll < 92) {
      if (!open.isEmpty()) {
        ops.add(new Op.CloseSnapshot(open.remove(r.nextInt(open.size()))));
      }
    } else if (roll < 94) {
      ops.add(new Op.Flush());
    } else if (roll < 97) {
      if (features.reopen()) {
        open.clear();
        ops.add(new Op.Reopen());
      }
    } else {
      ops.add(new Op.Check());
    }
    return nextSnapshot;
  }

  /**
   * {@code op} as it is, or (one time in three, with keyspaces) in a named keyspace, mostly one
   * that exists.
   */
  private static Op maybeInKeyspace(Random r, Features features, Model model, Op op) {
    if (!features.keyspaces() || r.nextInt(3) != 0) {
      return op;
    }
    return new Op.InKeyspace(keyspace(r, model, r.nextInt(8) != 0), op);
  }

  /**
   * One step of the kinds SPI 1.1 added, among those {@code features} allow: 0 create a keyspace
   * (twice as likely as) 1 drop one, 2 a batch across keyspaces, 3 a range delete, 4 a conditional
   * batch.
   */
  private static Op of11(Random r, List<byte[]> pool, Features features, Model model) {
    List<Integer> kinds = new ArrayList<>();
    if (features.keyspaces()) {
      kinds.addAll(List.of(0, 0, 1));
      if (features.batches()) {
        kinds.add(2);
      }
    }
    if (features.rangeDeletes()) {
      kinds.add(3);
    }
    if (features.conditional()) {
      kinds.addAll(List.of(4, 4));
    }
    return switch (kinds.get(r.nextInt(kinds.size()))) {
      case 0 -> new Op.CreateKeyspace(keyspace(r, model, r.nextInt(8) == 0));
      case 1 -> new Op.DropKeyspace(keyspace(r, model, r.nextInt(8) != 0));
      case 2 -> {
        List<Op> batch = new ArrayList<>();
        for (int i = 0, n = 2 + r.nextInt(5); i < n; i++) {
          Op write = r.nextInt(3) == 0 ? new Op.Delete(key(r, pool)) : put(r, pool);
          batch.add(inSomeKeyspace(r, model, write));
        }
        yield new Op.Batch(batch);
      }
      case 3 -> {
        Op.DeleteRange d = deleteRange(r, pool);
        if (r.nextBoolean()) {
          // Puts of keys the range holds, before and after it: the order decides what stays.
          List<byte[]> inside = new ArrayList<>();
          for (byte[] k : pool) {
            if (Outputs.range(d).contains(k)) {
              inside.add(k);
            }
          }
          List<Op> batch = new ArrayList<>();
          for (Op.Put p : List.of(put(r, pool), put(r, pool))) {
            byte[] k = inside.isEmpty() ? p.key() : inside.get(r.nextInt(inside.size()));
            batch.add(new Op.Put(k, p.value(), false));
            if (batch.size() == 1) {
              batch.add(d);
            }
          }
          yield new Op.Batch(batch);
        }
        yield maybeInKeyspace(r, features, model, d);
      }
      default -> conditionalBatch(r, pool, features, model);
    };
  }

  /**
   * A keyspace name from the pool: one that exists when {@code existing} (if any does), else one
   * that does not (if any).
   */
  private static String keyspace(Random r, Model model, boolean existing) {
    List<String> fitting = new ArrayList<>();
    for (String k : KEYSPACES) {
      if (model.exists(k) == existing) {
        fitting.add(k);
      }
    }
    List<String> from = fitting.isEmpty() ? KEYSPACES : fitting;
    return from.get(r.nextInt(from.size()));
  }

  /** {@code op} in the default keyspace or, mostly, an existing named one. */
  private static Op inSomeKeyspace(Random r, Model model, Op op) {
    if (r.nextInt(3) == 0) {
      return op;
    }
    return new Op.InKeyspace(keyspace(r, model, r.nextInt(10) != 0), op);
  }

  private static Op.DeleteRange deleteRange(Random r, List<byte[]> pool) {
    byte[] lower = r.nextInt(4) == 0 ? null : key(r, pool);
    byte[] upper = r.nextInt(4) == 0 ? null : key(r, pool);
    if (lower != null && upper != null && Arrays.compareUnsigned(lower, upper) > 0) {
      byte[] t = lower;
      lower = upper;
      upper = t;
    }
    return new Op.DeleteRange(lower, r.nextBoolean(), upper, r.nextBoolean());
  }

  /**
   * A batch of one to three preconditions and up to four writes; each precondition holds, as the
   * model says, with probability about 0.7, so the batch applies about half the time.
   */
  private static Op.Batch conditionalBatch(
      Random r, List<byte[]> pool, Features features, Model model) {
    List<Op> batch = new ArrayList<>();
    for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
      String ks =
          features.keyspaces() && r.nextInt(3) == 0 ? keyspace(r, model, true) : Keyspace.DEFAULT;
      byte[] k = key(r, pool);
      byte[] held = model.value(ks, k);
      boolean holds = r.nextInt(10) < 7;
      byte[] expected;
      if (holds) {
        expected = held;
      } else if (held == null || r.nextBoolean()) {
        expected = held == null ? put(r, pool).value() : mutate(held);
      } else {
        expected = null;
      }
      Op require = new Op.Require(k, expected);
      batch.add(ks.equals(Keyspace.DEFAULT) ? require : new Op.InKeyspace(ks, require));
    }
    for (int i = 0, n = r.nextInt(5); i < n; i++) {
      Op write =
          switch (r.nextInt(features.rangeDeletes() ? 5 : 4)) {
            case 0 -> new Op.Delete(key(r, pool));
            case 4 -> deleteRange(r, pool);
            default -> put(r, pool);
          };
      batch.add(features.keyspaces() ? inSomeKeyspace(r, model, write) : write);
    }
    Collections.shuffle(batch, r);
    return new Op.Batch(batch);
  }

  /** A value other than {@code v}: one byte more, or its last byte changed. */
  private static byte[] mutate(byte[] v) {
    if (v.length == 0) {
      return new byte[] {0};
    }
    byte[] m = v.clone();
    m[m.length - 1]++;
    return m;
  }

  private static byte[] shortKey(Random r) {
    byte[] k = new byte[r.nextInt(4)];
    for (int i = 0; i < k.length; i++) {
      k[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return k;
  }

  private static byte[] longKey(Random r) {
    byte[] k = new byte[40 + r.nextInt(200)];
    Arrays.fill(k, ALPHABET[r.nextInt(ALPHABET.length)]);
    k[k.length - 1] = ALPHABET[r.nextInt(ALPHABET.length)];
    return k;
  }

  private static byte[] key(Random r, List<byte[]> pool) {
    return r.nextInt(10) == 0 ? shortKey(r) : pool.get(r.nextInt(pool.size()));
  }

  private static Op.Put put(Random r, List<byte[]> pool) {
    int size =
        switch (r.nextInt(20)) {
          case 0 -> 0;
          case 1 -> 1000 + r.nextInt(5000);
          default -> 1 + r.nextInt(8);
        };
    byte[] value = new byte[size];
    r.nextBytes(value);
    return new Op.Put(key(r, pool), value, r.nextInt(10) == 0);
  }

  private static int snapshotRef(Random r, List<Integer> open, Features features) {
    if (!features.snapshots() || open.isEmpty() || r.nextInt(3) != 0) {
      return -1;
    }
    return open.get(r.nextInt(open.size()));
  }

  private static Op.Scan scan(Random r, List<byte[]> pool, Features features, int snapshot) {
    if (!features.ordered()) {
      return new Op.Scan(
          null, false, null, false, Direction.FORWARD, 0, null, Integer.MAX_VALUE, snapshot);
    }
    byte[] lower = r.nextInt(3) == 0 ? null : key(r, pool);
    byte[] upper = r.nextInt(3) == 0 ? null : key(r, pool);
    if (lower != null && upper != null && Arrays.compareUnsigned(lower, upper) > 0) {
      byte[] t = lower;
      lower = upper;
      upper = t;
    }
    return new Op.Scan(
        lower,
        r.nextBoolean(),
        upper,
        r.nextBoolean(),
        r.nextBoolean() ? Direction.FORWARD : Direction.REVERSE,
        r.nextInt(5) == 0 ? 1 + r.nextInt(3) : 0,
        r.nextInt(3) == 0 ? key(r, pool) : null,
        1 + r.nextInt(25),
        snapshot);
  }
}
