package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings the conformance suite runs with make every kind of background work happen within a
 * crash campaign's few dozen writes, so that its crashes land inside log rolls, flushes,
 * compactions and manifest rewrites (which every open does too), with tables of compressed blocks.
 */
class TinySettingsTest {

  @TempDir Path dir;

  @Test
  void aCampaignSizedWorkloadRollsFlushesCompactsAndRewritesTheManifest() {
    SplittableRandom rnd = new SplittableRandom(1);
    try (LsmEngine e = TestStores.open(dir, Map.of())) {
      for (int i = 0; i < 60; i++) {
        int size = rnd.nextInt(10) == 0 ? 4096 + rnd.nextInt(64) : 16 + rnd.nextInt(1500);
        e.put(b("key-" + rnd.nextInt(12)), new byte[size], Durability.SYNC);
      }
      TestStores.settle(e);
      Map<String, Long> st = e.statistics().details();
      assertTrue(st.get("flush.count") >= 3, st.toString());
      assertTrue(st.get("compaction.count") >= 1, st.toString());
      assertTrue(st.get("manifest.rolls") >= 1, st.toString());
      // the default compression (lz4) is on: the crash campaigns read compressed blocks back
      assertTrue(
          st.get("compression.stored.bytes") < st.get("compression.raw.bytes") / 2, st.toString());
    }
  }
}
