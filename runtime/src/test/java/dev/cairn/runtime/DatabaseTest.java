package dev.cairn.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseKeyspace;
import dev.cairn.runtime.database.KeyspaceInfo;
import dev.cairn.runtime.database.RetiredStore;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StoreLockedException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database of keyspaces on test engines: its catalog, batches, cut-over and strays. */
class DatabaseTest {

  @TempDir Path dir;

  private final TinyProvider one = TinyProvider.durable("one");
  private final TinyProvider two = TinyProvider.durable("two");
  private final TinyProvider memory = TinyProvider.spi11("mem");
  private final EngineRegistry registry = EngineRegistry.of(List.of(one, two, memory));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private Database open() {
    return registry.database(dir).meterRegistry(meters).name("db").open();
  }

  @Test
  void keyspacesOnTheirEnginesReopenByNameWithoutNamingEngines() {
    try (Database db =
        registry
            .database(dir)
            .keyspace("sessions", "one")
            .keyspace("events", "two")
            .meterRegistry(meters)
            .open()) {
      db.keyspace("sessions").put(b("s"), b("1"));
      db.keyspace("events").put(b("e"), b("2"));
      assertEquals(List.of("events", "sessions"), db.keyspaceNames());
    }
    try (Database db = open()) {
      assertEquals(List.of("events", "sessions"), db.keyspaceNames());
      assertEquals("one", db.keyspace("sessions").engine());
      assertEquals("two", db.keyspace("events").engine());
      assertArrayEquals(b("1"), db.keyspace("sessions").get(b("s")));
      assertArrayEquals(b("2"), db.keyspace("events").get(b("e")));
      assertNull(db.keyspace("sessions").get(b("e")), "keyspaces are separate");
      KeyspaceInfo info = db.describe().getFirst();
      assertEquals("events", info.name());
      assertEquals(dir.toAbsolutePath().resolve("events-2"), info.store());
      assertTrue(db.strays().isEmpty(), db.strays().toString());
    }
  }

  @Test
  void aKeyspaceDeclaredOnAnotherEngineIsRefusedNamingBoth() {
    registry.database(dir).keyspace("events", "one").open().close();
    IncompatibleVersionException e =
        assertThrows(
            IncompatibleVersionException.class,
            () -> registry.database(dir).keyspace("events", "two").open());
    assertTrue(
        e.getMessage().contains("'two'") && e.getMessage().contains("'one'"), e.getMessage());
    // and the refused open released the directory
    registry.database(dir).open().close();
  }

  @Test
  void anUnknownKeyspaceIsRefusedListingTheKnownOnes() {
    try (Database db = registry.database(dir).keyspace("events", "one").open()) {
      InvalidArgumentException e =
          assertThrows(InvalidArgumentException.class, () -> db.keyspace("evnets"));
      assertTrue(e.getMessage().contains("[events]"), e.getMessage());
    }
  }

  @Test
  void aBatchWithinAKeyspaceIsAtomicAndStaysInItsKeyspace() {
    try (Database db =
        registry
            .database(dir)
            .sharedStore("main", "mem")
            .keyspaceIn("a", "main")
            .keyspaceIn("b", "main")
            .open()) {
      DatabaseKeyspace a = db.keyspace("a");
      a.write(new WriteBatch().put(b("k"), b("1")).put(b("j"), b("2")));
      assertArrayEquals(b("1"), a.get(b("k")));
      assertNull(db.keyspace("b").get(b("k")));
      assertTrue(a.putIfAbsent(b("x"), b("3")));
      assertFalse(a.putIfAbsent(b("x"), b("4")));
      assertArrayEquals(b("3"), a.get(b("x")));
      assertThrows(
          InvalidArgumentException.class, () -> a.write(new WriteBatch().put("b", b("k"), b("1"))));
    }
  }

  @Test
  void aBatchAcrossKeyspacesOfOneSharedStoreIsWrittenAsOne() {
    try (Database db =
        registry
            .database(dir)
            .sharedStore("main", "mem")
            .keyspaceIn("a", "main")
            .keyspaceIn("b", "main")
            .open()) {
      db.write(new WriteBatch().put("a", b("k"), b("1")).put("b", b("k"), b("2")));
      assertArrayEquals(b("1"), db.keyspace("a").get(b("k")));
      assertArrayEquals(b("2"), db.keyspace("b").get(b("k")));
      // one write: a failed precondition on one keyspace applies nothing to the other
      assertThrows(
          dev.cairn.spi.ConflictException.class,
          () ->
              db.write(new WriteBatch().requireAbsent("b", b("k")).put("a", b("k"), b("changed"))));
      assertArrayEquals(b("1"), db.keyspace("a").get(b("k")));
    }
  }

  @Test
  void aBatchAcrossEnginesIsRefusedNamingBothKeyspacesAndEnginesAndWritesNothing() {
    try (Database db =
        registry.database(dir).keyspace("sessions", "one").keyspace("events", "two").open()) {
      UnsupportedCapabilityException e =
          assertThrows(
              UnsupportedCapabilityException.class,
              () ->
                  db.write(
                      new WriteBatch()
                          .put("sessions", b("k"), b("1"))
                          .put("events", b("k"), b("2"))));
      String m = e.getMessage();
      assertTrue(m.contains("'events' (engine 'two'") && m.contains("'sessions' (engine 'one'"), m);
      assertTrue(m.contains("0024"), m);
      assertNull(db.keyspace("sessions").get(b("k")));
      assertNull(db.keyspace("events").get(b("k")));
    }
  }

  @Test
  void eachKeyspaceHasItsOwnMetersTaggedWithItsName() {
    try (Database db =
        registry
            .database(dir)
            .name("shop")
            .meterRegistry(meters)
            .keyspace("sessions", "one")
            .keyspace("events", "two")
            .open()) {
      db.keyspace("sessions").put(b("k"), b("v"));
      db.keyspace("sessions").put(b("k"), b("v"));
      db.keyspace("events").get(b("k"));
      assertEquals(
          2,
          meters
              .get("cairn.database.operation")
              .tags("database", "shop", "keyspace", "sessions", "engine", "one", "op", "put")
              .tag("outcome", "success")
              .timer()
              .count());
      assertEquals(
          1,
          meters
              .get("cairn.database.operation")
              .tags("keyspace", "events", "engine", "two", "op", "get", "outcome", "success")
              .timer()
              .count());
      // and the store's own boundary meters are there too, tagged with the database's store
      assertTrue(
          meters.find("cairn.store.fail.stops").tag("store", "shop/sessions-1").counter() != null);
    }
    assertNull(meters.find("cairn.database.operation").timer(), "closing removes them");
  }

  @Test
  void aDirectoryWithFilesButNoCatalogIsNotSilentlyAnEmptyDatabase() throws Exception {
    Files.createDirectories(dir.resolve("events-1"));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, this::open);
    assertTrue(e.getMessage().contains("no CAIRN-DATABASE"), e.getMessage());
    assertTrue(e.getMessage().contains("events-1"), e.getMessage());
  }

  @Test
  void aDamagedCatalogFailsTheOpenNamingTheFile() throws Exception {
    registry.database(dir).keyspace("events", "one").open().close();
    Path catalog = dir.resolve("CAIRN-DATABASE");
    byte[] bytes = Files.readAllBytes(catalog);
    bytes[bytes.length - 6] ^= 1;
    Files.write(catalog, bytes);
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertTrue(e.getMessage().contains(catalog.toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void aStoreTheCatalogNamesButIsGoneFailsTheOpen() throws Exception {
    registry.database(dir).keyspace("events", "one").open().close();
    try (var s = Files.walk(dir.resolve("events-1"))) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertTrue(
        e.getMessage().contains("events-1") && e.getMessage().contains("'one'"), e.getMessage());
  }

  @Test
  void aSecondOpenIsRefusedWhileTheFirstHoldsTheDatabase() {
    try (Database db = open()) {
      assertThrows(StoreLockedException.class, this::open);
      assertTrue(db.keyspaceNames().isEmpty());
    }
  }

  @Test
  void aStoreLeftByACrashBeforeItsCatalogWriteIsAStrayNeverUsed() {
    open().close();
    // What a crash between creating a keyspace's store and writing the catalog leaves.
    registry.store(dir.resolve("events-1")).engine("one").open().close();
    try (Database db = open()) {
      assertEquals(1, db.strays().size(), db.strays().toString());
      assertTrue(db.strays().getFirst().contains("events-1"));
      assertTrue(db.keyspaceNames().isEmpty());
      DatabaseKeyspace events = db.createKeyspace("events", "one");
      events.put(b("k"), b("v"));
      assertEquals(
          dir.toAbsolutePath().resolve("events-2"), db.describe().getFirst().store(), "not reused");
    }
    assertTrue(Files.exists(dir.resolve("events-1/CAIRN-STORE")), "the stray is kept");
  }

  @Test
  void droppingAKeyspaceDeletesItsStoreAndInvalidatesItsHandle() {
    try (Database db = open()) {
      DatabaseKeyspace events = db.createKeyspace("events", "one");
      events.put(b("k"), b("v"));
      db.dropKeyspace("events");
      assertThrows(InvalidStateException.class, () -> events.get(b("k")));
      assertTrue(db.keyspaceNames().isEmpty());
      assertTrue(db.retired().isEmpty());
      assertFalse(Files.exists(dir.resolve("events-1")));
    }
    try (Database db = open()) {
      assertTrue(db.keyspaceNames().isEmpty());
      assertTrue(db.strays().isEmpty(), db.strays().toString());
    }
  }

  @Test
  void aMovesTargetIsAdoptedOpenByItsCutOverAndClosedByTheMoveWhenNoneHappened() {
    try (Database db = open()) {
      DatabaseKeyspace events = db.createKeyspace("events", "one");
      events.put(b("a"), b("1"));
      StorageEngine view;
      try (var move = db.move("events")) {
        Path target = move.newTarget();
        view = move.openTarget(target, "two", Map.of(), true);
        view.put(b("a"), b("1"));
        move.cutOver(target, Map.of(), () -> view.put(b("b"), b("2")));
        assertEquals("two", events.engine());
        assertArrayEquals(b("2"), events.get(b("b")));
        view.put(b("c"), b("3")); // the same store, not closed and opened again
      }
      assertArrayEquals(b("3"), events.get(b("c")), "the move's end left the adopted store open");
      assertArrayEquals(b("2"), view.get(b("b")));

      DatabaseKeyspace other = db.createKeyspace("other", "one");
      StorageEngine abandoned;
      Path unused;
      try (var move = db.move("other")) {
        unused = move.newTarget();
        abandoned = move.openTarget(unused, "two", Map.of(), true);
        abandoned.put(b("x"), b("1"));
      }
      assertThrows(ClosedHandleException.class, () -> abandoned.get(b("x")), "closed by the move");
      assertEquals("one", other.engine());
      try (StorageEngine reopened = registry.store(unused).engine("two").open()) {
        assertArrayEquals(b("1"), reopened.get(b("x")), "its directory was unlocked");
      }
    }
  }

  @Test
  void aCutOverMovesTheKeyspaceToTheNewStoreAndKeepsTheOldUntilRetired() {
    RetiredStore former;
    try (Database db = open()) {
      DatabaseKeyspace events = db.createKeyspace("events", "one");
      events.put(b("a"), b("1"));
      Path target = db.newStoreDirectory("events");
      try (StorageEngine copy = registry.store(target).engine("two").open()) {
        copy.put(b("a"), b("1")); // the migration's copy
      }
      former =
          db.cutOver(
              "events",
              target,
              Map.of(),
              () -> {
                // the held keyspace: last writes are copied here
                try (StorageEngine copy = registry.store(target).open()) {
                  copy.put(b("b"), b("2"));
                }
              });
      assertEquals("two", events.engine(), "the same handle follows the cut-over");
      assertArrayEquals(b("2"), events.get(b("b")));
      events.put(b("c"), b("3"));
      assertEquals(List.of(former), db.retired());
      assertEquals("one", former.engine());
      assertTrue(former.wholeStore());
      assertEquals(dir.toAbsolutePath().resolve("events-1"), former.store());
    }
    try (Database db = open()) {
      DatabaseKeyspace events = db.keyspace("events");
      assertEquals("two", events.engine());
      assertArrayEquals(b("3"), events.get(b("c")));
      assertTrue(Files.exists(former.store()), "kept until retired");
      assertTrue(db.strays().isEmpty(), db.strays().toString());
      db.retire(former);
      assertFalse(Files.exists(former.store()));
      assertTrue(db.retired().isEmpty());
    }
    try (Database db = open()) {
      assertTrue(db.retired().isEmpty());
      assertTrue(db.strays().isEmpty(), db.strays().toString());
    }
  }

  @Test
  void aKeyspaceOfASharedStoreIsCutOverToAStoreOfItsOwnAndItsEngineKeyspaceRetired() {
    try (Database db =
        registry
            .database(dir)
            .sharedStore("main", "one")
            .keyspaceIn("a", "main")
            .keyspaceIn("b", "main")
            .open()) {
      db.keyspace("a").put(b("k"), b("1"));
      db.keyspace("b").put(b("k"), b("2"));
      Path target = db.newStoreDirectory("a");
      try (StorageEngine copy = registry.store(target).engine("two").open()) {
        copy.put(b("k"), b("1"));
      }
      RetiredStore former = db.cutOver("a", target, Map.of(), () -> {});
      assertFalse(former.wholeStore());
      assertEquals("a", former.engineKeyspace());
      assertEquals("two", db.keyspace("a").engine());
      assertArrayEquals(b("1"), db.keyspace("a").get(b("k")));
      assertArrayEquals(b("2"), db.keyspace("b").get(b("k")), "the shared store stays open");
      assertTrue(db.keyspace("b").store().keyspaces().contains("a"), "kept until retired");
      // a batch across the two is now across stores
      assertThrows(
          UnsupportedCapabilityException.class,
          () -> db.write(new WriteBatch().put("a", b("x"), b("1")).put("b", b("x"), b("2"))));
      db.retire(former);
      assertFalse(db.keyspace("b").store().keyspaces().contains("a"));
      assertTrue(db.retired().isEmpty());
    }
  }

  @Test
  void droppingAKeyspaceOfASharedStoreDropsItsEngineKeyspaceOnly() {
    try (Database db =
        registry
            .database(dir)
            .sharedStore("main", "mem")
            .keyspaceIn("a", "main")
            .keyspaceIn("b", "main")
            .open()) {
      db.keyspace("b").put(b("k"), b("2"));
      db.dropKeyspace("a");
      assertEquals(List.of("b"), db.keyspaceNames());
      assertFalse(db.keyspace("b").store().keyspaces().contains("a"));
      assertArrayEquals(b("2"), db.keyspace("b").get(b("k")));
      // a new keyspace of that name gets an engine keyspace of its own, empty
      assertNull(db.createKeyspaceIn("a", "main").get(b("k")));
    }
  }

  @Test
  void aCutOverWhoseHeldStepFailsChangesNothing() {
    try (Database db = open()) {
      DatabaseKeyspace events = db.createKeyspace("events", "one");
      Path target = db.newStoreDirectory("events");
      registry.store(target).engine("two").open().close();
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  db.cutOver(
                      "events",
                      target,
                      Map.of(),
                      () -> {
                        throw new IllegalStateException("copy failed");
                      }));
      assertEquals("copy failed", e.getMessage());
      assertEquals("one", events.engine());
      events.put(b("k"), b("v"));
      assertTrue(db.retired().isEmpty());
    }
    try (Database db = open()) {
      assertEquals("one", db.keyspace("events").engine());
      assertEquals(1, db.strays().size(), "the unused target is a stray: " + db.strays());
    }
  }

  @Test
  void aWriteDuringTheCutOverWaitsAndLandsInTheNewStore() throws Exception {
    try (Database db = open()) {
      DatabaseKeyspace events = db.createKeyspace("events", "one");
      Path target = db.newStoreDirectory("events");
      registry.store(target).engine("two").open().close();
      AtomicReference<Thread> writer = new AtomicReference<>();
      db.cutOver(
          "events",
          target,
          Map.of(),
          () -> {
            Thread t = new Thread(() -> events.put(b("late"), b("v")));
            writer.set(t);
            t.start();
            // the writer must be held, not write to the old store
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
              Thread.onSpinWait();
            }
            assertEquals(Thread.State.WAITING, t.getState());
          });
      writer.get().join();
      assertArrayEquals(b("v"), events.get(b("late")));
      assertEquals("two", events.engine());
    }
    try (StorageEngine old = registry.store(dir.resolve("events-1")).open()) {
      assertNull(old.get(b("late")), "the held write did not go to the old store");
    }
  }

  @Test
  void aCutOverRefusesATargetOutsideTheDatabaseOrAlreadyNamed() {
    try (Database db = open()) {
      db.createKeyspace("events", "one");
      assertThrows(
          InvalidArgumentException.class,
          () -> db.cutOver("events", dir.resolveSibling("elsewhere"), Map.of(), () -> {}));
      assertThrows(
          InvalidArgumentException.class,
          () -> db.cutOver("events", dir.resolve("events-1"), Map.of(), () -> {}));
      assertThrows(
          InvalidArgumentException.class,
          () -> db.cutOver("events", db.newStoreDirectory("x"), Map.of(), () -> {}),
          "no store there");
    }
  }

  @Test
  void aClosedDatabaseRefusesItsKeyspaces() {
    DatabaseKeyspace events;
    try (Database db = open()) {
      events = db.createKeyspace("events", "one");
    }
    assertThrows(ClosedHandleException.class, () -> events.get(b("k")));
  }
}
