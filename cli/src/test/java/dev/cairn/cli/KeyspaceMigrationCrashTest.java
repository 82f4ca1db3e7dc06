package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseBuilder;
import dev.cairn.runtime.database.DatabaseKeyspace;
import dev.cairn.runtime.migrate.KeyspaceMigration;
import dev.cairn.runtime.migrate.MigrationSummary;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An online migration of a database keyspace under a writer writing through the keyspace's handle,
 * in a child JVM killed with {@code kill -9} at a seeded random moment (half the trials during the
 * migration, half soon after its cut-over), alternately hash -> lsm for a keyspace with a store of
 * its own and lsm -> btree for one in a shared store: the reopened database serves the keyspace
 * from the old store or the new one, as its catalog says, with every write the child acknowledged;
 * a keyspace still on its old store is then migrated again, which continues the killed migration's
 * target, and holds every write after its cut-over and after a reopen. Each trial prints its seed;
 * {@code -Dcairn.migration.seed=N} replays it. Two trials; thirty under {@code -Pstress}.
 */
class KeyspaceMigrationCrashTest {

  private static final int KEYS = 10_000;
  private static final int TRIALS = Integer.getInteger("cairn.crash.scale", 1) > 1 ? 30 : 2;
  private static final long SEED = Long.getLong("cairn.migration.seed", System.nanoTime());

  @TempDir Path tmp;

  @Test
  void aKilledKeyspaceMigrationLeavesTheOldOrTheNewStoreServingEveryAcknowledgedWrite()
      throws Exception {
    Path child = tmp.resolve("MigratingDatabaseApplication.java");
    Files.writeString(child, CHILD);
    Random seeds = new Random(SEED);
    int after = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      long seed = seeds.nextLong();
      boolean shared = trial % 2 == 1;
      System.out.println(
          "KeyspaceMigrationCrashTest trial "
              + trial
              + (shared ? " (shared lsm -> btree)" : " (hash -> lsm)")
              + ": seed "
              + seed);
      if (trial(tmp.resolve("trial" + trial), child, seed, shared)) {
        after++;
      }
    }
    System.out.println(
        "KeyspaceMigrationCrashTest: "
            + after
            + " of "
            + TRIALS
            + " trials found the keyspace cut over (seed "
            + SEED
            + ")");
  }

  /** Returns whether the reopened database had the keyspace on its new store. */
  private boolean trial(Path dir, Path child, long seed, boolean shared) throws Exception {
    Path db = dir.resolve("db");
    String from = shared ? "lsm" : "hash";
    String to = shared ? "btree" : "lsm";
    Map<String, String> model = new TreeMap<>();
    DatabaseBuilder b = Cairn.database(db);
    if (shared) {
      b.sharedStore("both", from).keyspaceIn("events", "both").keyspaceIn("other", "both");
    } else {
      b.keyspace("events", from).keyspace("other", "hash");
    }
    try (Database d = b.open()) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < KEYS; i++) {
        String k = String.format("k%06d", i);
        batch.put(KeyspaceMigrationTest.b(k), KeyspaceMigrationTest.b("v" + i));
        model.put(k, "v" + i);
      }
      d.keyspace("events").write(batch, Durability.BUFFERED);
      d.keyspace("other")
          .put(
              KeyspaceMigrationTest.b("neighbour"),
              KeyspaceMigrationTest.b("kept"),
              Durability.BUFFERED);
    }
    KilledChild c =
        KilledChild.start(
            child,
            "dev.cairn.runtime,dev.cairn.engine.hash,dev.cairn.engine.lsm,dev.cairn.engine.btree",
            dir.resolve("child-err.txt"),
            db.toString(),
            to,
            Long.toString(seed),
            Integer.toString(KEYS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    c.await("started", deadline);
    Random r = new Random(seed);
    boolean afterCutOver = r.nextBoolean();
    long delay = afterCutOver ? r.nextInt(300) : r.nextInt(1500);
    if (afterCutOver) {
      c.await("cut over", deadline);
    }
    Thread.sleep(delay);
    c.kill();
    KilledChild.Acknowledged ack = c.acknowledged();
    ack.applyTo(model);
    String pending = ack.pending();
    boolean cutOver = c.printed("cut over");
    boolean onNew;
    try (Database d = Cairn.database(db).open()) {
      DatabaseKeyspace events = d.keyspace("events");
      onNew = events.engine().equals(to);
      assertTrue(onNew || !cutOver, "the child cut over, so the catalog names the new store");
      System.out.println(
          "KeyspaceMigrationCrashTest: killed "
              + delay
              + " ms after "
              + (afterCutOver ? "the cut-over" : "the start")
              + "; the keyspace is on "
              + events.engine()
              + ", "
              + model.size()
              + " keys checked");
      check(events, model, pending);
      assertEquals(
          "kept",
          KeyspaceMigrationTest.s(d.keyspace("other").get(KeyspaceMigrationTest.b("neighbour"))));
      if (!onNew) {
        // migrate again: continues the killed migration's target if it recorded progress
        MigrationSummary s;
        try {
          s = KeyspaceMigration.of(Cairn.engines(), d, "events", to, Map.of()).run();
        } catch (InvalidStateException e) {
          // killed between the progress file's COMPLETE and the catalog's commit: refused, named
          assertTrue(e.getMessage().contains("does not name it"), e.getMessage());
          check(events, model, pending);
          return false;
        }
        System.out.println("KeyspaceMigrationCrashTest: migrated again: " + s);
        assertEquals(to, events.engine());
        check(events, model, pending);
      }
    }
    try (Database d = Cairn.database(db).open()) {
      assertEquals(to, d.keyspace("events").engine());
      check(d.keyspace("events"), model, pending);
      assertEquals(
          "kept",
          KeyspaceMigrationTest.s(d.keyspace("other").get(KeyspaceMigrationTest.b("neighbour"))));
    }
    return onNew;
  }

  /** Every key holds its last acknowledged value; the one write in flight may or may not be in. */
  private static void check(DatabaseKeyspace k, Map<String, String> model, String pending) {
    TreeMap<String, String> actual = KeyspaceMigrationTest.contents(k);
    TreeMap<String, String> expected = new TreeMap<>(model);
    if (pending != null) {
      actual.remove(pending);
      expected.remove(pending);
    }
    assertEquals(expected, actual, "every acknowledged write, on " + k.engine());
  }

  private static final String CHILD =
      """
      import dev.cairn.runtime.Cairn;
      import dev.cairn.runtime.database.Database;
      import dev.cairn.runtime.database.DatabaseKeyspace;
      import dev.cairn.runtime.migrate.KeyspaceMigration;
      import dev.cairn.spi.Durability;
      import java.io.PrintStream;
      import java.nio.charset.StandardCharsets;
      import java.nio.file.Path;
      import java.util.Map;
      import java.util.Random;

      public class MigratingDatabaseApplication {
        public static void main(String[] args) throws Exception {
          Path dir = Path.of(args[0]);
          String to = args[1];
          long seed = Long.parseLong(args[2]);
          int keys = Integer.parseInt(args[3]);
          PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
          try (Database db = Cairn.database(dir).open()) {
            DatabaseKeyspace events = db.keyspace("events");
            Thread writer =
                Thread.ofPlatform()
                    .start(
                        () -> {
                          Random r = new Random(seed);
                          for (long n = 0; ; n++) {
                            String k = String.format("k%06d", r.nextInt(keys + keys / 10));
                            if (r.nextInt(4) == 0) {
                              out.println("> D " + k);
                              events.delete(k.getBytes(StandardCharsets.UTF_8), Durability.BUFFERED);
                            } else {
                              String v = "w" + n;
                              out.println("> P " + k + " " + v);
                              events.put(
                                  k.getBytes(StandardCharsets.UTF_8),
                                  v.getBytes(StandardCharsets.UTF_8),
                                  Durability.BUFFERED);
                            }
                            out.println("<");
                          }
                        });
            out.println("started");
            KeyspaceMigration.of(Cairn.engines(), db, "events", to, Map.of())
                .configure(m -> m.batch(100, 1 << 20).checkpointEvery(8192))
                .run();
            out.println("cut over");
            writer.join(); // until killed
          }
        }
      }
      """;
}
