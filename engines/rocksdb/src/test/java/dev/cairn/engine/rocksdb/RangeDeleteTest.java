package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static dev.cairn.engine.rocksdb.Fixtures.drain;
import static dev.cairn.engine.rocksdb.Fixtures.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Range deletes: bounds mapped exactly onto RocksDB's DeleteRange, in order, atomic. */
class RangeDeleteTest {

  @TempDir Path tmp;

  private static KeyRange range(byte[] lo, boolean loIn, byte[] hi, boolean hiIn) {
    return new KeyRange(
        lo == null ? null : new KeyRange.Bound(lo, loIn),
        hi == null ? null : new KeyRange.Bound(hi, hiIn));
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Test
  void boundsMapExactly() {
    RangeBounds r = RangeBounds.of(range(b("a"), true, b("c"), false));
    assertEquals("61", hex(r.begin()));
    assertEquals("63", hex(r.end()));
    r = RangeBounds.of(range(b("a"), false, b("c"), true));
    assertEquals("6100", hex(r.begin()), "exclusive lower: the key's successor");
    assertEquals("6300", hex(r.end()), "inclusive upper: the end is the key's successor");
    r = RangeBounds.of(KeyRange.all());
    assertEquals(0, r.begin().length, "no lower bound: the empty key");
    assertTrue(r.unboundedAbove());
    assertEquals(Limits.MAX_KEY_SIZE + 1, r.end().length);
    byte[] largest = new byte[Limits.MAX_KEY_SIZE];
    Arrays.fill(largest, (byte) 0xFF);
    assertTrue(Arrays.compareUnsigned(largest, r.end()) < 0, "beyond the largest key");
    assertEquals(
        "6300", hex(RangeBounds.of(range(b("c"), true, b("c"), true)).end()), "[c, c] is one key");
    assertNull(RangeBounds.of(range(b("c"), true, b("c"), false)), "[c, c) is empty");
    assertNull(RangeBounds.of(range(b("c"), false, b("c"), true)), "(c, c] is empty");
    assertNull(RangeBounds.of(range(b("c"), false, b("c"), false)), "(c, c) is empty");
  }

  /** Keys that sit next to each other at byte boundaries, and the largest key of all. */
  private static List<byte[]> keyPool() {
    List<byte[]> keys = new ArrayList<>();
    keys.add(new byte[0]);
    keys.add(new byte[] {0});
    keys.add(new byte[] {0, 0});
    for (String k : List.of("a", "ab", "b", "ba", "c", "d", "zz")) {
      keys.add(b(k));
      keys.add(Arrays.copyOf(b(k), k.length() + 1)); // k + 0x00: the successor
    }
    keys.add(new byte[] {(byte) 0xFF});
    keys.add(new byte[] {(byte) 0xFF, (byte) 0xFF});
    byte[] largest = new byte[Limits.MAX_KEY_SIZE];
    Arrays.fill(largest, (byte) 0xFF);
    keys.add(largest);
    return keys;
  }

  @Test
  void randomRangeDeletesMatchAModel() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("RangeDeleteTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    Random random = new Random(seed);
    List<byte[]> pool = keyPool();
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"), Map.of("write-buffer.size", "64k"))) {
      Keyspace other = e.createKeyspace("other");
      TreeMap<byte[], String> model = new TreeMap<>(Arrays::compareUnsigned);
      TreeMap<byte[], String> otherModel = new TreeMap<>(Arrays::compareUnsigned);
      for (int step = 0; step < 400; step++) {
        String v = "v" + step;
        int roll = random.nextInt(10);
        if (roll < 4) {
          byte[] k = pool.get(random.nextInt(pool.size()));
          e.put(k, b(v));
          model.put(k, v);
          other.put(k, b(v));
          otherModel.put(k, v);
        } else if (roll < 5) {
          byte[] k = pool.get(random.nextInt(pool.size()));
          e.delete(k);
          model.remove(k);
        } else if (roll < 8) {
          KeyRange r = randomRange(random, pool);
          e.deleteRange(r, Durability.BUFFERED);
          model.keySet().removeIf(r::contains);
        } else if (roll < 9) {
          // a batch: a put, a range delete over it, a put after: order within the batch counts
          KeyRange r = randomRange(random, pool);
          byte[] before = pool.get(random.nextInt(pool.size()));
          byte[] after = pool.get(random.nextInt(pool.size()));
          e.write(
              new WriteBatch()
                  .put(before, b(v + "b"))
                  .deleteRange(r)
                  .put(after, b(v + "a"))
                  .deleteRange("other", r));
          model.put(before, v + "b");
          model.keySet().removeIf(r::contains);
          model.put(after, v + "a");
          otherModel.keySet().removeIf(r::contains);
        } else {
          e.flushMemtableForTest();
        }
        if (step % 10 == 0 || step == 399) {
          assertEquals(
              render(model), scan(e), "seed " + seed + ", step " + step + ": default keyspace");
          assertEquals(render(otherModel), scan(other), "seed " + seed + ", step " + step);
        }
      }
      var report = e.checkConsistency();
      assertTrue(report.isConsistent(), "seed " + seed + ": " + report.problems());
    }
  }

  private static KeyRange randomRange(Random random, List<byte[]> pool) {
    byte[] x = random.nextInt(5) == 0 ? null : pool.get(random.nextInt(pool.size()));
    byte[] y = random.nextInt(5) == 0 ? null : pool.get(random.nextInt(pool.size()));
    if (x != null && y != null && Arrays.compareUnsigned(x, y) > 0) {
      byte[] t = x;
      x = y;
      y = t;
    }
    return range(x, random.nextBoolean(), y, random.nextBoolean());
  }

  private static List<String> render(TreeMap<byte[], String> model) {
    List<String> out = new ArrayList<>();
    model.forEach((k, v) -> out.add(hex(k) + "=" + v));
    return out;
  }

  private static List<String> scan(ReadView view) {
    List<String> out = new ArrayList<>();
    try (Cursor c = view.cursor()) {
      while (c.next()) {
        out.add(hex(c.key()) + "=" + s(c.value()));
      }
    }
    return out;
  }

  @Test
  void aRangeDeleteIsSeenOnlyBySnapshotsTakenAfterIt() {
    Path dir = tmp.resolve("db");
    try (RocksDbEngine e = Fixtures.open(dir)) {
      for (String k : List.of("a", "b", "c", "d")) {
        e.put(b(k), b(k));
      }
      try (Snapshot before = e.snapshot()) {
        e.deleteRange(KeyRange.between(b("b"), b("d")), Durability.SYNC);
        try (Snapshot after = e.snapshot()) {
          assertEquals(List.of("a=a", "b=b", "c=c", "d=d"), drain(before.cursor()));
          assertEquals(List.of("a=a", "d=d"), drain(after.cursor()));
          assertEquals("b", s(before.get(b("b"))));
          assertNull(after.get(b("b")));
        }
      }
      e.put(b("c"), b("again"));
      assertEquals("again", s(e.get(b("c"))), "a later put is not covered");
    }
    try (RocksDbEngine e = Fixtures.open(dir)) {
      assertEquals(List.of("a=a", "c=again", "d=d"), drain(e.cursor()), "durable");
    }
  }

  @Test
  void readersSeeAllOfARangeDeleteOrNone() throws Exception {
    int n = 200;
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      WriteBatch fill = new WriteBatch();
      for (int i = 0; i < n; i++) {
        fill.put(b(String.format("k%04d", i)), b("v"));
      }
      e.write(fill);
      AtomicBoolean done = new AtomicBoolean();
      List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      Fixtures.concurrently(
          2,
          thread -> {
            if (thread == 0) {
              for (int round = 0; round < 100; round++) {
                e.deleteRange(KeyRange.prefix(b("k")), Durability.BUFFERED);
                e.write(fill, Durability.BUFFERED);
              }
              done.set(true);
            } else {
              while (!done.get()) {
                int count = 0;
                try (Cursor c = e.cursor()) {
                  while (c.next()) {
                    count++;
                  }
                }
                if (count != 0 && count != n) {
                  seen.add(count);
                }
              }
            }
          });
      assertEquals(List.of(), seen, "a reader saw part of a range delete");
    }
  }

  @Test
  void aRangeDeleteInAKeyspaceLeavesTheOthersAlone() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace t = e.createKeyspace("t");
      e.put(b("k"), b("1"));
      t.put(b("k"), b("2"));
      t.deleteRange(KeyRange.all(), Durability.SYNC);
      assertNull(t.get(b("k")));
      assertArrayEquals(b("1"), e.get(b("k")));
      e.deleteRange(KeyRange.atMost(b("k")), Durability.SYNC);
      assertEquals(List.of(), drain(e.cursor()));
    }
  }
}
