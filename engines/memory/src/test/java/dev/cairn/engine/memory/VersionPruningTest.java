package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.assertConsistent;
import static dev.cairn.engine.memory.TestStores.detail;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import org.junit.jupiter.api.Test;

class VersionPruningTest {

  @Test
  void overwritesDoNotGrowTheStoreWithoutReaders() {
    try (StorageEngine e = TestStores.open()) {
      for (int i = 0; i < 10_000; i++) {
        e.put(utf8("k" + (i % 3)), utf8("value " + i));
      }
      assertEquals(3, detail(e, "versions"));
      assertEquals(3, detail(e, "keys.stored"));
      long bytes = e.statistics().memoryBytes();
      for (int i = 0; i < 10_000; i++) {
        e.put(utf8("k" + (i % 3)), utf8("value " + i));
      }
      assertEquals(bytes, e.statistics().memoryBytes(), "same sizes, same estimate");
      assertConsistent(e);
    }
  }

  @Test
  void deletesLeaveNothingBehindWithoutReaders() {
    try (StorageEngine e = TestStores.open()) {
      for (int i = 0; i < 100; i++) {
        e.put(utf8("k" + i), utf8("v"));
      }
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < 100; i++) {
        batch.delete(utf8("k" + i));
      }
      e.write(batch);
      assertEquals(0, detail(e, "versions"));
      assertEquals(0, detail(e, "keys.stored"));
      assertEquals(0, e.statistics().memoryBytes());
      assertEquals(0, e.statistics().approximateKeys());
      assertConsistent(e);
    }
  }

  @Test
  void aSnapshotRetainsWhatItSeesUntilClosed() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("a"), utf8("old"));
      e.put(utf8("b"), utf8("old"));
      e.put(utf8("gone"), utf8("old"));
      Snapshot s = e.snapshot();
      for (int i = 0; i < 100; i++) {
        e.put(utf8("a"), utf8("new " + i));
      }
      e.delete(utf8("gone"));
      // a: 100 newer versions plus the one the snapshot sees; b: 1; gone: tombstone + old.
      assertEquals(101 + 1 + 2, detail(e, "versions"));
      assertEquals("old", str(s.get(utf8("a"))));
      assertEquals("old", str(s.get(utf8("gone"))));
      assertConsistent(e);
      s.close();
      // Closing the only reader prunes at once.
      assertEquals(2, detail(e, "versions"));
      assertEquals(2, detail(e, "keys.stored"));
      assertNull(e.get(utf8("gone")));
      assertEquals("new 99", str(e.get(utf8("a"))));
      assertConsistent(e);
    }
  }

  @Test
  void aCursorRetainsWhatItSeesUntilClosed() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("a"), utf8("old"));
      Cursor c = e.cursor();
      for (int i = 0; i < 50; i++) {
        e.put(utf8("a"), utf8("new " + i));
      }
      assertEquals(51, detail(e, "versions"));
      assertTrue(c.next());
      assertEquals("old", str(c.value()));
      c.close();
      assertEquals(1, detail(e, "versions"));
      assertEquals(0, detail(e, "pins"));
    }
  }

  @Test
  void theOldestReaderBoundsPruning() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("a"), utf8("v0"));
      Snapshot older = e.snapshot();
      e.put(utf8("a"), utf8("v1"));
      Snapshot newer = e.snapshot();
      for (int i = 2; i < 10; i++) {
        e.put(utf8("a"), utf8("v" + i));
      }
      assertEquals(10, detail(e, "versions"));
      newer.close();
      assertEquals(10, detail(e, "versions"), "the older snapshot still needs v0 and all after");
      assertEquals("v0", str(older.get(utf8("a"))));
      older.close();
      assertEquals(1, detail(e, "versions"));
      assertConsistent(e);
    }
  }

  @Test
  void aNewerSnapshotKeepsOnlyWhatItCanSee() {
    try (StorageEngine e = TestStores.open()) {
      for (int i = 0; i < 10; i++) {
        e.put(utf8("a"), utf8("v" + i));
      }
      try (Snapshot s = e.snapshot()) {
        for (int i = 10; i < 20; i++) {
          e.put(utf8("a"), utf8("v" + i));
        }
        // The ten versions after the snapshot, plus v9; v0..v8 were pruned as they were replaced.
        assertEquals(11, detail(e, "versions"));
        assertEquals("v9", str(s.get(utf8("a"))));
      }
      assertEquals(1, detail(e, "versions"));
    }
  }
}
