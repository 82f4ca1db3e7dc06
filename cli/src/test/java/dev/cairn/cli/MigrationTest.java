package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.migrate.MigrationProgress;
import dev.cairn.runtime.migrate.MigrationSummary;
import dev.cairn.runtime.migrate.OfflineMigration;
import dev.cairn.runtime.migrate.OnlineMigration;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
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
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrations between every pair of installed engines: online, with writes and deletes made while
 * the copy and the replay run (from the migrating thread, at seeded points, and from a concurrent
 * writer), the target after the cut-over holds exactly every acknowledged write; offline,
 * interrupted at a seeded point and run again, the copy continues from its progress file and
 * verifies; a source changed between the two runs is caught by the verification, naming the range.
 * Each test prints its seed; {@code -Dcairn.migration.seed=N} replays it.
 */
class MigrationTest {

  static final List<String> ENGINES = EngineTransferMatrixTest.ENGINES;

  private static final int KEYS = 3000;
  private static final long SEED = Long.getLong("cairn.migration.seed", System.nanoTime());

  @TempDir Path tmp;

  @TestFactory
  List<DynamicTest> anOnlineMigrationLosesNoAcknowledgedWrite() {
    List<DynamicTest> list = new ArrayList<>();
    for (String from : ENGINES) {
      for (String to : ENGINES) {
        if (!from.equals(to)) {
          long seed = SEED ^ (from + to).hashCode();
          list.add(
              DynamicTest.dynamicTest(
                  from + " -> " + to + " (seed " + seed + ")",
                  () -> online(from, to, tmp.resolve(from + "-" + to), seed)));
        }
      }
    }
    return list;
  }

  @TestFactory
  List<DynamicTest> anInterruptedOfflineMigrationContinuesWhereItStopped() {
    List<DynamicTest> list = new ArrayList<>();
    for (String[] pair :
        new String[][] {
          {"hash", "lsm"}, {"lsm", "btree"}, {"rocksdb", "hash"}, {"btree", "rocksdb"}
        }) {
      long seed = SEED ^ (pair[0] + pair[1]).hashCode();
      list.add(
          DynamicTest.dynamicTest(
              pair[0] + " -> " + pair[1] + " (seed " + seed + ")",
              () -> resume(pair[0], pair[1], tmp.resolve(pair[0] + "-" + pair[1]), seed)));
    }
    return list;
  }

  @TestFactory
  List<DynamicTest> aSourceChangedBetweenTwoRunsFailsTheVerificationNamingTheRange() {
    List<DynamicTest> list = new ArrayList<>();
    // NB: ordered sources, whose resume skips what was copied (an unordered one rescans all of it,
    // and so carries the change over)
    for (String[] pair : new String[][] {{"lsm", "btree"}, {"lsm", "hash"}}) {
      list.add(
          DynamicTest.dynamicTest(
              pair[0] + " -> " + pair[1],
              () -> changedSource(pair[0], pair[1], tmp.resolve(pair[0] + "-" + pair[1]))));
    }
    return list;
  }

  /**
   * {@code cairn migrate} continues a migration stopped in its copy: the staging directory's
   * progress file is found, the command says so, and the store appears only once verified.
   */
  @Test
  void cairnMigrateContinuesAStoppedMigration() throws Exception {
    Path from = tmp.resolve("cli-from");
    Path to = tmp.resolve("cli-to");
    Path staging = tmp.resolve("cli-to.migrating");
    int entries = 25_000;
    try (StorageEngine s = Cairn.store(from).engine("hash").open()) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < entries; i++) {
        batch.put(b(String.format("k%05d", i)), b("value-" + i));
      }
      s.write(batch, Durability.BUFFERED);
    }
    int[] batches = {0};
    assertThrows(
        IllegalStateException.class,
        () ->
            OfflineMigration.intoNewStore(
                Cairn.engines(),
                from,
                "btree",
                to,
                Map.of(),
                p -> {
                  if (p.phase() == MigrationProgress.Phase.COPYING && ++batches[0] == 2) {
                    throw new IllegalStateException("stopped");
                  }
                }));
    assertFalse(Files.exists(to), "no store at the target until it is verified");
    assertFalse(OfflineMigration.isComplete(staging.resolve(OfflineMigration.PROGRESS_FILE)));
    CliRun r =
        CliRun.run(
            EngineRegistry.discover(),
            "migrate",
            "--from",
            from.toString(),
            "--to",
            "btree:" + to,
            "--no-progress");
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(r.err().contains("continuing the migration recorded in " + staging), r.describe());
    assertTrue(r.out().contains(": 25000 entries in 1 keyspace"), r.describe());
    assertTrue(r.out().contains("(resumed)"), r.describe());
    assertTrue(r.out().contains("verified: 256 hash buckets equal on both sides"), r.describe());
    assertFalse(Files.exists(staging));
    assertTrue(OfflineMigration.isComplete(to.resolve(OfflineMigration.PROGRESS_FILE)));
    try (StorageEngine t = Cairn.store(to).open()) {
      assertEquals("value-24999", s(t.get(b("k24999"))));
    }
  }

  /**
   * A cut-over hook that fails leaves the handle on the source, which goes on taking writes, and
   * the target not complete; a second migration then cuts over, and the target holds what was
   * written through the handle meanwhile.
   */
  @Test
  void aFailedCutOverLeavesTheSourceServing() {
    Path dir = tmp.resolve("failed-cut-over");
    Path progress = dir.resolve("progress");
    try (StorageEngine source = open("lsm", dir.resolve("from"));
        StorageEngine target = open("btree", dir.resolve("to"))) {
      for (int i = 0; i < 500; i++) {
        source.put(b(String.format("k%05d", i)), b("v" + i), Durability.BUFFERED);
      }
      OnlineMigration first =
          OnlineMigration.of(source, info("lsm"), target, info("btree"))
              .progressFile(progress)
              .cutOver(
                  t -> {
                    throw new IllegalStateException("the configuration store is down");
                  });
      StorageEngine store = first.store();
      IllegalStateException e = assertThrows(IllegalStateException.class, first::run);
      assertEquals("the configuration store is down", e.getMessage());
      assertFalse(OfflineMigration.isComplete(progress), "a failed cut-over is not complete");
      store.put(b("late"), b("after the failure"), Durability.BUFFERED);
      assertEquals("after the failure", s(source.get(b("late"))), "the source serves on");
      assertNull(target.get(b("late")));
      boolean[] called = {false};
      MigrationSummary s =
          OnlineMigration.of(source, info("lsm"), target, info("btree"))
              .progressFile(progress)
              .cutOver(t -> called[0] = t == target)
              .run();
      assertTrue(called[0], "the hook was given the target");
      assertTrue(s.resumed());
      assertEquals(501, s.entries());
      assertEquals("after the failure", s(target.get(b("late"))));
      assertTrue(OfflineMigration.isComplete(progress));
    }
  }

  private void online(String from, String to, Path dir, long seed) throws Exception {
    System.out.println("MigrationTest online " + from + " -> " + to + ": seed " + seed);
    EngineInfo si = info(from);
    EngineInfo ti = info(to);
    boolean keyspaces = si.has(Capability.KEYSPACES) && ti.has(Capability.KEYSPACES);
    List<String> names = keyspaces ? List.of("default", "users") : List.of("default");
    Map<String, TreeMap<String, String>> model = new TreeMap<>();
    try (StorageEngine source = open(from, dir.resolve("from"));
        StorageEngine target = open(to, dir.resolve("to"))) {
      if (keyspaces) {
        source.createKeyspace("users");
      }
      for (String ks : names) {
        TreeMap<String, String> m = model.computeIfAbsent(ks, k -> new TreeMap<>());
        for (int i = 0; i < KEYS; i++) {
          String k = String.format("k%05d", i);
          view(source, ks).put(b(k), b("v0-" + i), Durability.BUFFERED);
          m.put(k, "v0-" + i);
        }
      }
      OnlineMigration migration =
          OnlineMigration.of(source, si, target, ti)
              .batch(100, 1 << 20)
              .checkpointEvery(4096)
              .ranges(500, 16)
              .progressFile(dir.resolve("progress"));
      StorageEngine store = migration.store();
      Random random = new Random(seed);
      int[] seq = {0};
      migration.progress(
          p -> {
            if (seq[0] == 0) {
              // a write the source refuses is refused through the handle, and not replayed
              assertThrows(
                  InvalidArgumentException.class,
                  () -> store.put(new byte[Limits.MAX_KEY_SIZE + 1], b("x"), Durability.BUFFERED));
            }
            if (p.phase() == MigrationProgress.Phase.COPYING
                || p.phase() == MigrationProgress.Phase.REPLAYING) {
              for (int i = 0; i < 10; i++) {
                String ks = names.get(random.nextInt(names.size()));
                String k = String.format("k%05d", random.nextInt(KEYS + KEYS / 5));
                if (random.nextInt(4) == 0) {
                  view(store, ks).delete(b(k), Durability.BUFFERED);
                  model.get(ks).remove(k);
                } else {
                  String v = "v" + ++seq[0];
                  view(store, ks).put(b(k), b(v), Durability.BUFFERED);
                  model.get(ks).put(k, v);
                }
              }
            }
          });
      Map<String, String> written = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    Random r = new Random(seed + 1);
                    for (int i = 0; !stop.get(); i++) {
                      String k = String.format("t%06d", r.nextInt(2000));
                      if (r.nextInt(3) == 0) {
                        store.delete(b(k), Durability.BUFFERED);
                        written.remove(k);
                      } else {
                        store.put(b(k), b("w" + i), Durability.BUFFERED);
                        written.put(k, "w" + i);
                      }
                    }
                  });
      MigrationSummary s;
      try {
        s = migration.run();
      } finally {
        stop.set(true);
        writer.join();
      }
      model.get("default").putAll(written);
      // the concurrent writer's deletes of keys it never wrote leave nothing; its model is exact
      assertEquals(0, s.repairedEntries(), "a copy that was not resumed needs no repair");
      assertTrue(s.replayedKeys() > 0, "writes made during the copy were replayed: " + s);
      assertTrue(OfflineMigration.isComplete(dir.resolve("progress")));
      for (String ks : names) {
        assertEquals(model.get(ks), contents(view(target, ks)), "keyspace " + ks + " of " + to);
      }
      store.put(b("after"), b("cut-over"), Durability.BUFFERED);
      assertEquals("cut-over", s(target.get(b("after"))), "writes go to the target now");
      assertNull(source.get(b("after")), "and no longer to the source");
    }
  }

  private void resume(String from, String to, Path dir, long seed) {
    System.out.println("MigrationTest resume " + from + " -> " + to + ": seed " + seed);
    EngineInfo si = info(from);
    EngineInfo ti = info(to);
    boolean keyspaces = si.has(Capability.KEYSPACES) && ti.has(Capability.KEYSPACES);
    List<String> names = keyspaces ? List.of("default", "users") : List.of("default");
    Path progress = dir.resolve("to").resolve(OfflineMigration.PROGRESS_FILE);
    Map<String, TreeMap<String, String>> model = new TreeMap<>();
    try (StorageEngine source = open(from, dir.resolve("from"))) {
      if (keyspaces) {
        source.createKeyspace("users");
      }
      for (String ks : names) {
        TreeMap<String, String> m = model.computeIfAbsent(ks, k -> new TreeMap<>());
        for (int i = 0; i < KEYS; i++) {
          String k = String.format("k%05d", i);
          view(source, ks).put(b(k), b("value-" + i), Durability.BUFFERED);
          m.put(k, "value-" + i);
        }
      }
    }
    int batches = names.size() * KEYS / 100;
    // NB: from the third batch on, when a checkpoint (every two batches) has recorded a resume
    // point
    int stopAt = 3 + new Random(seed).nextInt(batches - 3);
    int[] seen = {0};
    try (StorageEngine source = Cairn.store(dir.resolve("from")).readOnly(true).open();
        StorageEngine target = open(to, dir.resolve("to"))) {
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () ->
                  OfflineMigration.of(source, si, target, ti)
                      .batch(100, 1 << 20)
                      .checkpointEvery(2048)
                      .progressFile(progress)
                      .progress(
                          p -> {
                            if (p.phase() == MigrationProgress.Phase.COPYING
                                && ++seen[0] == stopAt) {
                              throw new IllegalStateException("interrupted at batch " + stopAt);
                            }
                          })
                      .run());
      assertEquals("interrupted at batch " + stopAt, e.getMessage());
    }
    assertFalse(OfflineMigration.isComplete(progress), "an interrupted copy is not complete");
    MigrationSummary s;
    try (StorageEngine source = Cairn.store(dir.resolve("from")).readOnly(true).open();
        StorageEngine target = Cairn.store(dir.resolve("to")).open()) {
      s =
          OfflineMigration.of(source, si, target, ti)
              .batch(100, 1 << 20)
              .checkpointEvery(2048)
              .ranges(700, 32)
              .progressFile(progress)
              .run();
      assertTrue(s.resumed());
      assertEquals((long) names.size() * KEYS, s.entries());
      assertTrue(s.ranges() > 1, "several ranges compared: " + s);
      if (si.has(Capability.ORDERED_SCANS)) {
        assertTrue(
            s.copiedEntries() < names.size() * KEYS,
            "an ordered copy resumed past what it had copied: " + s);
      }
      for (String ks : names) {
        assertEquals(model.get(ks), contents(view(target, ks)), "keyspace " + ks);
      }
    }
    assertTrue(OfflineMigration.isComplete(progress));
  }

  private void changedSource(String from, String to, Path dir) {
    EngineInfo si = info(from);
    EngineInfo ti = info(to);
    Path progress = dir.resolve("to").resolve(OfflineMigration.PROGRESS_FILE);
    try (StorageEngine source = open(from, dir.resolve("from"))) {
      for (int i = 0; i < KEYS; i++) {
        source.put(b(String.format("k%05d", i)), b("value-" + i), Durability.BUFFERED);
      }
    }
    int[] seen = {0};
    try (StorageEngine source = Cairn.store(dir.resolve("from")).open();
        StorageEngine target = open(to, dir.resolve("to"))) {
      assertThrows(
          IllegalStateException.class,
          () ->
              OfflineMigration.of(source, si, target, ti)
                  .batch(100, 1 << 20)
                  .checkpointEvery(2048)
                  .progressFile(progress)
                  .progress(
                      p -> {
                        if (++seen[0] == 20) {
                          throw new IllegalStateException("interrupted");
                        }
                      })
                  .run());
      source.put(b("k00007"), b("changed behind the migration's back"), Durability.BUFFERED);
      CorruptionException e =
          assertThrows(
              CorruptionException.class,
              () ->
                  OfflineMigration.of(source, si, target, ti)
                      .batch(100, 1 << 20)
                      .ranges(500, 16)
                      .progressFile(progress)
                      .run());
      String expected =
          si.has(Capability.ORDERED_SCANS) && ti.has(Capability.ORDERED_SCANS)
              ? "keys [start, 0x6b3030353030)"
              : "hash bucket ";
      assertTrue(e.getMessage().contains("1 range differs"), e.getMessage());
      assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
    assertFalse(OfflineMigration.isComplete(progress), "a target that failed is not complete");
  }

  static EngineInfo info(String engine) {
    return Cairn.engines().info(engine);
  }

  static StorageEngine open(String engine, Path dir) {
    if (!info(engine).has(Capability.DURABLE)) {
      return Cairn.inMemory(engine).open();
    }
    return Cairn.store(dir).engine(engine).open();
  }

  static ReadViewAndWrites view(StorageEngine store, String ks) {
    return new ReadViewAndWrites(store, ks);
  }

  /** A keyspace of a store, or the store itself for {@code default}. */
  record ReadViewAndWrites(StorageEngine store, String ks) {
    void put(byte[] k, byte[] v, Durability d) {
      if (ks.equals(Keyspace.DEFAULT)) {
        store.put(k, v, d);
      } else {
        store.keyspace(ks).put(k, v, d);
      }
    }

    void delete(byte[] k, Durability d) {
      if (ks.equals(Keyspace.DEFAULT)) {
        store.delete(k, d);
      } else {
        store.keyspace(ks).delete(k, d);
      }
    }

    ReadView reader() {
      return ks.equals(Keyspace.DEFAULT) ? store : store.keyspace(ks);
    }
  }

  static TreeMap<String, String> contents(ReadViewAndWrites v) {
    TreeMap<String, String> m = new TreeMap<>();
    try (Cursor c = v.reader().cursor()) {
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
