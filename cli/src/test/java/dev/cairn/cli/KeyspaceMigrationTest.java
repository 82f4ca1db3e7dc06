package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseBuilder;
import dev.cairn.runtime.database.DatabaseKeyspace;
import dev.cairn.runtime.database.KeyspaceInfo;
import dev.cairn.runtime.migrate.KeyspaceMigration;
import dev.cairn.runtime.migrate.MigrationProgress;
import dev.cairn.runtime.migrate.MigrationSummary;
import dev.cairn.runtime.migrate.OfflineMigration;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online migrations of a database keyspace ({@link KeyspaceMigration}) while a concurrent writer
 * writes through the keyspace's own handle: after the cut-over, and after the database is reopened,
 * the keyspace is on the new engine and holds exactly every acknowledged write; a migration stopped
 * before its cut-over leaves the keyspace on its old store, serving every write, and running it
 * again continues it. Each test prints its seed; {@code -Dcairn.migration.seed=N} replays it.
 */
class KeyspaceMigrationTest {

  private static final int KEYS = 1000;
  private static final long SEED = Long.getLong("cairn.migration.seed", System.nanoTime());

  @TempDir Path tmp;

  /** From, to: an own store's engine, or "shared:ENGINE" for a keyspace of a shared store. */
  @TestFactory
  List<DynamicTest> aKeyspaceMigratesUnderAWriterWritingThroughItsHandle() {
    List<DynamicTest> list = new ArrayList<>();
    for (String[] pair :
        new String[][] {
          {"hash", "rocksdb"},
          {"hash", "lsm"},
          {"lsm", "btree"},
          {"rocksdb", "lsm"},
          {"btree", "hash"},
          {"shared:lsm", "rocksdb"},
          {"shared:btree", "btree"},
        }) {
      long seed = SEED ^ (pair[0] + pair[1]).hashCode();
      list.add(
          DynamicTest.dynamicTest(
              pair[0] + " -> " + pair[1] + " (seed " + seed + ")",
              () ->
                  migrate(
                      pair[0], pair[1], tmp.resolve(pair[0].replace(':', '-') + pair[1]), seed)));
    }
    return list;
  }

  private void migrate(String from, String to, Path dir, long seed) throws Exception {
    System.out.println("KeyspaceMigrationTest " + from + " -> " + to + ": seed " + seed);
    boolean shared = from.startsWith("shared:");
    String fromEngine = shared ? from.substring("shared:".length()) : from;
    Map<String, String> model = new ConcurrentHashMap<>();
    Map<String, String> neighbour = new TreeMap<>();
    try (Database db = create(dir, fromEngine, shared)) {
      fill(db, model, neighbour);
      DatabaseKeyspace events = db.keyspace("events");
      AtomicLong acknowledged = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      List<Throwable> failures = new ArrayList<>();
      Thread writer =
          Thread.ofPlatform()
              .start(() -> write(events, model, new Random(seed), acknowledged, stop, failures));
      awaitMore(acknowledged, 50, writer);
      AtomicBoolean checkedWhileMoving = new AtomicBoolean();
      MigrationSummary s;
      KeyspaceMigration migration =
          KeyspaceMigration.of(Cairn.engines(), db, "events", to, Map.of())
              .configure(
                  m ->
                      m.batch(100, 1 << 20)
                          .checkpointEvery(4096)
                          .ranges(500, 16)
                          .progress(
                              p -> {
                                if (p.phase() != MigrationProgress.Phase.COPYING) {
                                  return;
                                }
                                // the writer writes during the copy, through the keyspace
                                awaitMore(acknowledged, 5, writer);
                                if (checkedWhileMoving.compareAndSet(false, true)) {
                                  refusedWhileMoving(db, shared);
                                }
                              }));
      try {
        s = migration.run();
        awaitMore(acknowledged, 50, writer); // writes after the cut-over go to the new store
      } finally {
        stop.set(true);
        writer.join();
      }
      assertTrue(failures.isEmpty(), "the writer failed: " + failures);
      assertTrue(checkedWhileMoving.get());
      assertTrue(s.replayedKeys() > 0, "writes made during the copy were replayed: " + s);
      assertEquals(to, events.engine());
      assertEquals(Keyspace.DEFAULT, events.engineKeyspace());
      assertEquals(new TreeMap<>(model), contents(events), "every acknowledged write, on " + to);
      Path target = migration.target();
      assertEquals(dir.resolve("db"), target.getParent());
      assertTrue(OfflineMigration.isComplete(target.resolve(OfflineMigration.PROGRESS_FILE)));
      KeyspaceInfo info = info(db, "events");
      assertEquals(target, info.store());
      assertEquals(1, db.retired().size(), "the old place is retired: " + db.retired());
      assertEquals(neighbour, contents(db.keyspace("other")));
      // after the cut-over the keyspace is in a store of its own: batches with it are refused
      if (shared) {
        assertThrows(
            RuntimeException.class,
            () ->
                db.write(
                    new WriteBatch().put("events", b("x"), b("1")).put("other", b("y"), b("2")),
                    Durability.BUFFERED));
      }
    }
    try (Database db = Cairn.database(dir.resolve("db")).open()) {
      assertEquals(to, db.keyspace("events").engine());
      assertEquals(new TreeMap<>(model), contents(db.keyspace("events")), "after reopening");
      assertEquals(neighbour, contents(db.keyspace("other")));
      assertEquals(List.of(), db.strays());
    }
  }

  /**
   * A migration stopped before its cut-over (here by its progress listener, as by a crash) leaves
   * the keyspace on its old store, taking writes there; the target's directory is a stray the
   * reopened database names and does not use; running the migration again continues it, and one to
   * another engine is refused while that target is there.
   */
  @Test
  void aStoppedMigrationLeavesTheOldStoreServingAndRunningAgainContinuesIt() {
    long seed = SEED;
    System.out.println("KeyspaceMigrationTest stopped: seed " + seed);
    Path dir = tmp.resolve("stopped");
    Map<String, String> model = new ConcurrentHashMap<>();
    Map<String, String> neighbour = new TreeMap<>();
    Path target;
    try (Database db = create(dir, "hash", false)) {
      fill(db, model, neighbour);
      int stopAt = 3 + new Random(seed).nextInt(5);
      int[] batches = {0};
      Random r = new Random(seed);
      KeyspaceMigration first =
          KeyspaceMigration.of(Cairn.engines(), db, "events", "lsm", Map.of())
              .configure(
                  m ->
                      m.batch(100, 1 << 20)
                          .checkpointEvery(2048)
                          .progress(
                              p -> {
                                if (p.phase() == MigrationProgress.Phase.COPYING) {
                                  String k = String.format("k%05d", r.nextInt(KEYS));
                                  db.keyspace("events").put(b(k), b("during"), Durability.BUFFERED);
                                  model.put(k, "during");
                                  if (++batches[0] == stopAt) {
                                    throw new IllegalStateException("stopped");
                                  }
                                }
                              }));
      assertThrows(IllegalStateException.class, first::run);
      target = first.target();
      assertEquals("hash", db.keyspace("events").engine(), "the keyspace keeps its old store");
      db.keyspace("events").put(b("late"), b("after the stop"), Durability.BUFFERED);
      model.put("late", "after the stop");
      assertEquals(new TreeMap<>(model), contents(db.keyspace("events")));
      assertTrue(Files.exists(target.resolve(OfflineMigration.PROGRESS_FILE)));
      assertFalse(OfflineMigration.isComplete(target.resolve(OfflineMigration.PROGRESS_FILE)));
    }
    try (Database db = Cairn.database(dir.resolve("db")).open()) {
      assertEquals("hash", db.keyspace("events").engine(), "the catalog names the old store");
      assertEquals(new TreeMap<>(model), contents(db.keyspace("events")));
      assertTrue(db.strays().toString().contains(target.toString()), db.strays().toString());
      InvalidArgumentException other =
          assertThrows(
              InvalidArgumentException.class,
              () -> KeyspaceMigration.of(Cairn.engines(), db, "events", "btree", Map.of()).run());
      assertTrue(other.getMessage().contains(target.toString()), other.getMessage());
      assertEquals("hash", db.keyspace("events").engine());
      KeyspaceMigration again =
          KeyspaceMigration.of(Cairn.engines(), db, "events", "lsm", Map.of());
      MigrationSummary s = again.run();
      assertTrue(s.resumed(), "the second run continues the first: " + s);
      assertEquals(target, again.target());
      assertEquals("lsm", db.keyspace("events").engine());
      assertEquals(new TreeMap<>(model), contents(db.keyspace("events")));
      assertEquals(neighbour, contents(db.keyspace("other")));
    }
    try (Database db = Cairn.database(dir.resolve("db")).open()) {
      assertEquals("lsm", db.keyspace("events").engine());
      assertEquals(new TreeMap<>(model), contents(db.keyspace("events")));
      assertEquals(List.of(), db.strays());
    }
  }

  /**
   * {@code cairn migrate --db DIR --keyspace NAME --to ENGINE --online} continues a keyspace
   * migration a stopped run left, cuts over, and says so; misused options are refused.
   */
  @Test
  void cairnMigrateMovesADatabaseKeyspaceOnline() {
    Path dir = tmp.resolve("cli");
    Map<String, String> model = new ConcurrentHashMap<>();
    Map<String, String> neighbour = new TreeMap<>();
    try (Database db = create(dir, "hash", false)) {
      fill(db, model, neighbour);
      int[] batches = {0};
      assertThrows(
          IllegalStateException.class,
          () ->
              KeyspaceMigration.of(Cairn.engines(), db, "events", "btree", Map.of())
                  .configure(
                      m ->
                          m.batch(100, 1 << 20)
                              .checkpointEvery(2048)
                              .progress(
                                  p -> {
                                    if (p.phase() == MigrationProgress.Phase.COPYING
                                        && ++batches[0] == 5) {
                                      throw new IllegalStateException("stopped");
                                    }
                                  }))
                  .run());
    }
    String d = dir.resolve("db").toString();
    CliRun wrongTo =
        CliRun.run(Cairn.engines(), "migrate", "--db", d, "-k", "events", "--to", "btree:/x");
    assertEquals(ExitCodes.USAGE, wrongTo.exitCode(), wrongTo.describe());
    assertTrue(wrongTo.err().contains("the engine alone"), wrongTo.describe());
    CliRun storeOnline =
        CliRun.run(Cairn.engines(), "migrate", "--from", d, "--to", "btree:/x", "--online");
    assertEquals(ExitCodes.USAGE, storeOnline.exitCode(), storeOnline.describe());
    CliRun r =
        CliRun.run(
            Cairn.engines(),
            "migrate",
            "--db",
            d,
            "--keyspace",
            "events",
            "--to",
            "btree",
            "--online",
            "--no-progress");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(
        r.out().startsWith("migrated keyspace 'events' of " + d + " from hash to btree in "),
        r.describe());
    assertTrue(r.out().contains(": " + KEYS + " entries ("), r.describe());
    assertTrue(r.out().contains("(resumed)"), r.describe());
    assertTrue(r.out().contains("verified: 256 hash buckets equal on both sides"), r.describe());
    try (Database db = Cairn.database(dir.resolve("db")).open()) {
      assertEquals("btree", db.keyspace("events").engine());
      assertEquals(new TreeMap<>(model), contents(db.keyspace("events")));
      assertEquals(neighbour, contents(db.keyspace("other")));
      assertEquals(List.of(), db.strays());
    }
  }

  /** While a keyspace moves, what would race its cut-over is refused, naming the migration. */
  private static void refusedWhileMoving(Database db, boolean shared) {
    InvalidStateException drop =
        assertThrows(InvalidStateException.class, () -> db.dropKeyspace("events"));
    assertTrue(drop.getMessage().contains("is being migrated"), drop.getMessage());
    assertThrows(
        InvalidStateException.class,
        () -> KeyspaceMigration.of(Cairn.engines(), db, "events", "hash", Map.of()).run());
    assertThrows(
        InvalidStateException.class,
        () -> db.cutOver("events", db.newStoreDirectory("x"), Map.of(), () -> {}));
    if (shared) {
      InvalidStateException batch =
          assertThrows(
              InvalidStateException.class,
              () ->
                  db.write(
                      new WriteBatch().put("events", b("x"), b("1")).put("other", b("y"), b("2")),
                      Durability.BUFFERED));
      assertTrue(batch.getMessage().contains("nothing was written"), batch.getMessage());
    }
  }

  private static Database create(Path dir, String engine, boolean shared) {
    DatabaseBuilder b = Cairn.database(dir.resolve("db"));
    if (shared) {
      b.sharedStore("both", engine).keyspaceIn("other", "both").keyspaceIn("events", "both");
    } else {
      b.keyspace("events", engine).keyspace("other", "hash");
    }
    return b.open();
  }

  private static void fill(Database db, Map<String, String> model, Map<String, String> neighbour) {
    WriteBatch batch = new WriteBatch();
    WriteBatch others = new WriteBatch();
    for (int i = 0; i < KEYS; i++) {
      String k = String.format("k%05d", i);
      batch.put(b(k), b("v" + i));
      model.put(k, "v" + i);
      others.put(b(k), b("o" + i));
      neighbour.put(k, "o" + i);
    }
    db.keyspace("events").write(batch, Durability.BUFFERED);
    db.keyspace("other").write(others, Durability.BUFFERED);
  }

  /** Puts, deletes and batches of random keys through {@code k} until stopped; a model of them. */
  private static void write(
      DatabaseKeyspace k,
      Map<String, String> model,
      Random r,
      AtomicLong acknowledged,
      AtomicBoolean stop,
      List<Throwable> failures) {
    try {
      for (long n = 0; !stop.get(); n++) {
        String key = String.format("k%05d", r.nextInt(KEYS + KEYS / 5));
        switch (r.nextInt(6)) {
          case 0 -> {
            k.delete(b(key), Durability.BUFFERED);
            model.remove(key);
          }
          case 1 -> {
            String key2 = String.format("k%05d", r.nextInt(KEYS + KEYS / 5));
            WriteBatch batch = new WriteBatch().put(b(key), b("b" + n));
            if (!key2.equals(key)) {
              batch.delete(b(key2));
            }
            k.write(batch, Durability.BUFFERED);
            model.put(key, "b" + n);
            if (!key2.equals(key)) {
              model.remove(key2);
            }
          }
          default -> {
            k.put(b(key), b("w" + n), Durability.BUFFERED);
            model.put(key, "w" + n);
          }
        }
        acknowledged.incrementAndGet();
      }
    } catch (Throwable t) {
      failures.add(t);
    }
  }

  /** Waits until the writer acknowledged {@code n} more writes (or died). */
  private static void awaitMore(AtomicLong acknowledged, long n, Thread writer) {
    long target = acknowledged.get() + n;
    while (acknowledged.get() < target && writer.isAlive()) {
      Thread.onSpinWait();
    }
  }

  private static KeyspaceInfo info(Database db, String name) {
    return db.describe().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
  }

  static TreeMap<String, String> contents(ReadView v) {
    TreeMap<String, String> m = new TreeMap<>();
    try (Cursor c = v.cursor()) {
      while (c.next()) {
        m.put(s(c.key()), s(c.value()));
      }
    }
    return m;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
