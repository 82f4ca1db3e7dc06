package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.assertConsistent;
import static dev.cairn.engine.memory.TestStores.detail;
import static dev.cairn.engine.memory.TestStores.keys;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class KeyspaceTest {

  @Test
  void createListAndFind() {
    try (StorageEngine e = TestStores.open()) {
      assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
      Keyspace users = e.createKeyspace("users");
      e.createKeyspace("orders.v2");
      assertEquals(List.of("default", "orders.v2", "users"), e.keyspaces());
      assertEquals("users", users.name());
      assertSame(e, users.store());
      assertEquals("users", e.keyspace("users").name());
      assertEquals(Keyspace.DEFAULT, e.keyspace(Keyspace.DEFAULT).name());
      assertEquals(3, detail(e, "keyspaces"));
      assertConsistent(e);
    }
  }

  @Test
  void badNamesAndMissingOrExistingKeyspacesAreInvalidArguments() {
    try (StorageEngine e = TestStores.open()) {
      e.createKeyspace("a");
      InvalidArgumentException exists =
          assertThrows(InvalidArgumentException.class, () -> e.createKeyspace("a"));
      assertTrue(exists.getMessage().contains("'a' exists"), exists.getMessage());
      assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(Keyspace.DEFAULT));
      InvalidArgumentException missing =
          assertThrows(InvalidArgumentException.class, () -> e.keyspace("b"));
      assertTrue(missing.getMessage().contains("'b'"), missing.getMessage());
      assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace("b"));
      InvalidArgumentException dropDefault =
          assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace(Keyspace.DEFAULT));
      assertTrue(dropDefault.getMessage().contains("default"), dropDefault.getMessage());
      for (String bad : new String[] {"", "-x", "a b", "é", "x".repeat(65)}) {
        assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(bad), bad);
        assertThrows(InvalidArgumentException.class, () -> e.keyspace(bad), bad);
        assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace(bad), bad);
      }
      assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(null));
      assertEquals(List.of("a", "default"), e.keyspaces());
      assertConsistent(e);
    }
  }

  @Test
  void keyspacesAreIndependent() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      Keyspace b = e.createKeyspace("b");
      e.put(utf8("k"), utf8("default"));
      a.put(utf8("k"), utf8("in a"));
      a.put(utf8("only-a"), utf8("1"));
      b.put(utf8("k"), utf8("in b"));
      assertEquals("default", str(e.get(utf8("k"))));
      assertEquals("in a", str(a.get(utf8("k"))));
      assertEquals("in b", str(b.get(utf8("k"))));
      assertNull(b.get(utf8("only-a")));
      assertNull(e.get(utf8("only-a")));
      try (Cursor c = a.cursor()) {
        assertEquals(List.of("k", "only-a"), keys(c));
      }
      try (Cursor c = a.cursor(KeyRange.all(), Direction.REVERSE)) {
        assertEquals(List.of("only-a", "k"), keys(c));
      }
      try (Cursor c = e.cursor()) {
        assertEquals(List.of("k"), keys(c));
      }
      a.delete(utf8("k"));
      assertNull(a.get(utf8("k")));
      assertEquals("in b", str(b.get(utf8("k"))));
      assertEquals("default", str(e.get(utf8("k"))));
      // Writing through the default keyspace's handle is writing through the store.
      e.keyspace(Keyspace.DEFAULT).put(utf8("via-handle"), utf8("x"));
      assertEquals("x", str(e.get(utf8("via-handle"))));
      assertConsistent(e);
    }
  }

  @Test
  void aBatchSpanningKeyspacesAppliesAtOneSequence() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      e.createKeyspace("b");
      long before = detail(e, "sequence");
      e.write(
          new WriteBatch()
              .put(utf8("k"), utf8("d"))
              .put("a", utf8("k"), utf8("a"))
              .put("b", utf8("k"), utf8("b"))
              .delete("a", utf8("k"))
              .put("a", utf8("k2"), utf8("a2")));
      assertEquals(before + 1, detail(e, "sequence"), "one write");
      assertEquals("d", str(e.get(utf8("k"))));
      assertNull(a.get(utf8("k")), "a later operation on a key wins, per keyspace");
      assertEquals("a2", str(a.get(utf8("k2"))));
      assertEquals("b", str(e.keyspace("b").get(utf8("k"))));
      assertConsistent(e);
    }
  }

  @Test
  void aBatchNamingAMissingKeyspaceAppliesNothing() {
    try (StorageEngine e = TestStores.open()) {
      e.createKeyspace("a");
      long before = detail(e, "sequence");
      WriteBatch batch =
          new WriteBatch()
              .put(utf8("k"), utf8("d"))
              .put("a", utf8("k"), utf8("a"))
              .put("missing", utf8("k"), utf8("m"));
      InvalidArgumentException ex =
          assertThrows(InvalidArgumentException.class, () -> e.write(batch));
      assertTrue(ex.getMessage().contains("'missing'"), ex.getMessage());
      assertNull(e.get(utf8("k")));
      assertNull(e.keyspace("a").get(utf8("k")));
      assertEquals(before, detail(e, "sequence"));
      // A precondition naming a missing keyspace is the same.
      assertThrows(
          InvalidArgumentException.class,
          () ->
              e.write(new WriteBatch().requireAbsent("gone", utf8("k")).put(utf8("k"), utf8("v"))));
      assertNull(e.get(utf8("k")));
      assertConsistent(e);
    }
  }

  /** A batch writes the same counter to a key of two keyspaces; no reader sees them differ. */
  @Test
  void readersNeverSeePartOfABatchOverKeyspaces() throws Exception {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      Keyspace b = e.createKeyspace("b");
      AtomicReference<String> failure = new AtomicReference<>();
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong checks = new AtomicLong();
      CountDownLatch started = new CountDownLatch(2);
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int kind = t;
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      started.countDown();
                      while (!done.get() && failure.get() == null) {
                        long x;
                        long y;
                        if (kind == 0) {
                          try (Snapshot s = e.snapshot()) {
                            x = counter(s.keyspace("a").get(utf8("n")));
                            y = counter(s.keyspace("b").get(utf8("n")));
                          }
                        } else {
                          // Live reads, b before a: b may only be ahead, never behind.
                          y = counter(b.get(utf8("n")));
                          x = counter(a.get(utf8("n")));
                          if (x < y) {
                            failure.compareAndSet(null, "live reads saw b=" + y + " then a=" + x);
                          }
                          x = y;
                        }
                        checks.incrementAndGet();
                        if (x != y) {
                          failure.compareAndSet(null, "snapshot saw a=" + x + " b=" + y);
                        }
                      }
                    }));
      }
      started.await();
      for (long i = 0; i < 5_000 && failure.get() == null; i++) {
        e.write(new WriteBatch().put("a", utf8("n"), counter(i)).put("b", utf8("n"), counter(i)));
      }
      done.set(true);
      for (Thread r : readers) {
        r.join();
      }
      assertNull(failure.get());
      assertTrue(checks.get() > 0, "the readers ran");
      assertEquals(0, detail(e, "pins"));
      assertConsistent(e);
    }
  }

  @Test
  void aSnapshotCoversEveryKeyspaceAsOfWhenItWasTaken() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      Keyspace doomed = e.createKeyspace("doomed");
      a.put(utf8("k"), utf8("old"));
      doomed.put(utf8("k"), utf8("kept"));
      e.put(utf8("k"), utf8("old-default"));
      try (Snapshot s = e.snapshot()) {
        a.put(utf8("k"), utf8("new"));
        a.put(utf8("k2"), utf8("new"));
        e.dropKeyspace("doomed");
        e.createKeyspace("later").put(utf8("k"), utf8("x"));
        e.put(utf8("k"), utf8("new-default"));

        assertEquals("old", str(s.keyspace("a").get(utf8("k"))));
        assertNull(s.keyspace("a").get(utf8("k2")));
        assertEquals("kept", str(s.keyspace("doomed").get(utf8("k"))), "dropped after it");
        try (Cursor c = s.keyspace("doomed").cursor()) {
          assertEquals(List.of("k"), keys(c));
        }
        InvalidArgumentException later =
            assertThrows(InvalidArgumentException.class, () -> s.keyspace("later"));
        assertTrue(later.getMessage().contains("'later'"), later.getMessage());
        assertEquals("old-default", str(s.keyspace(Keyspace.DEFAULT).get(utf8("k"))));
        assertSame(s, s.keyspace(Keyspace.DEFAULT));
        assertThrows(InvalidArgumentException.class, () -> s.keyspace("no such"));
        assertEquals(List.of("a", "default", "later"), e.keyspaces());
        assertConsistent(e);
      }
      // The dropped keyspace was kept for the snapshot only: a's k and k2, later's k, default's k.
      assertEquals(4, e.statistics().approximateKeys());
      assertEquals(4, detail(e, "versions"));
      assertEquals(4, detail(e, "keys.stored"));
      assertConsistent(e);
    }
  }

  @Test
  void aSnapshotKeyspaceViewLivesAsLongAsTheSnapshot() {
    try (StorageEngine e = TestStores.open()) {
      e.createKeyspace("a").put(utf8("k"), utf8("v"));
      Snapshot s = e.snapshot();
      ReadView view = s.keyspace("a");
      Cursor c = view.cursor();
      assertEquals(1, detail(e, "cursors.open"));
      s.close();
      assertThrows(ClosedHandleException.class, () -> view.get(utf8("k")));
      assertThrows(ClosedHandleException.class, view::cursor);
      assertThrows(ClosedHandleException.class, c::next, "the snapshot closed its cursors");
      assertThrows(ClosedHandleException.class, () -> s.keyspace("a"));
      assertEquals(0, detail(e, "cursors.open"));
      assertEquals(0, detail(e, "pins"));
    }
  }

  @Test
  void aDroppedKeyspacesHandlesAreInvalid() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      a.put(utf8("k"), utf8("v"));
      e.dropKeyspace("a");
      assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
      assertThrows(InvalidArgumentException.class, () -> e.keyspace("a"));
      assertAllInvalid(a);
      // A new keyspace of the same name is another keyspace: empty, and the old handle stays
      // invalid rather than writing to it.
      Keyspace again = e.createKeyspace("a");
      assertNull(again.get(utf8("k")));
      assertAllInvalid(a);
      again.put(utf8("k"), utf8("new"));
      assertEquals("new", str(e.keyspace("a").get(utf8("k"))));
      assertEquals(0, detail(e, "pins"), "refused cursors hold no pin");
      assertConsistent(e);
    }
  }

  private static void assertAllInvalid(Keyspace k) {
    byte[] key = utf8("k");
    List<Executable> calls =
        List.of(
            () -> k.get(key),
            () -> k.put(key, utf8("x")),
            () -> k.delete(key),
            k::cursor,
            () -> k.cursor(KeyRange.atLeast(key), Direction.REVERSE),
            () -> k.multiGet(List.of(key)),
            () -> k.approximateCount(KeyRange.all()),
            () -> k.approximateCount(KeyRange.atLeast(key)),
            () -> k.approximateSize(KeyRange.all()),
            () -> k.approximateSize(KeyRange.atLeast(key)),
            k::statistics,
            () -> k.deleteRange(KeyRange.all(), k.store().defaultDurability()),
            () -> k.putIfAbsent(key, utf8("x"), k.store().defaultDurability()),
            () -> k.replace(key, utf8("v"), utf8("x"), k.store().defaultDurability()),
            () -> k.deleteIfEquals(key, utf8("v"), k.store().defaultDurability()));
    for (Executable call : calls) {
      InvalidStateException ex = assertThrows(InvalidStateException.class, call);
      assertTrue(ex.getMessage().contains("'" + k.name() + "' was dropped"), ex.getMessage());
    }
  }

  @Test
  void cursorsOpenedBeforeADropReadOnAsOfTheirOpening() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      a.put(utf8("k1"), utf8("v"));
      a.put(utf8("k2"), utf8("v"));
      try (Cursor c = a.cursor()) {
        assertTrue(c.next());
        e.dropKeyspace("a");
        assertTrue(c.next());
        assertEquals("k2", str(c.key()));
        assertFalse(c.next());
        assertTrue(detail(e, "versions") >= 2, "held for the cursor");
      }
      assertEquals(0, detail(e, "versions"), "released when the cursor closed");
      assertEquals(0, e.statistics().memoryBytes());
      assertConsistent(e);
    }
  }

  @Test
  void droppingReleasesTheDataAtOnceWithoutReaders() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      for (int i = 0; i < 100; i++) {
        a.put(utf8("k" + i), new byte[100]);
      }
      assertTrue(e.statistics().memoryBytes() > 100 * 100);
      e.dropKeyspace("a");
      assertEquals(0, e.statistics().memoryBytes());
      assertEquals(0, detail(e, "versions"));
      assertEquals(0, detail(e, "keys.stored"));
      assertEquals(0, e.statistics().approximateKeys());
      assertConsistent(e);
    }
  }

  @Test
  void statisticsPerKeyspaceAndForTheStore() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      Keyspace b = e.createKeyspace("b");
      for (int i = 0; i < 10; i++) {
        a.put(utf8("k" + i), new byte[10]);
      }
      for (int i = 0; i < 3; i++) {
        b.put(utf8("k" + i), new byte[10]);
      }
      e.put(utf8("k"), new byte[10]);
      a.delete(utf8("k0"));
      EngineStatistics sa = a.statistics();
      EngineStatistics sb = b.statistics();
      EngineStatistics sd = e.keyspace(Keyspace.DEFAULT).statistics();
      assertEquals(9, sa.approximateKeys());
      assertEquals(3, sb.approximateKeys());
      assertEquals(1, sd.approximateKeys());
      assertEquals(0, sa.diskBytes());
      assertEquals(9, sa.details().get("versions"));
      assertEquals(9, sa.details().get("keys.stored"));
      assertTrue(sa.memoryBytes() > sb.memoryBytes(), sa + " vs " + sb);
      EngineStatistics store = e.statistics();
      assertEquals(13, store.approximateKeys(), "the store counts every keyspace");
      assertEquals(sa.memoryBytes() + sb.memoryBytes() + sd.memoryBytes(), store.memoryBytes());
      assertEquals(13, store.details().get("versions"));
      assertEquals(3, store.details().get("keyspaces"));
    }
  }

  @Test
  void aReadOnlyStoreCannotCreateOrDropKeyspaces() {
    try (StorageEngine e =
        new MemoryEngineProvider().open(EngineOptions.builder().readOnly(true).build())) {
      assertThrows(ReadOnlyStoreException.class, () -> e.createKeyspace("a"));
      assertThrows(ReadOnlyStoreException.class, () -> e.dropKeyspace("a"));
      assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
      assertThrows(
          ReadOnlyStoreException.class,
          () -> e.keyspace(Keyspace.DEFAULT).put(utf8("k"), utf8("v")));
    }
  }

  @Test
  void closingTheStoreInvalidatesKeyspaceHandles() {
    StorageEngine e = TestStores.open();
    Keyspace a = e.createKeyspace("a");
    a.put(utf8("k"), utf8("v"));
    Cursor c = a.cursor();
    e.close();
    assertThrows(ClosedHandleException.class, () -> a.get(utf8("k")));
    assertThrows(ClosedHandleException.class, () -> a.put(utf8("k"), utf8("v")));
    assertThrows(ClosedHandleException.class, a::cursor);
    assertThrows(ClosedHandleException.class, a::statistics);
    assertThrows(ClosedHandleException.class, c::next);
    assertThrows(ClosedHandleException.class, e::keyspaces);
    assertThrows(ClosedHandleException.class, () -> e.keyspace("a"));
    assertThrows(ClosedHandleException.class, () -> e.createKeyspace("b"));
    assertThrows(ClosedHandleException.class, () -> e.dropKeyspace("a"));
  }

  /** Creates and drops race with writers and readers of the keyspaces; each sees a valid state. */
  @Test
  void createAndDropRaceWithReadersAndWriters() throws Exception {
    long seed = TestStores.seed("createAndDropRaceWithReadersAndWriters");
    try (StorageEngine e = TestStores.open()) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong dropsSeen = new AtomicLong();
      Consumer<Runnable> guarded =
          body -> {
            try {
              while (!done.get() && failure.get() == null) {
                body.run();
              }
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
            }
          };
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () ->
                      guarded.accept(
                          () -> {
                            try {
                              Keyspace k = e.keyspace("k");
                              k.put(utf8("a"), utf8("1"));
                              k.put(utf8("b"), utf8("1"));
                              e.write(
                                  new WriteBatch()
                                      .put("k", utf8("c"), utf8("1"))
                                      .put(utf8("seen"), utf8("1")));
                            } catch (InvalidArgumentException | InvalidStateException dropped) {
                              dropsSeen.incrementAndGet();
                            }
                          }));
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () ->
                      guarded.accept(
                          () -> {
                            try (Snapshot s = e.snapshot()) {
                              ReadView k;
                              try {
                                k = s.keyspace("k");
                              } catch (InvalidArgumentException absent) {
                                return;
                              }
                              // Whatever the snapshot sees must stay the same while it is open.
                              List<String> first;
                              try (Cursor c = k.cursor()) {
                                first = keys(c);
                              }
                              Thread.yield();
                              try (Cursor c = k.cursor()) {
                                assertEquals(first, keys(c));
                              }
                            }
                          }));
      java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
      for (int i = 0; i < 500 && failure.get() == null; i++) {
        e.createKeyspace("k");
        if (random.nextBoolean()) {
          Thread.yield();
        }
        e.dropKeyspace("k");
      }
      done.set(true);
      writer.join();
      reader.join();
      if (failure.get() != null) {
        throw new AssertionError("seed " + seed, failure.get());
      }
      assertEquals(0, detail(e, "pins"));
      assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
      assertEquals(
          e.get(utf8("seen")) == null ? 0 : 1,
          detail(e, "versions"),
          "only the default keyspace's key is left");
      assertConsistent(e);
    }
  }

  private static byte[] counter(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  private static long counter(byte[] b) {
    return b == null ? -1 : ByteBuffer.wrap(b).getLong();
  }
}
