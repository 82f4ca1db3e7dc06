package dev.cairn.conformance.model;

import dev.cairn.spi.Direction;
import java.util.ArrayList;
import java.util.Arrays;
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
 */
public final class OpGenerator {

  private static final byte[] ALPHABET = {
    0x00, 0x01, 0x61, 0x62, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF
  };

  private OpGenerator() {}

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
    while (ops.size() < length) {
      int roll = r.nextInt(100);
      if (roll < 30) {
        ops.add(put(r, pool));
      } else if (roll < 42) {
        ops.add(new Op.Delete(key(r, pool)));
      } else if (roll < 58) {
        ops.add(new Op.Get(key(r, pool), snapshotRef(r, open, features)));
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
        ops.add(scan(r, pool, features, snapshotRef(r, open, features)));
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
    }
    return ops;
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
