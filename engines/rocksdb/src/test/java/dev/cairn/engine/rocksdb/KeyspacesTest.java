package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static dev.cairn.engine.rocksdb.Fixtures.drain;
import static dev.cairn.engine.rocksdb.Fixtures.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Keyspaces as column families: lifetime, durability, batches and snapshots across them. */
class KeyspacesTest {

  @TempDir Path tmp;

  @Test
  void aStoreWrittenWithoutKeyspacesOpensUnchanged() throws Exception {
    Path dir = tmp.resolve("db");
    RocksDB.loadLibrary();
    // a store as the engine wrote it before keyspaces: RocksDB opened without column families
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dir.toString())) {
      db.put(b("old"), b("1"));
    }
    try (RocksDbEngine e = Fixtures.open(dir)) {
      assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
      assertEquals("1", s(e.get(b("old"))));
      assertEquals("1", s(e.keyspace(Keyspace.DEFAULT).get(b("old"))), "the store is the default");
      e.keyspace(Keyspace.DEFAULT).put(b("new"), b("2"));
      assertEquals("2", s(e.get(b("new"))));
    }
  }

  @Test
  void keyspacesAreIndependentAndDurable() {
    Path dir = tmp.resolve("db");
    try (RocksDbEngine e = Fixtures.open(dir)) {
      Keyspace users = e.createKeyspace("users");
      Keyspace orders = e.createKeyspace("orders");
      assertEquals(List.of("default", "orders", "users"), e.keyspaces(), "sorted");
      e.put(b("k"), b("store"));
      users.put(b("k"), b("user"), Durability.SYNC);
      orders.put(b("k"), b("order"), Durability.BUFFERED);
      assertEquals("store", s(e.get(b("k"))));
      assertEquals("user", s(users.get(b("k"))));
      assertEquals("order", s(e.keyspace("orders").get(b("k"))));
      orders.delete(b("k"), Durability.SYNC);
      assertNull(orders.get(b("k")));
      assertEquals(List.of("k=user"), drain(users.cursor()));
      assertSame(e, users.store());
      assertEquals("users", users.name());
      e.flush();
    }
    try (RocksDbEngine e = Fixtures.open(dir)) {
      assertEquals(List.of("default", "orders", "users"), e.keyspaces());
      assertEquals("user", s(e.keyspace("users").get(b("k"))));
      assertNull(e.keyspace("orders").get(b("k")));
    }
  }

  @Test
  void namesAreCheckedAndCollisionsRefused() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      e.createKeyspace("a");
      assertThrows(InvalidArgumentException.class, () -> e.createKeyspace("a"));
      assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(Keyspace.DEFAULT));
      assertThrows(InvalidArgumentException.class, () -> e.createKeyspace("no spaces"));
      InvalidArgumentException missing =
          assertThrows(InvalidArgumentException.class, () -> e.keyspace("b"));
      assertTrue(missing.getMessage().contains("no keyspace 'b'"), missing.getMessage());
      assertTrue(missing.getMessage().contains("[a, default]"), missing.getMessage());
      assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace("b"));
      InvalidArgumentException dropDefault =
          assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace(Keyspace.DEFAULT));
      assertEquals("the default keyspace cannot be dropped", dropDefault.getMessage());
      assertThrows(
          InvalidArgumentException.class,
          () -> e.write(new WriteBatch().put("b", b("k"), b("v"))),
          "a batch naming a missing keyspace");
    }
  }

  @Test
  void aDroppedKeyspaceIsGoneForGoodAndItsHandlesRefuseEveryCall() {
    Path dir = tmp.resolve("db");
    try (RocksDbEngine e = Fixtures.open(dir)) {
      Keyspace t = e.createKeyspace("t");
      t.put(b("k"), b("v"));
      e.dropKeyspace("t");
      assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
      for (Runnable call :
          List.<Runnable>of(
              () -> t.get(b("k")),
              () -> t.put(b("k"), b("v")),
              () -> t.delete(b("k")),
              () -> t.cursor(),
              () -> t.multiGet(List.of(b("k"))),
              () -> t.approximateCount(KeyRange.all()),
              () -> t.statistics(),
              () -> t.deleteRange(KeyRange.all(), Durability.SYNC),
              () -> t.putIfAbsent(b("k"), b("v"), Durability.SYNC))) {
        InvalidStateException x = assertThrows(InvalidStateException.class, call::run);
        assertEquals("keyspace 't' was dropped", x.getMessage());
      }
      Keyspace again = e.createKeyspace("t");
      assertNull(again.get(b("k")), "a new keyspace of the same name starts empty");
      again.put(b("x"), b("1"));
      assertThrows(
          InvalidStateException.class, () -> t.deleteRange(KeyRange.all(), Durability.SYNC));
      assertThrows(
          InvalidStateException.class,
          () -> t.replace(b("x"), b("1"), b("2"), Durability.SYNC),
          "the old handle never reaches the new keyspace");
      assertEquals("1", s(again.get(b("x"))));
    }
    try (RocksDbEngine e = Fixtures.open(dir)) {
      assertEquals("1", s(e.keyspace("t").get(b("x"))), "the drop and the re-creation lasted");
      assertNull(e.keyspace("t").get(b("k")));
    }
  }

  @Test
  void aBatchSpanningKeyspacesIsAtomicAndASnapshotCoversThemAll() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace a = e.createKeyspace("a");
      Keyspace c = e.createKeyspace("c");
      e.write(
          new WriteBatch()
              .put(b("k"), b("d1"))
              .put("a", b("k"), b("a1"))
              .put("c", b("k"), b("c1")));
      try (Snapshot before = e.snapshot()) {
        e.write(
            new WriteBatch().put(b("k"), b("d2")).put("a", b("k"), b("a2")).delete("c", b("k")),
            Durability.SYNC);
        assertEquals("d1", s(before.get(b("k"))));
        assertEquals("a1", s(before.keyspace("a").get(b("k"))));
        assertEquals("c1", s(before.keyspace("c").get(b("k"))));
        assertSame(before, before.keyspace(Keyspace.DEFAULT));
        assertEquals(List.of("k=a1"), drain(before.keyspace("a").cursor()));
        assertEquals("a2", s(a.get(b("k"))));
        assertNull(c.get(b("k")));
        // a failed precondition anywhere applies nothing anywhere
        WriteBatch conditional =
            new WriteBatch()
                .requireAbsent("a", b("k"))
                .put(b("k"), b("d3"))
                .put("c", b("k"), b("c3"));
        ConflictException conflict =
            assertThrows(ConflictException.class, () -> e.write(conditional));
        assertEquals("a", conflict.keyspace());
        assertEquals("d2", s(e.get(b("k"))));
        assertNull(c.get(b("k")));
      }
      Keyspace late = e.createKeyspace("late");
      late.put(b("k"), b("v"));
      try (Snapshot s = e.snapshot()) {
        assertEquals("v", s(s.keyspace("late").get(b("k"))));
      }
    }
  }

  @Test
  void aSnapshotStillReadsAKeyspaceDroppedAfterItWasTaken() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace t = e.createKeyspace("t");
      for (int i = 0; i < 100; i++) {
        t.put(b("k" + i), b("v" + i));
      }
      e.flushMemtableForTest(); // part in a table file, part in the memtable
      t.put(b("late"), b("x"));
      Snapshot snap = e.snapshot();
      Cursor open = t.cursor();
      e.dropKeyspace("t");
      Snapshot after = e.snapshot();
      ReadView view = snap.keyspace("t");
      assertEquals("v7", s(view.get(b("k7"))));
      assertEquals("x", s(view.get(b("late"))));
      assertEquals(101, drain(view.cursor()).size());
      assertEquals(2, view.multiGet(List.of(b("k1"), b("k2"))).size());
      assertEquals(101, open.next() ? 1 + drain(open).size() : 0, "a cursor opened before, too");
      InvalidArgumentException absent =
          assertThrows(InvalidArgumentException.class, () -> after.keyspace("t"));
      assertTrue(absent.getMessage().contains("existed when the snapshot was taken"));
      snap.close();
      after.close();
      assertThrows(ClosedHandleException.class, () -> view.get(b("k7")));
      assertThrows(ClosedHandleException.class, () -> snap.keyspace("t"));
      assertEquals(0, e.openHandles());
    }
  }

  @Test
  void readsRacingADropSeeTheDataOrARefusalNeverACrash() throws Exception {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      for (int round = 0; round < 20; round++) {
        Keyspace t = e.createKeyspace("race");
        t.put(b("k"), b("v"));
        AtomicBoolean dropped = new AtomicBoolean();
        Fixtures.concurrently(
            4,
            thread -> {
              if (thread == 0) {
                e.dropKeyspace("race");
                dropped.set(true);
                return;
              }
              while (!dropped.get()) {
                try {
                  assertEquals("v", s(t.get(b("k"))));
                  try (Cursor c = t.cursor()) {
                    assertTrue(c.next());
                  }
                  t.put(b("k"), b("v"));
                } catch (InvalidStateException gone) {
                  // the drop came first: the one other answer allowed
                }
              }
            });
        assertThrows(InvalidStateException.class, () -> t.get(b("k")));
        assertEquals(0, e.openHandles(), "round " + round);
      }
    }
  }

  @Test
  void readOnlyStoresListButDoNotChangeKeyspaces() {
    Path dir = tmp.resolve("db");
    try (RocksDbEngine e = Fixtures.open(dir)) {
      e.createKeyspace("t").put(b("k"), b("v"));
    }
    EngineOptions ro = EngineOptions.builder().directory(dir).readOnly(true).build();
    try (StorageEngine e = RocksDbEngine.open(ro, RocksDbSettings.from(ro))) {
      assertEquals(List.of("default", "t"), e.keyspaces());
      assertEquals("v", s(e.keyspace("t").get(b("k"))));
      assertThrows(ReadOnlyStoreException.class, () -> e.createKeyspace("u"));
      assertThrows(ReadOnlyStoreException.class, () -> e.dropKeyspace("t"));
      assertThrows(ReadOnlyStoreException.class, () -> e.keyspace("t").put(b("k"), b("w")));
    }
  }

  @Test
  void closingTheStoreClosesKeyspacesAndEveryHandleOnThem() {
    RocksDbEngine e = Fixtures.open(tmp.resolve("db"));
    Keyspace t = e.createKeyspace("t");
    t.put(b("k"), b("v"));
    Cursor c = t.cursor();
    Snapshot s = e.snapshot();
    ReadView view = s.keyspace("t");
    e.close();
    assertEquals(0, e.openHandles());
    assertThrows(ClosedHandleException.class, () -> t.get(b("k")));
    assertThrows(ClosedHandleException.class, () -> t.put(b("k"), b("v")));
    assertThrows(ClosedHandleException.class, c::next);
    assertThrows(ClosedHandleException.class, () -> view.get(b("k")));
    assertThrows(ClosedHandleException.class, e::keyspaces);
    assertThrows(ClosedHandleException.class, () -> e.createKeyspace("u"));
  }

  @Test
  void statisticsPerKeyspaceAndForTheWholeStore() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace t = e.createKeyspace("t");
      for (int i = 0; i < 500; i++) {
        t.put(b("k" + i), new byte[100]);
      }
      e.put(b("only"), b("one"));
      assertEquals(500, t.statistics().approximateKeys());
      EngineStatistics store = e.statistics();
      assertEquals(501, store.approximateKeys(), "the store counts every keyspace");
      assertEquals(2L, store.details().get("keyspaces"));
      assertTrue(t.statistics().memoryBytes() > 0);
      e.flushMemtableForTest();
      EngineStatistics flushed = t.statistics();
      assertTrue(flushed.diskBytes() > 0, flushed.toString());
      assertEquals(1L, flushed.details().get("level0.files"));
      assertFalse(flushed.details().containsKey("keyspaces"));
      assertTrue(flushed.details().containsKey(EngineStatistics.STALLS));
      assertTrue(flushed.details().containsKey(EngineStatistics.BACKGROUND_PENDING_BYTES));
    }
  }

  @Test
  void consistencyCheckCoversEveryKeyspace() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      e.createKeyspace("t").put(b("a"), b("1"));
      e.put(b("b"), b("2"));
      var report = e.checkConsistency();
      assertTrue(report.isConsistent(), report.problems().toString());
      assertEquals(2, report.itemsChecked());
    }
  }

  @Test
  void checkpointsCarryEveryKeyspace() {
    Path copy = tmp.resolve("copy");
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      e.createKeyspace("t").put(b("k"), b("v"));
      e.checkpoint(copy);
    }
    try (RocksDbEngine e = Fixtures.open(copy)) {
      assertArrayEquals(b("v"), e.keyspace("t").get(b("k")));
    }
  }

  @Test
  void everyDeclaredKeyspaceOperationWorksThroughTheProvider() {
    try (StorageEngine e =
        new RocksDbProvider().open(EngineOptions.builder().directory(tmp.resolve("db")).build())) {
      e.createKeyspace("p").put(b("k"), b("v"));
      assertEquals("v", s(e.keyspace("p").get(b("k"))));
    }
  }
}
