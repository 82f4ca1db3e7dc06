package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.CrashChoice;
import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseKeyspace;
import dev.cairn.runtime.migrate.KeyspaceMigration;
import dev.cairn.runtime.migrate.MigrationProgress;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A power cut at points spread over every file system mutation of a database keyspace's online
 * migration (on the conformance suite's fault-injecting file system, for engines that declare
 * {@code ANY_FILE_SYSTEM}), with {@code SYNC} writes through the keyspace's handle at seeded
 * points: after the crash state is restored, the reopened database serves the keyspace from the
 * store its catalog names with every acknowledged write; a migration whose {@code run()} returned
 * left the catalog naming the new store; and a keyspace still on its old store is migrated again to
 * completion, holding every acknowledged write. Prints its seed; {@code -Dcairn.migration.seed=N}
 * replays it. About 12 points per pair; 100 times as many (up to every mutation) under {@code
 * -Pstress}.
 */
class KeyspaceMigrationPowerCutTest {

  private static final int KEYS = 1000;
  private static final int SCALE = Integer.getInteger("cairn.crash.scale", 1);
  private static final long SEED = Long.getLong("cairn.migration.seed", System.nanoTime());

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"hash, lsm", "lsm, btree"})
  void aPowerCutAnywhereInAKeyspaceMigrationLosesNoAcknowledgedWrite(String from, String to)
      throws Exception {
    long seed = SEED ^ (from + to).hashCode();
    System.out.println("KeyspaceMigrationPowerCutTest " + from + " -> " + to + ": seed " + seed);
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("db");
      try (Database db = Cairn.database(dir).keyspace("events", from).open()) {
        WriteBatch b = new WriteBatch();
        for (int i = 0; i < KEYS; i++) {
          b.put(KeyspaceMigrationTest.b(key(i)), KeyspaceMigrationTest.b("v" + i));
        }
        db.keyspace("events").write(b, Durability.SYNC);
      }
      DiskImage base = fs.image();
      long total = trial(fs, base, dir, to, seed, -1).mutations;
      TreeSet<Long> points = new TreeSet<>();
      long step = Math.max(1, total / (12L * SCALE));
      for (long k = new Random(seed).nextLong(step); k <= total; k += step) {
        points.add(k);
      }
      points.add(total - 1);
      int onNew = 0;
      for (long k : points) {
        onNew += trial(fs, base, dir, to, seed + k, k).onNew ? 1 : 0;
      }
      System.out.println(
          "KeyspaceMigrationPowerCutTest "
              + from
              + " -> "
              + to
              + ": "
              + points.size()
              + " power cuts over "
              + total
              + " mutations; "
              + onNew
              + " found the keyspace on the new store");
      assertTrue(onNew > 0 && onNew < points.size(), "cuts fell before and after the cut-over");
    }
  }

  /**
   * A cut-over whose catalog write fails after the catalog's rename (its directory's fsync fails)
   * may leave the file naming either store: the keyspace then refuses every call until the database
   * is reopened, so that no write is acknowledged on a store the reopened database might not serve;
   * reopened, it serves every acknowledged write.
   */
  @Test
  void aCutOverWhoseCatalogWriteFailsRefusesCallsUntilReopened() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("db");
      Map<String, String> model = new TreeMap<>();
      try (Database db = Cairn.database(dir).keyspace("events", "hash").open()) {
        DatabaseKeyspace events = db.keyspace("events");
        for (int i = 0; i < 100; i++) {
          events.put(KeyspaceMigrationTest.b(key(i)), KeyspaceMigrationTest.b("v" + i));
          model.put(key(i), "v" + i);
        }
        StorageException failed =
            assertThrows(
                StorageException.class,
                () ->
                    KeyspaceMigration.of(Cairn.engines(), db, "events", "lsm", Map.of())
                        .configure(
                            m ->
                                m.cutOver(
                                    t ->
                                        fs.faults()
                                            .failNth(Faults.Op.FORCE, 1, p -> p.endsWith("db"))))
                        .run());
        assertEquals(Faults.Op.FORCE, fs.faults().lastInjected(), failed.toString());
        StorageException refused =
            assertThrows(
                StorageException.class,
                () -> events.put(KeyspaceMigrationTest.b("late"), KeyspaceMigrationTest.b("x")));
        assertTrue(
            refused.getMessage().contains("refuses calls until the database is reopened"),
            refused.getMessage());
      }
      try (Database db = Cairn.database(dir).open()) {
        DatabaseKeyspace events = db.keyspace("events");
        assertEquals(model, KeyspaceMigrationTest.contents(events), "on " + events.engine());
        events.put(KeyspaceMigrationTest.b("late"), KeyspaceMigrationTest.b("x"));
        assertEquals("x", KeyspaceMigrationTest.s(events.get(KeyspaceMigrationTest.b("late"))));
      }
    }
  }

  private record Outcome(long mutations, boolean onNew) {}

  private Outcome trial(
      FaultyFileSystem fs, DiskImage base, Path dir, String to, long seed, long cutAfter) {
    fs.restore(base);
    Map<String, String> model = new TreeMap<>();
    for (int i = 0; i < KEYS; i++) {
      model.put(key(i), "v" + i);
    }
    String[] pending = {null};
    boolean returned = false;
    Database db = Cairn.database(dir).open();
    DatabaseKeyspace events = db.keyspace("events");
    long m0 = fs.faults().mutations();
    if (cutAfter >= 0) {
      fs.faults().powerLossAfterMutations(cutAfter);
    }
    Random r = new Random(seed);
    try {
      KeyspaceMigration.of(Cairn.engines(), db, "events", to, Map.of())
          .configure(
              m ->
                  m.batch(100, 1 << 20)
                      .checkpointEvery(2048)
                      .ranges(300, 8)
                      .progress(
                          p -> {
                            if (p.phase() == MigrationProgress.Phase.COPYING
                                || p.phase() == MigrationProgress.Phase.REPLAYING) {
                              write(events, r, model, pending);
                            }
                          }))
          .run();
      returned = true;
      for (int i = 0; i < 5; i++) {
        write(events, r, model, pending);
      }
    } catch (StorageException e) {
      // the power went: the engines (or the catalog's write) stopped, as they must
    }
    long mutations = fs.faults().mutations() - m0;
    String at;
    if (cutAfter >= 0) {
      PowerCut cut = fs.powerCut();
      closeQuietly(db);
      CrashChoice choice = cut.choose(CrashMode.fromSeed(seed), seed);
      cut.restore(choice);
      at =
          "power cut after "
              + cutAfter
              + " mutations ("
              + choice.description()
              + ", run "
              + (returned ? "returned" : "failed")
              + ", seed "
              + seed
              + ")";
    } else {
      db.close();
      at = "no power cut";
    }
    boolean onNew;
    try (Database reopened = Cairn.database(dir).open()) {
      DatabaseKeyspace k = reopened.keyspace("events");
      onNew = k.engine().equals(to);
      if (returned) {
        assertTrue(onNew, at + ": a migration whose run() returned cut over");
      }
      check(k, model, pending[0], at);
      if (!onNew) {
        try {
          KeyspaceMigration.of(Cairn.engines(), reopened, "events", to, Map.of()).run();
          assertEquals(to, k.engine(), at);
        } catch (InvalidStateException e) {
          // the cut between the progress file's COMPLETE and the catalog's commit: named, refused
          assertTrue(e.getMessage().contains("does not name it"), at + ": " + e.getMessage());
        }
        check(k, model, pending[0], at + ", migrated again");
      }
    }
    return new Outcome(mutations, onNew);
  }

  private static void check(
      DatabaseKeyspace k, Map<String, String> model, String pending, String at) {
    TreeMap<String, String> actual = KeyspaceMigrationTest.contents(k);
    TreeMap<String, String> expected = new TreeMap<>(model);
    expected.values().removeIf(v -> v == null);
    if (pending != null) {
      actual.remove(pending);
      expected.remove(pending);
    }
    assertEquals(expected, actual, at + ": every acknowledged write, on " + k.engine());
  }

  /** A SYNC put or delete through the keyspace; the model learns it once acknowledged. */
  private static void write(
      DatabaseKeyspace k, Random r, Map<String, String> model, String[] pending) {
    String key = key(r.nextInt(KEYS + KEYS / 5));
    pending[0] = key;
    if (r.nextInt(4) == 0) {
      k.delete(KeyspaceMigrationTest.b(key), Durability.SYNC);
      model.put(key, null);
    } else {
      String v = "w" + r.nextInt(1_000_000);
      k.put(KeyspaceMigrationTest.b(key), KeyspaceMigrationTest.b(v), Durability.SYNC);
      model.put(key, v);
    }
    pending[0] = null;
  }

  private static void closeQuietly(Database db) {
    try {
      db.close();
    } catch (StorageException ignored) {
      // the "process" died with the power
    }
  }

  private static String key(int i) {
    return String.format("k%05d", i);
  }
}
