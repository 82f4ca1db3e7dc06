package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.open;
import static dev.cairn.engine.lsm.TestStores.s;
import static dev.cairn.engine.lsm.TestStores.settle;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leveled compaction keeps exactly what readers may see, and no more once they are gone. */
class CompactionTest {

  @TempDir Path dir;

  @Test
  void aRandomWorkloadCompactsDownAndReadsAsItsModel() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom rnd = new SplittableRandom(seed);
    TreeMap<String, String> model = new TreeMap<>();
    try (LsmEngine e = open(dir, Map.of())) {
      for (int i = 0; i < 6000; i++) {
        String k = String.format("key%05d", rnd.nextInt(1500));
        if (rnd.nextInt(5) == 0) {
          e.delete(b(k));
          model.remove(k);
        } else {
          String v = k + "=" + i + "x".repeat(rnd.nextInt(200));
          e.put(b(k), b(v));
          model.put(k, v);
        }
      }
      settle(e);
      Map<String, Long> st = e.statistics().details();
      assertTrue(st.get("compaction.count") > 0, "seed " + seed + ": no compaction: " + st);
      long deeper = 0;
      for (int l = 1; l < Version.LEVELS; l++) {
        deeper += st.get("level." + l + ".files");
      }
      assertTrue(deeper > 0, "seed " + seed + ": nothing below level 0: " + st);
      assertTrue(st.get("write.amplification.percent") >= 200, "log and flush at least: " + st);
      assertTrue(st.get("space.amplification.percent") >= 100, st.toString());
      assertEquals(model, scan(e, Direction.FORWARD), "seed " + seed);
      assertEquals(model.descendingMap(), scan(e, Direction.REVERSE), "seed " + seed);
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems().toString());
    }
    try (LsmEngine e = open(dir, Map.of())) {
      assertEquals(model, scan(e, Direction.FORWARD), "seed " + seed + ", reopened");
    }
  }

  private static Map<String, String> scan(LsmEngine e, Direction d) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    try (Cursor c = e.cursor(KeyRange.all(), d)) {
      while (c.next()) {
        out.put(s(c.key()), s(c.value()));
      }
    }
    return d == Direction.FORWARD ? new TreeMap<>(out) : reversed(out);
  }

  private static Map<String, String> reversed(Map<String, String> m) {
    TreeMap<String, String> t = new TreeMap<>(m);
    List<String> order = new ArrayList<>(m.keySet());
    assertEquals(new ArrayList<>(t.descendingKeySet()), order, "reverse scan out of order");
    return t.descendingMap();
  }

  @Test
  void deletedKeysLeaveNoTombstonesOnceNoSnapshotNeedsThem() {
    try (LsmEngine e = open(dir, Map.of())) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 800; i++) {
          e.put(b("k" + i), new byte[100]);
        }
      }
      for (int i = 0; i < 800; i++) {
        e.delete(b("k" + i));
      }
      for (int i = 0; i < 3000; i++) {
        e.put(b("z" + i), new byte[50]); // pushes everything down through the levels
      }
      settle(e);
      Map<String, Long> st = e.statistics().details();
      assertTrue(st.get("compaction.tombstones.dropped") > 0, st.toString());
      assertTrue(st.get("compaction.versions.dropped") > 0, st.toString());
      try (Cursor c = e.cursor(KeyRange.prefix(b("k")), Direction.FORWARD)) {
        assertTrue(!c.next(), "a deleted key came back");
      }
    }
  }

  @Test
  void aSnapshotReadsWhatItSawWhileCompactionsRun() {
    try (LsmEngine e = open(dir, Map.of())) {
      e.put(b("kept"), b("old"));
      e.put(b("gone"), b("was here"));
      try (Snapshot snap = e.snapshot()) {
        for (int i = 0; i < 50; i++) {
          e.put(b("kept"), b("new" + i));
        }
        e.delete(b("gone"));
        for (int i = 0; i < 4000; i++) {
          e.put(b("filler" + i), new byte[60]);
        }
        settle(e);
        assertTrue(e.statistics().details().get("compaction.count") > 0);
        assertArrayEquals(b("old"), snap.get(b("kept")));
        assertArrayEquals(b("was here"), snap.get(b("gone")));
        try (Cursor c = snap.cursor(KeyRange.atMost(b("kept")), Direction.REVERSE)) {
          assertTrue(c.next());
          assertEquals("kept", s(c.key()));
          assertEquals("old", s(c.value()));
        }
      }
      assertEquals("new49", s(e.get(b("kept"))));
      assertEquals(null, e.get(b("gone")));
    }
  }
}
