package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.CrashChoice;
import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.migrate.MigrationProgress;
import dev.cairn.runtime.migrate.MigrationSummary;
import dev.cairn.runtime.migrate.OfflineMigration;
import dev.cairn.runtime.migrate.OnlineMigration;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A power cut at points spread over every file system mutation of an online migration (on the
 * conformance suite's fault-injecting file system, for engines that declare {@code
 * ANY_FILE_SYSTEM}), with {@code SYNC} writes through the migrating handle at seeded points: after
 * the crash state is restored, the store the progress file names (the source, unless it says the
 * migration is complete) holds every acknowledged write; a migration whose {@code run()} returned
 * is complete; and the migration run again completes with the target equal to the source. Prints
 * its seed; {@code -Dcairn.migration.seed=N} replays it. About 25 points per pair; 100 times as
 * many (up to every mutation) under {@code -Pstress}.
 */
class MigrationPowerCutTest {

  private static final int KEYS = 1500;
  private static final int SCALE = Integer.getInteger("cairn.crash.scale", 1);
  private static final long SEED = Long.getLong("cairn.migration.seed", System.nanoTime());

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"hash, lsm", "lsm, btree"})
  void aPowerCutAnywhereInAnOnlineMigrationLosesNoAcknowledgedWrite(String from, String to)
      throws Exception {
    long seed = SEED ^ (from + to).hashCode();
    System.out.println("MigrationPowerCutTest " + from + " -> " + to + ": seed " + seed);
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path src = fs.root().resolve("from");
      Path dst = fs.root().resolve("to");
      Map<String, String> initial = new HashMap<>();
      try (StorageEngine s = Cairn.store(src).engine(from).open()) {
        WriteBatch b = new WriteBatch();
        for (int i = 0; i < KEYS; i++) {
          b.put(bytes(key(i)), bytes("v" + i));
          initial.put(key(i), "v" + i);
        }
        s.write(b, Durability.SYNC);
      }
      DiskImage base = fs.image();
      long total = trial(fs, base, src, dst, from, to, seed, -1).mutations;
      TreeSet<Long> points = new TreeSet<>();
      long step = Math.max(1, total / (25L * SCALE));
      for (long k = new Random(seed).nextLong(step); k <= total; k += step) {
        points.add(k);
      }
      points.add(total - 1);
      int completed = 0;
      for (long k : points) {
        Outcome o = trial(fs, base, src, dst, from, to, seed + k, k);
        completed += o.complete ? 1 : 0;
      }
      System.out.println(
          "MigrationPowerCutTest "
              + from
              + " -> "
              + to
              + ": "
              + points.size()
              + " power cuts over "
              + total
              + " mutations; "
              + completed
              + " found the migration complete");
      assertTrue(completed > 0 && completed < points.size(), "cuts fell before and after");
    }
  }

  private record Outcome(long mutations, boolean complete) {}

  /**
   * One migration with writes, the power cut after {@code cutAfter} mutations (never, if -1), a
   * crash state restored and checked, and the migration completed.
   */
  private Outcome trial(
      FaultyFileSystem fs,
      DiskImage base,
      Path src,
      Path dst,
      String from,
      String to,
      long seed,
      long cutAfter) {
    fs.restore(base);
    Path progress = dst.resolve(OfflineMigration.PROGRESS_FILE);
    Map<String, String> model = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      model.put(key(i), "v" + i);
    }
    String[] pending = {null};
    boolean returned = false;
    StorageEngine s = Cairn.store(src).open();
    StorageEngine t = Cairn.store(dst).engine(to).createIfMissing(true).open();
    long m0 = fs.faults().mutations();
    if (cutAfter >= 0) {
      fs.faults().powerLossAfterMutations(cutAfter);
    }
    Random r = new Random(seed);
    OnlineMigration m =
        OnlineMigration.of(s, Cairn.engines().info(from), t, Cairn.engines().info(to))
            .batch(100, 1 << 20)
            .checkpointEvery(2048)
            .ranges(300, 8)
            .progressFile(progress);
    StorageEngine store = m.store();
    m.progress(
        p -> {
          if (p.phase() == MigrationProgress.Phase.COPYING
              || p.phase() == MigrationProgress.Phase.REPLAYING) {
            write(store, r, model, pending);
          }
        });
    try {
      m.run();
      returned = true;
      for (int i = 0; i < 5; i++) {
        write(store, r, model, pending);
      }
    } catch (StorageException e) {
      // the power went: the engines stopped, as they must
    }
    long mutations = fs.faults().mutations() - m0;
    String at;
    if (cutAfter >= 0) {
      PowerCut cut = fs.powerCut();
      closeQuietly(s);
      closeQuietly(t);
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
      s.close();
      t.close();
      at = "no power cut";
    }
    boolean complete = OfflineMigration.isComplete(progress);
    if (returned) {
      assertTrue(complete, at + ": a migration whose run() returned is complete");
    }
    try (StorageEngine serving = Cairn.store(complete ? dst : src).open()) {
      for (Map.Entry<String, String> e : model.entrySet()) {
        if (!e.getKey().equals(pending[0])) {
          assertEquals(
              e.getValue(),
              string(serving.get(bytes(e.getKey()))),
              at + ", on the " + (complete ? "target" : "source") + ": key " + e.getKey());
        }
      }
    }
    if (!complete) {
      try (StorageEngine s2 = Cairn.store(src).open();
          StorageEngine t2 = Cairn.store(dst).engine(to).createIfMissing(true).open()) {
        MigrationSummary summary =
            OnlineMigration.of(s2, Cairn.engines().info(from), t2, Cairn.engines().info(to))
                .progressFile(progress)
                .run();
        assertEquals(contents(s2), contents(t2), at + ": the migration run again completes");
        assertTrue(summary.entries() > 0);
      }
      assertTrue(OfflineMigration.isComplete(progress), at);
    }
    return new Outcome(mutations, complete);
  }

  /** A SYNC put or delete through the migrating handle; the model learns it once acknowledged. */
  private static void write(
      StorageEngine store, Random r, Map<String, String> model, String[] pending) {
    String k = key(r.nextInt(KEYS + KEYS / 5));
    pending[0] = k;
    if (r.nextInt(4) == 0) {
      store.delete(bytes(k), Durability.SYNC);
      model.put(k, null);
    } else {
      String v = "w" + r.nextInt(1_000_000);
      store.put(bytes(k), bytes(v), Durability.SYNC);
      model.put(k, v);
    }
    pending[0] = null;
  }

  private static void closeQuietly(StorageEngine e) {
    try {
      e.close();
    } catch (StorageException ignored) {
      // the "process" died with the power
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

  private static String key(int i) {
    return String.format("k%05d", i);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
