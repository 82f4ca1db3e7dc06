package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file after a load in random key order, as {@code cairn bench} loads it (16-byte keys,
 * 100-byte values, {@code BUFFERED} puts, then a flush): leaves that share entries with a neighbour
 * before they split are fuller than halves, and the pages freed during the load that the file keeps
 * are bounded by the working transaction's size and the force of pages waiting for a durable meta.
 */
class SpaceAfterLoadTest {

  private static final int KEY = 16;
  private static final int VALUE = 100;

  @TempDir Path dir;

  /** SplitMix64's finalizer, as the bench's keys: record numbers spread over the key space. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Test
  void aRandomLoadFillsLeavesAndKeepsFewFreePages() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("SpaceAfterLoadTest seed " + seed + " (replay: -Dcairn.seed=" + seed + ")");
    int n = 200_000;
    SplittableRandom random = new SplittableRandom(seed);
    byte[] pool = new byte[1 << 20];
    random.nextBytes(pool);
    try (BtreeEngine e = TestStores.open(dir, Map.of("cache.size", "32m"), false)) {
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[KEY];
        long id = mix(seed + i);
        for (int b = 0; b < Long.BYTES; b++) {
          key[b] = (byte) (id >>> (56 - 8 * b));
        }
        int at = random.nextInt(pool.length - VALUE);
        e.put(key, Arrays.copyOfRange(pool, at, at + VALUE), Durability.BUFFERED);
      }
      e.flush();
      var stats = e.statistics();
      var d = stats.details();
      double amp = (double) stats.diskBytes() / ((double) n * (KEY + VALUE));
      System.out.printf(
          "SpaceAfterLoadTest: %,d records, %,d bytes on disk (%.3fx), fill %d %%, %d tree nodes,"
              + " %d pages, %d free, %d pending%n",
          n,
          stats.diskBytes(),
          amp,
          d.get("fill.factor.percent"),
          d.get("tree.nodes"),
          d.get("pages"),
          d.get("pages.free"),
          d.get("pages.pinned"));
      // Splits in two alone left 69 %; leaves sharing with a neighbour first, 85 %.
      assertTrue(
          d.get("fill.factor.percent") >= 80,
          "fill factor " + d.get("fill.factor.percent") + " % (seed " + seed + ")");
      // 2.10-2.13 before leaves shared, with twice the working pages and an eighth of the file
      // waiting for a sync; 1.62-1.77 after (how many freed pages the file holds at the end
      // depends on when the committer thread took the working commits; at 1,000,000 records,
      // 1.35).
      assertTrue(amp <= 1.9, "space amplification " + amp + " (seed " + seed + ")");
      assertConsistent(e);
    }
  }
}
