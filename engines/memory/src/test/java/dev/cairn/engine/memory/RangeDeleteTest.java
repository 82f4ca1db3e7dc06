package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.assertConsistent;
import static dev.cairn.engine.memory.TestStores.detail;
import static dev.cairn.engine.memory.TestStores.keys;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RangeDeleteTest {

  private static StorageEngine filled(String... keys) {
    StorageEngine e = TestStores.open();
    for (String k : keys) {
      e.put(utf8(k), utf8("v" + k));
    }
    return e;
  }

  private static List<String> all(StorageEngine e) {
    try (Cursor c = e.cursor()) {
      return keys(c);
    }
  }

  @Test
  void deletesEveryKeyOfTheRangeAndNoOther() {
    try (StorageEngine e = filled("a", "b", "ba", "c", "d")) {
      e.deleteRange(KeyRange.between(utf8("b"), utf8("d")), Durability.SYNC);
      assertEquals(List.of("a", "d"), all(e));
      assertNull(e.get(utf8("ba")));
      assertEquals(2, e.statistics().approximateKeys());
      assertConsistent(e);
    }
  }

  @Test
  void boundsAreHonoured() {
    try (StorageEngine e = filled("a", "b", "c", "d", "e")) {
      e.deleteRange(
          new KeyRange(new KeyRange.Bound(utf8("b"), false), new KeyRange.Bound(utf8("d"), true)),
          Durability.SYNC);
      assertEquals(List.of("a", "b", "e"), all(e));
      e.deleteRange(KeyRange.atMost(utf8("a")), Durability.SYNC);
      assertEquals(List.of("b", "e"), all(e));
      e.deleteRange(KeyRange.greaterThan(utf8("b")), Durability.SYNC);
      assertEquals(List.of("b"), all(e));
      e.deleteRange(KeyRange.between(utf8("b"), utf8("b")), Durability.SYNC); // empty range
      assertEquals(List.of("b"), all(e));
      e.deleteRange(KeyRange.all(), Durability.SYNC);
      assertEquals(List.of(), all(e));
      assertEquals(0, detail(e, "versions"), "nothing is left without readers");
      assertEquals(0, e.statistics().memoryBytes());
      assertConsistent(e);
    }
  }

  @Test
  void appliesInOrderWithTheBatchsOtherOperations() {
    try (StorageEngine e = filled("x")) {
      KeyRange everything = KeyRange.all();
      e.write(
          new WriteBatch()
              .put(utf8("k"), utf8("1"))
              .deleteRange(everything)
              .put(utf8("k"), utf8("2"))
              .put(utf8("gone"), utf8("1"))
              .deleteRange(KeyRange.prefix(utf8("go")))
              .put(utf8("m"), utf8("1")));
      assertEquals(List.of("k", "m"), all(e));
      assertEquals("2", str(e.get(utf8("k"))), "put after the range delete survives");
      assertNull(e.get(utf8("x")), "stored before the batch, deleted by it");
      assertNull(e.get(utf8("gone")), "put earlier in the batch, deleted by it");
      assertConsistent(e);
    }
  }

  @Test
  void isOneWriteASnapshotBeforeItDoesNotSee() {
    try (StorageEngine e = filled("a", "b", "c")) {
      long before = detail(e, "sequence");
      try (Snapshot s = e.snapshot()) {
        e.deleteRange(KeyRange.all(), Durability.SYNC);
        assertEquals(before + 1, detail(e, "sequence"), "one write for the whole range");
        try (Cursor c = s.cursor()) {
          assertEquals(List.of("a", "b", "c"), keys(c));
        }
        assertEquals("vb", str(s.get(utf8("b"))));
        try (Snapshot after = e.snapshot();
            Cursor c = after.cursor()) {
          assertEquals(List.of(), keys(c));
        }
      }
      assertEquals(0, detail(e, "versions"));
      assertConsistent(e);
    }
  }

  @Test
  void worksInAnyKeyspaceAndOnlyThere() {
    try (StorageEngine e = filled("a", "b")) {
      Keyspace k = e.createKeyspace("k");
      Keyspace other = e.createKeyspace("other");
      for (String s : List.of("a", "b", "c")) {
        k.put(utf8(s), utf8("1"));
        other.put(utf8(s), utf8("1"));
      }
      k.deleteRange(KeyRange.atMost(utf8("b")), Durability.SYNC);
      try (Cursor c = k.cursor()) {
        assertEquals(List.of("c"), keys(c));
      }
      try (Cursor c = other.cursor()) {
        assertEquals(List.of("a", "b", "c"), keys(c));
      }
      assertEquals(List.of("a", "b"), all(e));
      // Across keyspaces in one batch, with a precondition that fails: nothing applies.
      WriteBatch batch =
          new WriteBatch()
              .deleteRange("other", KeyRange.all())
              .deleteRange(KeyRange.all())
              .requireAbsent("k", utf8("c"));
      assertThrows(ConflictException.class, () -> e.write(batch));
      assertEquals(List.of("a", "b"), all(e));
      assertEquals(3, other.approximateCount(KeyRange.all()));
      e.write(new WriteBatch().deleteRange("other", KeyRange.all()).deleteRange(KeyRange.all()));
      assertEquals(List.of(), all(e));
      assertEquals(0, other.approximateCount(KeyRange.all()));
      assertEquals(1, k.approximateCount(KeyRange.all()));
      assertConsistent(e);
    }
  }

  /**
   * A writer deletes a range and fills it again, over and over; readers must see the range either
   * full or empty, never in part.
   */
  @Test
  void readersNeverSeePartOfARangeDelete() throws Exception {
    int keys = 50;
    try (StorageEngine e = TestStores.open()) {
      WriteBatch fill = new WriteBatch();
      for (int i = 0; i < keys; i++) {
        fill.put(utf8(String.format("r%03d", i)), utf8("v"));
      }
      e.put(utf8("a-outside"), utf8("v"));
      e.put(utf8("z-outside"), utf8("v"));
      AtomicReference<String> failure = new AtomicReference<>();
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong checks = new AtomicLong();
      CountDownLatch started = new CountDownLatch(2);
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        boolean snapshot = t == 0;
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      started.countDown();
                      while (!done.get() && failure.get() == null) {
                        long n;
                        if (snapshot) {
                          try (Snapshot s = e.snapshot()) {
                            n = s.approximateCount(KeyRange.prefix(utf8("r")));
                            boolean first = s.get(utf8("r000")) != null;
                            if (first != (n == keys)) {
                              failure.compareAndSet(null, n + " keys but r000 present " + first);
                            }
                          }
                        } else {
                          try (Cursor c = e.cursor()) {
                            n = keys(c).size() - 2;
                          }
                        }
                        checks.incrementAndGet();
                        if (n != 0 && n != keys) {
                          failure.compareAndSet(null, "a reader saw " + n + " keys of the range");
                        }
                      }
                    }));
      }
      started.await();
      for (int i = 0; i < 500 && failure.get() == null; i++) {
        e.write(fill);
        e.deleteRange(KeyRange.prefix(utf8("r")), Durability.BUFFERED);
      }
      done.set(true);
      for (Thread r : readers) {
        r.join();
      }
      assertNull(failure.get());
      assertTrue(checks.get() > 0, "the readers ran");
      assertEquals(List.of("a-outside", "z-outside"), all(e));
      assertConsistent(e);
    }
  }
}
