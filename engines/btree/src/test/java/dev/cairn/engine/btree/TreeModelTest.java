package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random puts, deletes and range deletes with keys and values of every size, in batches, against a
 * {@code TreeMap}: splits, merges, overflow chains of keys and values, root growth and collapse,
 * checked by a full scan both ways and the consistency check after each round and after reopening.
 */
class TreeModelTest {

  @TempDir Path dir;

  private static final java.util.Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private static byte[] bytes(Random r, int max) {
    int len = r.nextInt(10) == 0 ? r.nextInt(max) : r.nextInt(24);
    byte[] b = new byte[len];
    r.nextBytes(b);
    return b;
  }

  @Test
  void randomOperationsMatchAModel() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("TreeModelTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    Random r = new Random(seed);
    TreeMap<byte[], byte[]> model = new TreeMap<>(ORDER);
    BtreeEngine e = TestStores.open(dir);
    long deepest = 0;
    try {
      for (int round = 0; round < 12; round++) {
        for (int b = 0; b < 20; b++) {
          WriteBatch batch = new WriteBatch();
          int ops = 1 + r.nextInt(40);
          for (int i = 0; i < ops; i++) {
            int kind = r.nextInt(round % 4 == 2 ? 2 : 10);
            byte[] key =
                r.nextInt(3) == 0 && !model.isEmpty()
                    ? model.ceilingKey(bytes(r, 16))
                    : bytes(r, 9000);
            if (key == null) {
              key = bytes(r, 20);
            }
            if (kind == 0) {
              batch.delete(key);
              model.remove(key);
            } else if (kind == 1 && r.nextInt(8) == 0) {
              byte[] other = bytes(r, 4);
              byte[] lo = ORDER.compare(key, other) <= 0 ? key : other;
              byte[] hi = lo == key ? other : key;
              batch.deleteRange(KeyRange.between(lo, hi));
              model.subMap(lo, true, hi, false).clear();
            } else {
              byte[] value = bytes(r, 20000);
              batch.put(key, value);
              model.put(key, value);
            }
          }
          e.write(batch);
        }
        compare(model, e, "round " + round + " (seed " + seed + ")");
        assertConsistent(e);
        deepest = Math.max(deepest, e.statistics().details().get("tree.depth"));
      }
      e.close();
      e = TestStores.open(dir);
      compare(model, e, "after reopening (seed " + seed + ")");
      assertConsistent(e);
      assertTrue(deepest >= 2, "the tree never grew past " + deepest + " levels");
    } finally {
      e.close();
    }
  }

  static void compare(TreeMap<byte[], byte[]> model, BtreeEngine e, String when) {
    assertEquals(model.size(), e.approximateCount(KeyRange.all()), when + ": entries");
    try (Cursor c = e.cursor()) {
      for (Map.Entry<byte[], byte[]> m : model.entrySet()) {
        assertTrue(c.next(), when + ": the cursor ends early");
        assertArrayEquals(m.getKey(), c.key(), when);
        assertArrayEquals(m.getValue(), c.value(), when);
      }
      assertTrue(!c.next(), when + ": the cursor goes on");
    }
    try (Cursor c = e.cursor(KeyRange.all(), Direction.REVERSE)) {
      for (Map.Entry<byte[], byte[]> m : model.descendingMap().entrySet()) {
        assertTrue(c.next(), when + ": the reverse cursor ends early");
        assertArrayEquals(m.getKey(), c.key(), when);
      }
      assertTrue(!c.next(), when + ": the reverse cursor goes on");
    }
    for (Map.Entry<byte[], byte[]> m : model.entrySet()) {
      assertArrayEquals(m.getValue(), e.get(m.getKey()), when);
    }
  }
}
