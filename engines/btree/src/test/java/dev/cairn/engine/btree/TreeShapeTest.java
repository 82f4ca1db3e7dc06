package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Splits fill pages on a sorted load, merges empty the tree again, and SYNC writers group. */
class TreeShapeTest {

  @TempDir Path dir;

  private static byte[] key(int i) {
    return String.format("%016d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void aSortedLoadFillsPagesAndDeletingEverythingEmptiesTheTree() {
    int n = 20_000;
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < n; i += 500) {
        WriteBatch batch = new WriteBatch();
        for (int j = i; j < i + 500; j++) {
          batch.put(key(j), new byte[100]);
        }
        e.write(batch, Durability.BUFFERED);
      }
      var d = e.statistics().details();
      assertTrue(d.get("tree.depth") >= 3, "depth " + d.get("tree.depth"));
      assertTrue(d.get("fill.factor.percent") >= 85, "fill factor " + d.get("fill.factor.percent"));
      assertEquals(n, e.statistics().approximateKeys());
      assertConsistent(e);
      long pages = d.get("pages");
      for (int i = 0; i < n; i += 1000) {
        e.deleteRange(KeyRange.between(key(i), key(i + 1000)), Durability.BUFFERED);
      }
      // NB: pages freed by BUFFERED commits are reused only once a durable meta no longer names
      // them; without this flush, how many are reusable by the second load depends on when the
      // committer happened to force a meta.
      e.flush();
      d = e.statistics().details();
      assertEquals(0L, d.get("tree.depth"), "an empty tree has no root");
      assertEquals(0L, d.get("tree.nodes"));
      assertNull(e.get(key(7)));
      assertConsistent(e);
      for (int i = 0; i < n; i += 500) {
        WriteBatch batch = new WriteBatch();
        for (int j = i; j < i + 500; j++) {
          batch.put(key(j), new byte[100]);
        }
        e.write(batch, Durability.BUFFERED);
      }
      e.flush();
      assertTrue(
          e.statistics().details().get("pages") <= pages + pages / 10,
          "the same load again reuses the freed pages");
      assertArrayEquals(new byte[100], e.get(key(n - 1)));
      assertConsistent(e);
    }
  }

  @Test
  void concurrentSyncWritersShareCommits() throws Exception {
    int threads = 16;
    int each = 40;
    try (BtreeEngine e = TestStores.open(dir)) {
      var pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          fs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      e.put(key(id * 1000 + i), new byte[10], Durability.SYNC);
                    }
                  }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      var d = e.statistics().details();
      assertEquals((long) threads * each, e.statistics().approximateKeys());
      assertTrue(
          d.get("commits") < threads * each,
          "each SYNC writer had a commit of its own: " + d.get("commits") + " commits");
      assertTrue(d.get("syncs") <= d.get("commits") + 1, "one fsync pair a commit: " + d);
      assertConsistent(e);
    }
  }
}
