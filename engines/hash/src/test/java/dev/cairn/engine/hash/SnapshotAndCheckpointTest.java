package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotAndCheckpointTest {

  @TempDir Path dir;

  private static Map<String, String> scan(dev.cairn.spi.ReadView v) {
    Map<String, String> out = new TreeMap<>();
    try (var c = v.cursor()) {
      while (c.next()) {
        assertEquals(null, out.put(s(c.key()), s(c.value())), "a key seen twice");
      }
    }
    return out;
  }

  @Test
  void aSnapshotKeepsItsViewThroughOverwritesDeletesAndMerges() {
    Map<String, String> settings = Map.of("file.size", "4k", "merge.threshold", "0.2");
    try (HashEngine e = open(dir, settings)) {
      Map<String, String> then = new TreeMap<>();
      for (int i = 0; i < 100; i++) {
        e.put(b("k" + i), b("old" + i), Durability.BUFFERED);
        then.put("k" + i, "old" + i);
      }
      Snapshot snap = e.snapshot();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 100; i++) {
          if (i % 3 == 0) {
            e.delete(b("k" + i), Durability.BUFFERED);
          } else {
            e.put(b("k" + i), b("new" + round + "-" + i), Durability.BUFFERED);
          }
        }
        e.put(b("late" + round), b("x"), Durability.BUFFERED);
        e.runBackgroundCycle();
      }
      assertTrue(e.statistics().details().get("merge.count") > 0, "no merge ran");
      assertTrue(e.statistics().details().get("snapshot.versions") > 0);
      for (int i = 0; i < 100; i++) {
        assertEquals("old" + i, s(snap.get(b("k" + i))));
      }
      assertNull(snap.get(b("late0")));
      assertEquals(then, scan(snap));
      assertNull(e.get(b("k3")));
      assertEquals("new2-4", s(e.get(b("k4"))));
      snap.close();
      snap.close();
      assertEquals(0L, e.statistics().details().get("snapshot.versions"));
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
    }
  }

  @Test
  void theCursorIsOneUnorderedForwardPassOnly() {
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("a"), b("1"));
      assertThrows(
          UnsupportedCapabilityException.class, () -> e.cursor(KeyRange.all(), Direction.REVERSE));
      assertThrows(
          UnsupportedCapabilityException.class,
          () -> e.cursor(KeyRange.atLeast(b("a")), Direction.FORWARD));
      try (var c = e.cursor()) {
        assertThrows(UnsupportedCapabilityException.class, () -> c.seek(b("a")));
        assertTrue(c.next());
        var view = c.keyView();
        assertEquals(1, view.size());
        c.next();
        assertThrows(dev.cairn.spi.ClosedHandleException.class, view::size);
      }
    }
  }

  @Test
  void aCheckpointHoldsWhatWasAcknowledgedBeforeItAndOpensAlone() {
    Path copy = dir.resolveSibling(dir.getFileName() + "-checkpoint");
    try (HashEngine e = open(dir, Map.of("file.size", "4k"))) {
      for (int i = 0; i < 200; i++) {
        e.put(b("k" + i), b("v" + i), Durability.BUFFERED);
      }
      e.delete(b("k5"), Durability.BUFFERED);
      e.checkpoint(copy);
      e.put(b("after"), b("x"));
      e.put(b("k6"), b("changed"));
    }
    try (HashEngine c = open(copy, Map.of())) {
      for (int i = 0; i < 200; i++) {
        assertEquals(i == 5 ? null : "v" + i, s(c.get(b("k" + i))));
      }
      assertNull(c.get(b("after")));
      assertTrue(c.checkConsistency().isConsistent(), c.checkConsistency().problems()::toString);
    }
    try (HashEngine e = open(dir, Map.of())) {
      assertEquals("changed", s(e.get(b("k6"))));
    }
  }
}
