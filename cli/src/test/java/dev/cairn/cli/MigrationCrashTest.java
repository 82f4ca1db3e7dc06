package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.migrate.MigrationSummary;
import dev.cairn.runtime.migrate.OfflineMigration;
import dev.cairn.runtime.migrate.OnlineMigration;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An online migration hash -> lsm under a writer, in a child JVM killed with {@code kill -9} at a
 * seeded random moment (half the trials during the migration, half soon after its cut-over): the
 * store the progress file names (the source, unless it says the migration is complete) serves every
 * write the child acknowledged; then the migration, run again, completes (resuming its copy and
 * repairing what the lost change log would have replayed) and the target holds what the source
 * held. Each trial prints its seed; {@code -Dcairn.migration.seed=N} replays it. Three trials;
 * thirty under {@code -Pstress}.
 */
class MigrationCrashTest {

  private static final int KEYS = 10_000;
  private static final int TRIALS = Integer.getInteger("cairn.crash.scale", 1) > 1 ? 30 : 3;
  private static final long SEED = Long.getLong("cairn.migration.seed", System.nanoTime());

  @TempDir Path tmp;

  @Test
  void aKilledOnlineMigrationLeavesOneStoreServingEveryAcknowledgedWrite() throws Exception {
    Path child = tmp.resolve("MigratingApplication.java");
    Files.writeString(child, CHILD);
    Random seeds = new Random(SEED);
    int killedBefore = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      long seed = seeds.nextLong();
      System.out.println("MigrationCrashTest trial " + trial + ": seed " + seed);
      if (!trial(tmp.resolve("trial" + trial), child, seed)) {
        killedBefore++;
      }
    }
    System.out.println(
        "MigrationCrashTest: "
            + killedBefore
            + " of "
            + TRIALS
            + " trials killed before the cut-over (seed "
            + SEED
            + ")");
  }

  /** Returns whether the kill came after the cut-over. */
  private boolean trial(Path dir, Path child, long seed) throws Exception {
    Path from = dir.resolve("from");
    Path to = dir.resolve("to");
    Path progress = to.resolve(OfflineMigration.PROGRESS_FILE);
    Map<String, String> model = new HashMap<>();
    try (StorageEngine s = Cairn.store(from).engine("hash").open()) {
      WriteBatch b = new WriteBatch();
      for (int i = 0; i < KEYS; i++) {
        b.put(key(i), bytes("v" + i));
        model.put(String.format("k%06d", i), "v" + i);
      }
      s.write(b, Durability.BUFFERED);
    }
    KilledChild c =
        KilledChild.start(
            child,
            "dev.cairn.runtime,dev.cairn.engine.hash,dev.cairn.engine.lsm",
            dir.resolve("child-err.txt"),
            from.toString(),
            to.toString(),
            Long.toString(seed),
            Integer.toString(KEYS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    c.await("started", deadline);
    // half the trials are killed at a random moment of the migration, half soon after its cut-over
    Random r = new Random(seed);
    boolean afterCutOver = r.nextBoolean();
    long delay = afterCutOver ? r.nextInt(300) : 100 + r.nextInt(2500);
    if (afterCutOver) {
      c.await("cut over", deadline);
    }
    Thread.sleep(delay);
    c.kill();
    KilledChild.Acknowledged ack = c.acknowledged();
    model.putAll(ack.writes()); // NB: a delete's null, which check() compares with get()
    String pending = ack.pending();
    boolean cutOver = c.printed("cut over");
    boolean complete = OfflineMigration.isComplete(progress);
    assertTrue(complete || !cutOver, "the child cut over, so the progress file says complete");
    System.out.println(
        "MigrationCrashTest: killed after "
            + delay
            + " ms, "
            + (complete ? "after" : "before")
            + " the cut-over; "
            + model.size()
            + " keys checked on the "
            + (complete ? "target" : "source"));
    try (StorageEngine serving = Cairn.store(complete ? to : from).open()) {
      check(serving, model, pending);
    }
    if (complete) {
      try (StorageEngine s = Cairn.store(from).open();
          StorageEngine t = Cairn.store(to).open()) {
        assertThrows(
            InvalidStateException.class,
            () ->
                OnlineMigration.of(s, Cairn.engines().info("hash"), t, Cairn.engines().info("lsm"))
                    .progressFile(progress)
                    .run(),
            "a migration that cut over is not run again over its target");
      }
      return true;
    }
    // run again, to completion: resumes the copy, repairs what the lost change log held
    boolean hadProgress = Files.exists(progress);
    try (StorageEngine s = Cairn.store(from).open();
        StorageEngine t = Cairn.store(to).engine("lsm").createIfMissing(true).open()) {
      MigrationSummary summary =
          OnlineMigration.of(s, Cairn.engines().info("hash"), t, Cairn.engines().info("lsm"))
              .progressFile(progress)
              .run();
      assertEquals(hadProgress, summary.resumed());
      check(t, model, pending);
      assertEquals(
          contents(s), contents(t), "after the resumed migration the target is the source");
    }
    assertTrue(OfflineMigration.isComplete(progress));
    return false;
  }

  /** Every key holds its last acknowledged value; the one write in flight may or may not be in. */
  private static void check(StorageEngine store, Map<String, String> model, String pending) {
    for (Map.Entry<String, String> e : model.entrySet()) {
      String actual = string(store.get(bytes(e.getKey())));
      if (e.getKey().equals(pending)) {
        continue; // its last acknowledged value, or the unacknowledged one that followed
      }
      assertEquals(e.getValue(), actual, "key " + e.getKey());
    }
  }

  private static TreeMap<String, String> contents(StorageEngine s) {
    TreeMap<String, String> m = new TreeMap<>();
    try (Cursor c = s.cursor()) {
      while (c.next()) {
        m.put(string(c.key()), string(c.value()));
      }
    }
    return m;
  }

  private static byte[] key(int i) {
    return bytes(String.format("k%06d", i));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static final String CHILD =
      """
      import dev.cairn.runtime.Cairn;
      import dev.cairn.runtime.migrate.OfflineMigration;
      import dev.cairn.runtime.migrate.OnlineMigration;
      import dev.cairn.spi.Durability;
      import dev.cairn.spi.StorageEngine;
      import java.io.PrintStream;
      import java.nio.charset.StandardCharsets;
      import java.nio.file.Path;
      import java.util.Random;

      public class MigratingApplication {
        public static void main(String[] args) throws Exception {
          Path from = Path.of(args[0]);
          Path to = Path.of(args[1]);
          long seed = Long.parseLong(args[2]);
          int keys = Integer.parseInt(args[3]);
          PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
          try (StorageEngine s = Cairn.store(from).open();
              StorageEngine t = Cairn.store(to).engine("lsm").createIfMissing(true).open()) {
            OnlineMigration m =
                OnlineMigration.of(s, Cairn.engines().info("hash"), t, Cairn.engines().info("lsm"))
                    .batch(200, 1 << 20)
                    .checkpointEvery(8192)
                    .progressFile(to.resolve(OfflineMigration.PROGRESS_FILE));
            StorageEngine store = m.store();
            Thread writer =
                Thread.ofPlatform()
                    .start(
                        () -> {
                          Random r = new Random(seed);
                          for (long n = 0; ; n++) {
                            String k = String.format("k%06d", r.nextInt(keys + keys / 10));
                            if (r.nextInt(4) == 0) {
                              out.println("> D " + k);
                              store.delete(k.getBytes(StandardCharsets.UTF_8), Durability.BUFFERED);
                            } else {
                              String v = "w" + n;
                              out.println("> P " + k + " " + v);
                              store.put(
                                  k.getBytes(StandardCharsets.UTF_8),
                                  v.getBytes(StandardCharsets.UTF_8),
                                  Durability.BUFFERED);
                            }
                            out.println("<");
                          }
                        });
            out.println("started");
            m.run();
            out.println("cut over");
            writer.join(); // until killed
          }
        }
      }
      """;
}
