package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Power cuts during a compaction, on the conformance suite's fault-injecting file system: at many
 * points of it (every one near its end, where the file is cut), the store reopens at a whole state
 * equal to what was acknowledged, consistent, and compacts again.
 */
class CompactCrashTest {

  private final long seed = Long.getLong("cairn.seed", System.nanoTime());

  {
    System.out.println(
        "CompactCrashTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
  }

  private static final byte[] LATE = CompactTest.key(77_777_777);

  @Test
  void aPowerCutAnywhereInACompactionLeavesAWholeStore() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("store");
      Map<String, TreeMap<byte[], byte[]>> model;
      try (BtreeEngine e = TestStores.open(dir)) {
        model = CompactTest.fillAndDeleteMost(e, new Random(seed), 6000);
      }
      DiskImage base = fs.image();
      long size = Files.size(dir.resolve(PageFile.NAME));

      // A whole compaction, to count its file system mutations and see that it shrinks the file.
      long total;
      try (BtreeEngine e = TestStores.open(dir)) {
        long m0 = fs.faults().mutations();
        e.put(LATE, LATE, Durability.BUFFERED);
        e.compact();
        total = fs.faults().mutations() - m0;
        assertTrue(e.dataFileSize() < size / 2, e.dataFileSize() + " of " + size);
      }

      var points = PowerCuts.points(total, 150, 16);
      int completed =
          PowerCuts.run(
              fs,
              base,
              dir,
              seed,
              total,
              points,
              e -> {
                e.put(LATE, LATE, Durability.BUFFERED);
                e.compact();
              },
              done -> "compact " + (done ? "returned" : "failed"),
              (after, cut) -> {
                String at = cut.at();
                byte[] late = after.get(LATE);
                if (cut.returned()) {
                  // compact() makes everything acknowledged before it durable.
                  assertArrayEquals(
                      LATE, late, at + ": a write acknowledged before compact() returned");
                } else if (late != null) {
                  assertArrayEquals(LATE, late, at);
                }
                Map<String, TreeMap<byte[], byte[]>> expected = copy(model);
                if (late != null) {
                  expected.get("default").put(LATE, LATE);
                }
                CompactTest.assertEqual(expected, after, at);
                assertConsistent(after);
                after.compact();
                CompactTest.assertEqual(expected, after, at + ", compacted again");
                assertConsistent(after);
                assertTrue(
                    after.dataFileSize() < size / 2,
                    at + ": " + after.dataFileSize() + " of " + size);
              });
      System.out.println(
          "CompactCrashTest: "
              + points.size()
              + " power cuts over the "
              + total
              + " mutations of a compaction; compact() returned before "
              + completed);
      assertEquals(1, Math.min(1, completed), "at least the last point lets compact() return");
      fs.assertNoOpenHandles();
    }
  }

  private static Map<String, TreeMap<byte[], byte[]>> copy(
      Map<String, TreeMap<byte[], byte[]>> model) {
    Map<String, TreeMap<byte[], byte[]>> c = new TreeMap<>();
    model.forEach(
        (k, v) -> {
          TreeMap<byte[], byte[]> m = CompactTest.newModel();
          m.putAll(v);
          c.put(k, m);
        });
    return c;
  }
}
