package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consistency check right after a reopen, while the merge that starts at open drops tombstones:
 * never a false alarm, and never a key missing from the index.
 */
class ReopenCheckTest {

  @TempDir Path dir;

  private static final Map<String, String> SETTINGS =
      Map.of("file.size", "4k", "merge.threshold", "0.2");

  @Test
  void checkingInATightLoopRightAfterEachReopenFindsNothingWhileMergesDropTombstones() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("ReopenCheckTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, String> model = new HashMap<>();
    long checks = 0;
    long dropped = 0;
    for (int round = 0; round < 25; round++) {
      try (HashEngine e = open(dir, SETTINGS)) {
        long mergesAtOpen = e.statistics().details().get("merge.count");
        // Right after the open: the background thread's first cycle runs now.
        for (int i = 0; i < 40; i++) {
          ConsistencyReport report = e.checkConsistency();
          checks++;
          assertTrue(report.isConsistent(), () -> "round " + report.problems());
        }
        for (Map.Entry<String, String> kv : model.entrySet()) {
          assertEquals(kv.getValue(), s(e.get(b(kv.getKey()))), kv.getKey());
        }
        e.runBackgroundCycle(); // the open's merge is done: count what it dropped
        dropped += e.statistics().details().get("merge.tombstones.dropped");
        assertTrue(e.statistics().details().get("merge.count") >= mergesAtOpen);
        // Leave work for the next open: overwritten values and tombstones in sealed files.
        for (int i = 0; i < 120; i++) {
          String k = "k" + r.nextInt(60);
          if (r.nextInt(3) == 0) {
            e.delete(b(k), Durability.BUFFERED);
            model.remove(k);
          } else {
            String v = "v" + round + "-" + i;
            e.put(b(k), b(v), Durability.BUFFERED);
            model.put(k, v);
          }
        }
      }
    }
    assertTrue(dropped > 0, "no merge dropped a tombstone: the test checked nothing it meant to");
    assertTrue(checks > 0);
  }
}
