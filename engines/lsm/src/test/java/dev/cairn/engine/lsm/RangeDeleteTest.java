package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.open;
import static dev.cairn.engine.lsm.TestStores.s;
import static dev.cairn.engine.lsm.TestStores.settle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A range delete removes every key of its range at its point in the order, atomically. */
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
}
