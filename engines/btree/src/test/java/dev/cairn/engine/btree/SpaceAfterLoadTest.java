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
  private static final int FLUSH_EVERY = 1000;

  @TempDir Path dir;

  /** SplitMix64's finalizer, as the bench's keys: record numbers spread over the key space. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A load as the bench makes it: {@code BUFFERED} puts one by one and a flush at the end only, so
   * the working transaction's own bounds and the forces of pages waiting for a durable meta decide
   * what the file keeps beyond its tree. The records are {@code -Dcairn.space.records} (100,000;
   * the module's {@code stress} profile loads 1,000,000, the size {@code cairn bench} is judged
   * at).
   */
  @Test
  void aLoadWithoutFlushesKeepsAboutOneWorkingTransactionOfPagesBeyondItsTree() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    int n = Integer.getInteger("cairn.space.records", 100_000);
    System.out.println(
        "SpaceAfterLoadTest seed "
            + seed
            + ", "
            + n
            + " records (replay: -Dcairn.seed="
            + seed
            + " -Dcairn.space.records="
            + n
            + ")");
    SplittableRandom random = new SplittableRandom(seed);
    byte[] pool = new byte[1 << 20];
    random.nextBytes(pool);
    try (BtreeEngine e = TestStores.open(dir, Map.of("cache.size", "32m"), false)) {
      for (int i = 0; i < n; i++) {
        int at = random.nextInt(pool.length - VALUE);
        e.put(key(seed + i), Arrays.copyOfRange(pool, at, at + VALUE), Durability.BUFFERED);
      }
      e.flush();
      var stats = e.statistics();
      var d = stats.details();
      double amp = (double) stats.diskBytes() / ((double) n * (KEY + VALUE));
      long beyond = d.get("pages.free") + d.get("pages.pinned");
      System.out.printf(
          "SpaceAfterLoadTest: %,d records without flushes, %,d bytes on disk (%.3fx), fill %d %%,"
              + " %d tree nodes, %d pages, %d free, %d pending%n",
          n,
          stats.diskBytes(),
          amp,
          d.get("fill.factor.percent"),
          d.get("tree.nodes"),
          d.get("pages"),
          d.get("pages.free"),
          d.get("pages.pinned"));
      // NB: one working transaction's pages: a thirty-second of the file, at least 1,024. Writers
      // that went on filling the working transaction until the committer's thread took it left
      // 2,053 and 2,116 at 100,000 records, the file 1.62 times the data.
      long working =
          Math.max(Committer.WORKING_NODES_MIN, d.get("pages") / Committer.PENDING_SYNC_FRACTION);
      assertTrue(
          beyond <= working * 3 / 2,
          beyond + " free and pending pages, more than 1.5 x " + working + " (seed " + seed + ")");
      if (n >= 1_000_000) {
        // The figure the bench is judged by, at its size (a smaller file keeps relatively more).
        assertTrue(amp <= 1.3, "space amplification " + amp + " (seed " + seed + ")");
      }
      assertConsistent(e);
    }
  }

  private static byte[] key(long record) {
    byte[] key = new byte[KEY];
    long id = mix(record);
    for (int b = 0; b < Long.BYTES; b++) {
      key[b] = (byte) (id >>> (56 - 8 * b));
    }
    return key;
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
        int at = random.nextInt(pool.length - VALUE);
        e.put(key(seed + i), Arrays.copyOfRange(pool, at, at + VALUE), Durability.BUFFERED);
        if (i % FLUSH_EVERY == FLUSH_EVERY - 1) {
          // NB: durable commits at fixed points, below the working transaction's own bound, so
          // that what the file holds does not depend on when the committer thread ran.
          e.flush();
        }
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
      // Splits in two alone left 68 %; leaves sharing with a neighbour first, 85 %. With compact
      // entries (118 bytes each, 34.5 to a page), 79 % while a split counted its pages by bytes
      // alone and so left a last leaf of a few entries; 84 % since it counts whole entries.
      assertTrue(
          d.get("fill.factor.percent") >= 83,
          "fill factor " + d.get("fill.factor.percent") + " % (seed " + seed + ")");
      // 1.74 (fill 68 %) when leaves split in two without sharing, 1.46 when they share, 1.42
      // with compact entries.
      assertTrue(amp <= 1.5, "space amplification " + amp + " (seed " + seed + ")");
      assertConsistent(e);
    }
  }
}
