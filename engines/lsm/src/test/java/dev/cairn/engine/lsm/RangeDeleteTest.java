package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.open;
import static dev.cairn.engine.lsm.TestStores.s;
import static dev.cairn.engine.lsm.TestStores.settle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A range delete removes every key of its range at its point in the order, atomically, as one range
 * tombstone: logged as one operation, hiding older entries across memtables and levels, carried by
 * flushes and compactions and dropped only at the bottom once no snapshot needs it.
 */
class RangeDeleteTest {

  @TempDir Path dir;

  private static List<String> keys(ReadView v, KeyRange range, Direction d) {
    List<String> out = new ArrayList<>();
    try (Cursor c = v.cursor(range, d)) {
      while (c.next()) {
        out.add(s(c.key()));
      }
    }
    return out;
  }

  @Test
  void keysInTablesAndMemtablesGoAndEarlierSnapshotsKeepThem() {
    try (LsmEngine e = open(dir, Map.of())) {
      for (int i = 0; i < 300; i++) {
        e.put(b(String.format("k%03d", i)), new byte[40]);
      }
      settle(e); // most keys are in tables now
      e.put(b("k150"), b("newest")); // and one in the memtable
      try (Snapshot before = e.snapshot()) {
        e.deleteRange(KeyRange.between(b("k100"), b("k200")), Durability.SYNC);
        assertNull(e.get(b("k100")));
        assertNull(e.get(b("k150")));
        assertNull(e.get(b("k199")));
        assertEquals(40, e.get(b("k200")).length);
        assertEquals(40, e.get(b("k099")).length);
        assertEquals("newest", s(before.get(b("k150"))));
        assertEquals(300, keys(before, KeyRange.all(), Direction.FORWARD).size());
      }
      assertEquals(200, keys(e, KeyRange.all(), Direction.REVERSE).size());
      e.deleteRange(new KeyRange(new KeyRange.Bound(b("k250"), false), null), Durability.SYNC);
      assertEquals("k250", keys(e, KeyRange.atLeast(b("k2")), Direction.REVERSE).getFirst());
    }
    try (LsmEngine e = open(dir, Map.of())) {
      assertEquals(151, keys(e, KeyRange.all(), Direction.FORWARD).size());
      assertEquals(List.of(), keys(e, KeyRange.between(b("k100"), b("k200")), Direction.FORWARD));
    }
  }

  @Test
  void aRangeDeleteTakesEffectInOrderWithTheBatch() {
    try (LsmEngine e = open(dir, Map.of())) {
      e.put(b("b0"), b("old"));
      e.write(
          new WriteBatch()
              .put(b("a1"), b("1"))
              .put(b("a2"), b("2"))
              .deleteRange(KeyRange.prefix(b("a")))
              .put(b("a3"), b("3"))
              .deleteRange(KeyRange.prefix(b("b")))
              .put(b("b1"), b("kept")));
      assertEquals(List.of("a3", "b1"), keys(e, KeyRange.all(), Direction.FORWARD));
    }
  }

  @Test
  void aRangeDeleteStaysInItsKeyspace() {
    try (LsmEngine e = open(dir, Map.of())) {
      Keyspace other = e.createKeyspace("other");
      e.put(b("x"), b("1"));
      other.put(b("x"), b("2"));
      other.deleteRange(KeyRange.all(), Durability.BUFFERED);
      assertNull(other.get(b("x")));
      assertEquals("1", s(e.get(b("x"))));
      e.deleteRange(KeyRange.all(), Durability.BUFFERED);
      assertNull(e.get(b("x")));
    }
  }

  private static long stat(LsmEngine e, String name) {
    return e.statistics().details().get(name);
  }

  @Test
  void aRangeDeleteOfAMillionKeysLogsOneOperation() {
    Map<String, String> big =
        Map.of(
            "memtable.size", "32m",
            "table.file.size", "8m",
            "block.size", "4k",
            "level0.compaction.trigger", "4",
            "level.size.multiplier", "10",
            "cache.size", "8m");
    int n = 1_000_000;
    try (LsmEngine e = open(dir, big)) {
      for (int i = 0; i < n; ) {
        WriteBatch batch = new WriteBatch();
        for (int j = 0; j < 10_000; j++, i++) {
          batch.put(b(String.format("k%07d", i)), b("v"));
        }
        e.write(batch);
      }
      e.put(b("zz"), b("after"));
      long logged = stat(e, "wal.bytes");
      long tombstones = stat(e, "range.tombstones");
      e.deleteRange(KeyRange.between(b("k0000000"), b("k9999999")), Durability.SYNC);
      long bytes = stat(e, "wal.bytes") - logged;
      assertTrue(bytes < 100, "a range delete of a million keys logged " + bytes + " bytes");
      assertEquals(tombstones + 1, stat(e, "range.tombstones"));
      assertNull(e.get(b("k0000000")));
      assertNull(e.get(b("k0500000")));
      assertNull(e.get(b("k0999999")));
      assertEquals(List.of("zz"), keys(e, KeyRange.all(), Direction.FORWARD));
      assertEquals(
          List.of(), keys(e, KeyRange.between(b("k0499000"), b("k0501000")), Direction.REVERSE));
    }
    try (LsmEngine e = open(dir, big)) {
      assertNull(e.get(b("k0123456")));
      assertEquals(List.of(), keys(e, KeyRange.between(b("k0999000"), b("k1")), Direction.REVERSE));
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems().toString());
    }
  }

  @Test
  void aSnapshotKeepsWhatARangeTombstoneHidesAcrossFlushAndCompaction() {
    try (LsmEngine e = open(dir, Map.of())) {
      for (int i = 0; i < 400; i++) {
        e.put(b(String.format("k%03d", i)), b("v" + i));
      }
      settle(e);
      Snapshot before = e.snapshot();
      e.deleteRange(KeyRange.between(b("k100"), b("k300")), Durability.BUFFERED);
      e.put(b("k200"), b("again")); // newer than the tombstone: shown
      e.rollMemTable();
      settle(e);
      churn(e, 3);
      assertTrue(stat(e, "range.tombstones") > 0, "the snapshot needs the tombstone");
      assertEquals("v150", s(before.get(b("k150"))));
      assertEquals(400, keys(before, KeyRange.all(), Direction.FORWARD).size());
      assertEquals(400, keys(before, KeyRange.all(), Direction.REVERSE).size());
      assertNull(e.get(b("k150")));
      assertEquals("again", s(e.get(b("k200"))));
      assertEquals(
          List.of("k099", "k200", "k300"),
          keys(e, KeyRange.between(b("k099"), b("k301")), Direction.FORWARD));
      assertEquals(
          List.of("k300", "k200", "k099"),
          keys(e, KeyRange.between(b("k099"), b("k301")), Direction.REVERSE));
      before.close();
      for (int round = 0; round < 40 && stat(e, "range.tombstones") > 0; round++) {
        churn(e, 1);
      }
      assertEquals(0, stat(e, "range.tombstones"), e.statistics().details().toString());
      assertEquals(
          List.of("k099", "k200", "k300"),
          keys(e, KeyRange.between(b("k099"), b("k301")), Direction.FORWARD));
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems().toString());
    }
  }

  @Test
  void aTombstoneOverManyTablesIsCutAtTheirBoundsAndTheLevelsStayDisjoint() {
    // NB: uncompressed, so that the zero-filled values make many tables of the tiny file size
    try (LsmEngine e = open(dir, Map.of("compression", "none"))) {
      for (int i = 0; i < 2000; i++) {
        e.put(b(String.format("k%04d", i)), new byte[100]);
      }
      settle(e);
      try (Snapshot s = e.snapshot()) { // keeps the entries under the tombstone in every output
        e.deleteRange(KeyRange.between(b("k0100"), b("k1900")), Durability.BUFFERED);
        for (int round = 0; round < 6; round++) {
          for (int i = 0; i < 2000; i += 7) {
            if (i < 100 || i >= 1900) {
              e.put(b(String.format("k%04d", i)), new byte[100]);
            }
          }
          e.rollMemTable();
          settle(e);
        }
        int cut = 0;
        for (int level = 1; level < Version.LEVELS; level++) {
          for (TableFile f : e.versions().current().level(level)) {
            if (f.meta().largest().isRangeSentinel() && !f.table().rangeTombstones().isEmpty()) {
              cut++;
            }
          }
        }
        assertTrue(cut >= 2, "the tombstone is cut across tables: " + e.versions().current());
        assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems().toString());
        assertEquals(2000, keys(s, KeyRange.all(), Direction.FORWARD).size());
        assertEquals(200, keys(e, KeyRange.all(), Direction.REVERSE).size());
        assertNull(e.get(b("k1000")));
      }
    }
  }

  /** Rewrites keys outside k100..k300 so that flushes and compactions run through every level. */
  private static void churn(LsmEngine e, int rounds) {
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < 400; i += 2) {
        if (i < 100 || i > 300) {
          e.put(b(String.format("k%03d", i)), b("v" + i + "x".repeat(60)));
        }
      }
      e.rollMemTable();
      settle(e);
    }
  }

  @Test
  void aRangeDeleteIsReplayedFromTheLog() {
    try (LsmEngine e = open(dir, Map.of("memtable.size", "1m"))) {
      for (int i = 0; i < 50; i++) {
        e.put(b(String.format("k%02d", i)), b("v"));
      }
      e.deleteRange(
          new KeyRange(new KeyRange.Bound(b("k10"), false), new KeyRange.Bound(b("k20"), true)),
          Durability.SYNC);
      e.put(b("k15"), b("back"));
    }
    assertEquals(List.of(), TestStores.files(dir, ".sst")); // all in the log
    try (LsmEngine e = open(dir, Map.of("memtable.size", "1m"), true)) {
      List<String> left = keys(e, KeyRange.between(b("k09"), b("k22")), Direction.FORWARD);
      assertEquals(List.of("k09", "k10", "k15", "k21"), left);
      assertEquals(
          List.of("k21", "k15", "k10", "k09"),
          keys(e, KeyRange.between(b("k09"), b("k22")), Direction.REVERSE));
      assertEquals(1, stat(e, "range.tombstones"));
    }
    try (LsmEngine e = open(dir, Map.of("memtable.size", "1m"))) {
      assertNull(e.get(b("k11")));
      assertNull(e.get(b("k20")));
      assertEquals("back", s(e.get(b("k15"))));
      assertEquals(1, stat(e, "range.tombstones")); // written to a table by recovery
      assertEquals(50 - 10 + 1, keys(e, KeyRange.all(), Direction.FORWARD).size());
    }
  }

  @Test
  void randomRangeDeletesReadAsTheirModel() {
    long seed = Long.getLong("cairn.seed", new SplittableRandom().nextLong());
    SplittableRandom rnd = new SplittableRandom(seed);
    String why = "seed " + seed + " (replay with -Dcairn.seed=" + seed + ")";
    TreeMap<String, String> model = new TreeMap<>();
    List<Snapshot> snapshots = new ArrayList<>();
    List<TreeMap<String, String>> seen = new ArrayList<>();
    LsmEngine e = open(dir, Map.of());
    try {
      for (int i = 0; i < 3000; i++) {
        int op = rnd.nextInt(100);
        if (op < 55) {
          String k = key(rnd);
          String v = "v" + i + "x".repeat(rnd.nextInt(40));
          e.put(b(k), b(v));
          model.put(k, v);
        } else if (op < 65) {
          String k = key(rnd);
          e.delete(b(k));
          model.remove(k);
        } else if (op < 73) {
          KeyRange r = range(rnd);
          WriteBatch batch = new WriteBatch();
          String k = key(rnd);
          boolean putFirst = rnd.nextBoolean();
          if (putFirst) {
            batch.put(b(k), b("first" + i));
            model.put(k, "first" + i);
          }
          batch.deleteRange(r);
          model.keySet().removeIf(x -> inRange(r, x));
          if (!putFirst) {
            batch.put(b(k), b("after" + i));
            model.put(k, "after" + i);
          }
          e.write(batch);
        } else if (op < 75 && snapshots.size() < 3) {
          snapshots.add(e.snapshot());
          seen.add(new TreeMap<>(model));
        } else if (op < 77 && !snapshots.isEmpty()) {
          int at = rnd.nextInt(snapshots.size());
          snapshots.remove(at).close();
          seen.remove(at);
        } else if (op < 82) {
          e.rollMemTable();
        } else if (op < 84) {
          settle(e);
        } else if (op < 85 && snapshots.isEmpty()) {
          e.close();
          e = open(dir, Map.of());
        } else if (op < 90) {
          KeyRange r = range(rnd);
          compare(e, model, r, why + " at step " + i);
          for (int s = 0; s < snapshots.size(); s++) {
            compare(snapshots.get(s), seen.get(s), r, why + " at step " + i + ", snapshot " + s);
          }
          String k = key(rnd);
          assertEquals(model.get(k), s(e.get(b(k))), why + " at step " + i + ", key " + k);
        }
      }
      settle(e);
      compare(e, model, KeyRange.all(), why);
      for (int s = 0; s < snapshots.size(); s++) {
        compare(snapshots.get(s), seen.get(s), KeyRange.all(), why + ", snapshot " + s);
      }
      assertTrue(e.checkConsistency().isConsistent(), why + e.checkConsistency().problems());
    } finally {
      snapshots.forEach(Snapshot::close);
      e.close();
    }
  }

  private static String key(SplittableRandom rnd) {
    return String.format("k%03d", rnd.nextInt(300));
  }

  private static KeyRange range(SplittableRandom rnd) {
    String a = key(rnd);
    String z = rnd.nextInt(4) == 0 ? a + "5" : key(rnd);
    if (a.compareTo(z) > 0) {
      String t = a;
      a = z;
      z = t;
    }
    KeyRange.Bound lower = rnd.nextInt(8) == 0 ? null : new KeyRange.Bound(b(a), rnd.nextBoolean());
    KeyRange.Bound upper = rnd.nextInt(8) == 0 ? null : new KeyRange.Bound(b(z), rnd.nextBoolean());
    return new KeyRange(lower, upper);
  }

  private static boolean inRange(KeyRange r, String k) {
    if (r.lower() != null) {
      int c = k.compareTo(s(r.lower().key()));
      if (c < 0 || (c == 0 && !r.lower().inclusive())) {
        return false;
      }
    }
    if (r.upper() != null) {
      int c = k.compareTo(s(r.upper().key()));
      return c < 0 || (c == 0 && r.upper().inclusive());
    }
    return true;
  }

  private static void compare(ReadView v, TreeMap<String, String> model, KeyRange r, String why) {
    NavigableMap<String, String> expected = new TreeMap<>();
    model.forEach(
        (k, x) -> {
          if (inRange(r, k)) {
            expected.put(k, x);
          }
        });
    assertEquals(List.copyOf(expected.keySet()), keys(v, r, Direction.FORWARD), why);
    assertEquals(
        List.copyOf(expected.descendingMap().keySet()), keys(v, r, Direction.REVERSE), why);
    List<byte[]> ks = new ArrayList<>();
    for (String k : List.of("k000", "k050", "k100", "k150", "k200", "k250", "k299")) {
      ks.add(b(k));
    }
    List<byte[]> got = v.multiGet(ks);
    for (int i = 0; i < ks.size(); i++) {
      assertEquals(model.get(s(ks.get(i))), s(got.get(i)), why + ", multiGet " + s(ks.get(i)));
    }
  }
}
