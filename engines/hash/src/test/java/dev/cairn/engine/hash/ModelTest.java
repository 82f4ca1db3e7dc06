package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations against a model, with merges, hint writes and reopens forced between them at
 * random, so that every step of the background work meets every kind of foreground state.
 */
class ModelTest {

  @TempDir Path dir;

  private record Snap(Snapshot snapshot, TreeMap<String, String> model) {}

  @Test
  void randomSequencesAgreeWithAModelThroughMergesAndReopens() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("ModelTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, String> settings = Map.of("file.size", "4k", "merge.threshold", "0.2");
    TreeMap<String, String> model = new TreeMap<>();
    List<Snap> snaps = new ArrayList<>();
    HexFormat hex = HexFormat.of();
    HashEngine e = open(dir, settings);
    try {
      for (int step = 0; step < 4000; step++) {
        String where = "seed " + seed + " step " + step;
        String k = "k" + r.nextInt(60);
        int roll = r.nextInt(100);
        if (roll < 35) {
          String v = hex.formatHex(new byte[r.nextInt(120)]) + step;
          e.put(
              k.getBytes(),
              v.getBytes(),
              r.nextInt(8) == 0 ? Durability.SYNC : Durability.BUFFERED);
          model.put(k, v);
        } else if (roll < 47) {
          e.delete(k.getBytes(), Durability.BUFFERED);
          model.remove(k);
        } else if (roll < 55) {
          WriteBatch b = new WriteBatch();
          for (int i = r.nextInt(6); i > 0; i--) {
            String bk = "k" + r.nextInt(60);
            if (r.nextInt(3) == 0) {
              b.delete(bk.getBytes());
              model.remove(bk);
            } else {
              b.put(bk.getBytes(), ("b" + step + "-" + i).getBytes());
              model.put(bk, "b" + step + "-" + i);
            }
          }
          e.write(b, Durability.BUFFERED);
        } else if (roll < 70) {
          Snap s = snaps.isEmpty() || r.nextBoolean() ? null : snaps.get(r.nextInt(snaps.size()));
          ReadView v = s == null ? e : s.snapshot();
          Map<String, String> m = s == null ? model : s.model();
          String got = v.get(k.getBytes()) == null ? null : new String(v.get(k.getBytes()));
          assertEquals(m.get(k), got, where + " get " + k + (s == null ? "" : " (snapshot)"));
        } else if (roll < 76) {
          Snap s = snaps.isEmpty() || r.nextBoolean() ? null : snaps.get(r.nextInt(snaps.size()));
          assertEquals(
              s == null ? model : s.model(),
              scan(s == null ? e : s.snapshot()),
              where + " scan" + (s == null ? "" : " (snapshot)"));
        } else if (roll < 81) {
          if (snaps.size() < 4) {
            snaps.add(new Snap(e.snapshot(), new TreeMap<>(model)));
          }
        } else if (roll < 85) {
          if (!snaps.isEmpty()) {
            snaps.remove(r.nextInt(snaps.size())).snapshot().close();
          }
        } else if (roll < 95) {
          e.runBackgroundCycle();
        } else if (roll < 98) {
          var report = e.checkConsistency();
          assertTrue(report.isConsistent(), where + " check: " + report.problems());
        } else {
          snaps.forEach(s -> s.snapshot().close());
          snaps.clear();
          e.close();
          e = open(dir, settings);
        }
      }
      assertEquals(model, scan(e), "seed " + seed + " final scan");
      var report = e.checkConsistency();
      assertTrue(report.isConsistent(), "seed " + seed + " final check: " + report.problems());
    } finally {
      e.close();
    }
  }

  private static TreeMap<String, String> scan(ReadView v) {
    TreeMap<String, String> out = new TreeMap<>();
    try (var c = v.cursor()) {
      while (c.next()) {
        String prev = out.put(new String(c.key()), new String(c.value()));
        assertEquals(null, prev, "key seen twice: " + new String(c.key()));
      }
    }
    return out;
  }
}
