package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The free pages a load leaves beyond its tree are given back when it ends (decision 0033): a flush
 * that finds more free pages than {@code Committer.keptFree} moves the pages above the tree's size
 * into the free ones below and cuts the file, in durable steps; a power cut anywhere in it leaves a
 * whole store.
 */
class GiveBackTest {

  private static final int KEY = 16;
  private static final int VALUE = 100;

  private final long seed = Long.getLong("cairn.seed", System.nanoTime());

  {
    System.out.println("GiveBackTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
  }

  @TempDir Path dir;

  /**
   * A random load of the bench's entries without a flush until its end: its working transactions
   * grow past the bound of decision 0029 (a quarter of the file), the file with them, and the flush
   * at its end gives the free pages back.
   */
  @Test
  void aFlushAfterALoadGivesItsFreePagesBackAndKeepsEveryEntry() {
    int n = 200_000;
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    List<EngineEvent> events = new CopyOnWriteArrayList<>();
    try (BtreeEngine e = TestStores.open(dir, Map.of("cache.size", "32m"), false, events::add)) {
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[KEY];
        byte[] value = new byte[VALUE];
        random.nextBytes(key);
        random.nextBytes(value);
        model.put(key, value);
        e.put(key, value, Durability.BUFFERED);
      }
      var d = e.statistics().details();
      long peak = e.dataFileSize();
      long workCommits = d.get("working.commits");
      e.flush();
      var stats = e.statistics();
      d = stats.details();
      double amp = (double) stats.diskBytes() / ((double) n * (KEY + VALUE));
      System.out.printf(
          "GiveBackTest: %,d records, %,d bytes before the flush, %,d after (%.3fx), %d working"
              + " commits, %d syncs, %d pages written, %d relocated, %d tree nodes, %d free, %d"
              + " pending%n",
          n,
          peak,
          stats.diskBytes(),
          amp,
          workCommits,
          d.get("syncs"),
          d.get("pages.written"),
          d.get("compaction.pages.relocated"),
          d.get("tree.nodes"),
          d.get("pages.free"),
          d.get("pages.pinned"));
      assertEquals(1, d.get("compactions.after.load"), "the flush gave the load's pages back");
      assertTrue(d.get("compaction.pages.relocated") > 0, "pages were moved");
      assertTrue(stats.diskBytes() < peak, stats.diskBytes() + " of " + peak);
      List<EngineEvent> given =
          events.stream()
              .filter(ev -> ev.kind() == EngineEvent.Kind.COMPACTION)
              .filter(ev -> ev.detail().startsWith("free pages of a load given back"))
              .toList();
      assertEquals(1, given.size(), "one COMPACTION event: " + given);
      assertEquals(peak - stats.diskBytes(), given.getFirst().bytes(), given.toString());
      long beyond = d.get("pages.free") + d.get("pages.pinned");
      assertTrue(
          beyond <= Committer.WORKING_NODES_MIN,
          beyond + " free and pending pages after the flush (seed " + seed + ")");
      // The tree alone is about 1.25 times the data (leaves 84 % full).
      assertTrue(amp <= 1.3, "space amplification " + amp + " (seed " + seed + ")");
      // Working transactions of a quarter of the file: fewer than one commit, and so one force
      // pair, a thousand puts (about one a thousand with the bounds of decision 0029).
      assertTrue(workCommits < n / 1500, workCommits + " working commits (seed " + seed + ")");
      assertEquals(model.size(), stats.approximateKeys(), "entries (seed " + seed + ")");
      int checked = 0;
      for (var entry : model.entrySet()) {
        if (checked++ % 7 == 0) {
          assertArrayEquals(entry.getValue(), e.get(entry.getKey()), "seed " + seed);
        }
      }
      assertConsistent(e);
      // Given back once: a flush with nothing more left free moves nothing.
      long relocated = d.get("compaction.pages.relocated");
      e.flush();
      d = e.statistics().details();
      assertEquals(1, d.get("compactions.after.load"));
      assertEquals(relocated, d.get("compaction.pages.relocated"));
    }
    try (BtreeEngine e = TestStores.open(dir)) {
      assertConsistent(e);
      byte[] first = model.firstKey();
      assertArrayEquals(model.get(first), e.get(first));
    }
  }

  /** A store holding 2,000 overflow values of a page each, in batches flushed one by one. */
  private static TreeMap<byte[], byte[]> fill(BtreeEngine e, SplittableRandom r) {
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 2000; i += 250) {
      WriteBatch batch = new WriteBatch();
      for (int j = i; j < i + 250; j++) {
        byte[] k = CompactTest.key(j);
        byte[] v = new byte[3000];
        r.nextBytes(v);
        batch.put(k, v);
        model.put(k, v);
      }
      e.write(batch, Durability.BUFFERED);
      e.flush();
    }
    return model;
  }

  /** Deletes nine in ten of {@code model}'s keys, in one batch, from the store and the model. */
  private static TreeMap<byte[], byte[]> deleteMost(TreeMap<byte[], byte[]> model, WriteBatch b) {
    TreeMap<byte[], byte[]> after = new TreeMap<>(Arrays::compareUnsigned);
    int i = 0;
    for (var entry : model.entrySet()) {
      if (i++ % 10 != 0) {
        b.delete(entry.getKey());
      } else {
        after.put(entry.getKey(), entry.getValue());
      }
    }
    return after;
  }

  /**
   * A load that ends without a flush gives back too: when it closes, or after a second without
   * writes (the idle commit).
   */
  @Test
  void aCloseOrAPauseGivesBackWithoutAFlush() throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    Path closed = dir.resolve("closed");
    TreeMap<byte[], byte[]> kept;
    long full;
    try (BtreeEngine e = TestStores.open(closed)) {
      TreeMap<byte[], byte[]> model = fill(e, r);
      WriteBatch deletes = new WriteBatch();
      kept = deleteMost(model, deletes);
      e.write(deletes, Durability.BUFFERED);
      full = e.dataFileSize();
    }
    try (BtreeEngine e = TestStores.open(closed)) {
      assertTrue(e.dataFileSize() < full / 4, e.dataFileSize() + " of " + full);
      assertEqual(kept, e, "closed (seed " + seed + ")");
      assertConsistent(e);
    }

    Path idle = dir.resolve("idle");
    try (BtreeEngine e = TestStores.open(idle)) {
      TreeMap<byte[], byte[]> model = fill(e, r);
      WriteBatch deletes = new WriteBatch();
      kept = deleteMost(model, deletes);
      e.write(deletes, Durability.BUFFERED);
      full = e.dataFileSize();
      // NB: waits for the idle commit (a second without writes), however long the machine takes;
      // the file's size, not statistics(), which would have the working state written first.
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (e.dataFileSize() >= full / 4 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      // NB: the file is cut before the giving back ends: a flush waits for the committer, and
      // then finds nothing more to give back.
      e.flush();
      assertEquals(1, e.statistics().details().get("compactions.after.load"));
      assertTrue(e.dataFileSize() < full / 4, e.dataFileSize() + " of " + full);
      assertEqual(kept, e, "idle (seed " + seed + ")");
      assertConsistent(e);
    }
  }

  /**
   * A load in key order appends at one leaf, which grows in memory until the working transaction
   * commits: a leaf's entries bound it ({@code Committer.WORKING_NODE_ENTRIES}), not the puts taken
   * alone, which may now be eight times as many.
   */
  @Test
  void aSortedLoadCommitsBeforeALeafGrowsPastItsBound() {
    int n = 3 * Committer.WORKING_NODE_ENTRIES;
    try (BtreeEngine e = TestStores.open(dir.resolve("sorted"))) {
      for (int i = 0; i < n; i++) {
        e.put(CompactTest.key(i), CompactTest.key(i), Durability.BUFFERED);
      }
      long commits = e.statistics().details().get("working.commits");
      // Two commits of pages for the leaf's bound, and the one statistics() asks for.
      assertTrue(commits >= 3, commits + " working commits for " + n + " sorted puts");
      for (int i = 0; i < n; i += 97) {
        assertArrayEquals(CompactTest.key(i), e.get(CompactTest.key(i)));
      }
      assertConsistent(e);
    }
  }

  @Test
  void aPowerCutAnywhereInTheGivingBackLeavesAWholeStore() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path store = fs.root().resolve("store");
      TreeMap<byte[], byte[]> model;
      try (BtreeEngine e = TestStores.open(store)) {
        model = fill(e, new SplittableRandom(seed));
      }
      DiskImage base = fs.image();
      WriteBatch deletes = new WriteBatch();
      TreeMap<byte[], byte[]> kept = deleteMost(model, deletes);

      // A whole run, to count its file system mutations and see that the flush gives back.
      long total;
      long full;
      long small;
      try (BtreeEngine e = TestStores.open(store)) {
        full = e.dataFileSize();
        long m0 = fs.faults().mutations();
        e.write(deletes, Durability.BUFFERED);
        e.flush();
        total = fs.faults().mutations() - m0;
        small = e.dataFileSize();
        assertEquals(1, e.statistics().details().get("compactions.after.load"));
        assertTrue(small < full / 4, small + " of " + full);
      }

      var points = PowerCuts.points(total, 60, 16);
      int returned =
          PowerCuts.run(
              fs,
              base,
              store,
              seed,
              total,
              points,
              e -> {
                e.write(deletes, Durability.BUFFERED);
                e.flush();
              },
              done -> "flush " + (done ? "returned" : "failed"),
              (after, cut) -> {
                // The deletes are one batch: whole or absent, and whole once the flush returned.
                TreeMap<byte[], byte[]> expected =
                    cut.returned() || after.get(firstDeleted(model)) == null ? kept : model;
                assertEqual(expected, after, cut.at());
                assertConsistent(after);
                after.flush();
                assertEqual(expected, after, cut.at() + ", flushed again");
                assertConsistent(after);
                if (expected == kept) {
                  assertTrue(
                      after.dataFileSize() <= small * 2, cut.at() + ": " + after.dataFileSize());
                }
              });
      System.out.println(
          "GiveBackTest: "
              + points.size()
              + " power cuts over the "
              + total
              + " mutations of a flush that gave "
              + (full - small)
              + " bytes back; the flush returned before "
              + returned);
      assertTrue(returned >= 1, "at least the last point lets the flush return");
      fs.assertNoOpenHandles();
    }
  }

  /** The first key the batch of {@link #deleteMost} deletes. */
  private static byte[] firstDeleted(TreeMap<byte[], byte[]> model) {
    var it = model.keySet().iterator();
    it.next();
    return it.next();
  }

  private static void assertEqual(TreeMap<byte[], byte[]> model, BtreeEngine e, String at) {
    for (var entry : model.entrySet()) {
      assertArrayEquals(entry.getValue(), e.get(entry.getKey()), at);
    }
    assertEquals(model.size(), e.statistics().approximateKeys(), at + ": entries");
  }
}
