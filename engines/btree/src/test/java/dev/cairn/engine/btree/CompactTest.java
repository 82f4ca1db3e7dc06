package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction in place: the file shrinks by the free pages, the contents stay, the store stays
 * consistent, a snapshot keeps its view and the pages it pins are given back after it closes.
 */
class CompactTest {

  @TempDir Path dir;

  private static final int PAGE = 4096;

  private final long seed = Long.getLong("cairn.seed", System.nanoTime());

  {
    System.out.println("CompactTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
  }

  static byte[] key(int i) {
    return String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** A long key (its own overflow chain) for some i. */
  static byte[] longKey(int i) {
    byte[] k = new byte[700];
    Arrays.fill(k, (byte) 'k');
    byte[] p = key(i);
    System.arraycopy(p, 0, k, 0, p.length);
    return k;
  }

  static byte[] value(Random r, int i) {
    int n = i % 37 == 0 ? 3000 + r.nextInt(9000) : 20 + r.nextInt(200);
    byte[] v = new byte[n];
    r.nextBytes(v);
    return v;
  }

  static TreeMap<byte[], byte[]> newModel() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  private static Map<String, TreeMap<byte[], byte[]>> fillAndDeleteMost(BtreeEngine e, Random r) {
    return fillAndDeleteMost(e, r, 6000);
  }

  /**
   * Fills two keyspaces with {@code n} entries, values, overflow values and long keys, then deletes
   * nine in ten, and flushes.
   */
  static Map<String, TreeMap<byte[], byte[]>> fillAndDeleteMost(BtreeEngine e, Random r, int n) {
    e.createKeyspace("other");
    Map<String, TreeMap<byte[], byte[]>> model =
        new TreeMap<>(Map.of("default", newModel(), "other", newModel()));
    for (int i = 0; i < n; i += 200) {
      WriteBatch batch = new WriteBatch();
      for (int j = i; j < i + 200; j++) {
        String ks = j % 3 == 0 ? "other" : "default";
        byte[] k = j % 101 == 0 ? longKey(j) : key(j);
        byte[] v = value(r, j);
        batch.put(ks, k, v);
        model.get(ks).put(k, v);
      }
      e.write(batch, Durability.BUFFERED);
      // NB: BUFFERED writes gather in one working transaction (decision 0026): commit each batch
      // as pages of its own, so that the file is laid out as by many commits and the deletes
      // below free most of it.
      e.flush();
    }
    for (String ks : model.keySet()) {
      List<byte[]> keys = new ArrayList<>(model.get(ks).keySet());
      WriteBatch batch = new WriteBatch();
      for (byte[] k : keys) {
        if (r.nextInt(10) != 0) {
          batch.delete(ks, k);
          model.get(ks).remove(k);
        }
      }
      e.write(batch, Durability.BUFFERED);
    }
    e.flush();
    return model;
  }

  static void assertEqual(Map<String, TreeMap<byte[], byte[]>> model, StorageEngine e, String at) {
    for (var ks : model.entrySet()) {
      List<byte[]> keys = new ArrayList<>();
      try (Cursor c = e.keyspace(ks.getKey()).cursor()) {
        while (c.next()) {
          byte[] k = c.key();
          keys.add(k);
          byte[] expected = ks.getValue().get(k);
          assertArrayEquals(expected, c.value(), at + ": keyspace " + ks.getKey());
        }
      }
      assertEquals(ks.getValue().size(), keys.size(), at + ": entries of " + ks.getKey());
    }
  }

  @Test
  void compactionGivesTheFreePagesBackAndKeepsEverything() {
    Random r = new Random(seed);
    Map<String, TreeMap<byte[], byte[]>> model;
    long before;
    long after;
    List<EngineEvent> events = new CopyOnWriteArrayList<>();
    try (BtreeEngine e = TestStores.open(dir, Map.of(), false, events::add)) {
      model = fillAndDeleteMost(e, r);
      var d = e.statistics().details();
      long free = d.get("pages.free") + d.get("pages.pinned");
      before = e.dataFileSize();
      assertTrue(free > before / PAGE / 2, "most pages are free: " + d);

      long released = e.compact();

      after = e.dataFileSize();
      assertEquals(before - after, released, "compact() returns what the file shrank by");
      var c = e.statistics().details();
      long used = before / PAGE - free;
      // The file keeps the used pages, and a few free ones at most (paths and chains rewritten;
      // 97 for 71 used with the fill's batches each committed durably).
      assertTrue(
          after / PAGE <= used + used / 10 + 32,
          "file of " + after / PAGE + " pages for " + used + " used; before " + before / PAGE);
      assertEquals(c.get("pages") * PAGE, after, "the file ends at the high-water mark");
      assertEquals(1L, c.get("compactions"));
      assertEquals(released, c.get("compaction.bytes.released"));
      assertTrue(c.get("compaction.pages.relocated") > 0, c.toString());
      assertEquals(0L, c.get("compaction.release.deferred"));
      assertEqual(model, e, "after compact");
      assertConsistent(e);
      assertTrue(
          events.stream()
              .anyMatch(ev -> ev.kind() == EngineEvent.Kind.COMPACTION && ev.bytes() == released),
          events.toString());
      assertEquals(0, e.compact(), "a second compaction finds nothing to give back");
      assertEquals(after, e.dataFileSize());
    }
    assertEquals(after, fileSize());
    try (BtreeEngine e = TestStores.open(dir)) {
      assertEqual(model, e, "after reopen");
      assertConsistent(e);
      // The store goes on: writes reuse and extend the compacted file.
      e.put(key(999_999), new byte[5000], Durability.SYNC);
      model.get("default").put(key(999_999), new byte[5000]);
      assertEqual(model, e, "after a write");
      assertConsistent(e);
    }
  }

  private long fileSize() {
    try {
      return Files.size(dir.resolve(PageFile.NAME));
    } catch (java.io.IOException x) {
      throw new AssertionError(x);
    }
  }

  @Test
  void aSnapshotAndACursorKeepTheirViewAndThePagesTheyPinGoBackAfterTheyClose() {
    Random r = new Random(seed);
    try (BtreeEngine e = TestStores.open(dir)) {
      Map<String, TreeMap<byte[], byte[]>> model = fillAndDeleteMost(e, r);
      long before = e.dataFileSize();
      Snapshot s = e.snapshot();
      Cursor cursor = e.keyspace("other").cursor();
      assertTrue(cursor.next());

      e.compact();

      // A cursor opened before goes on over the state it started on.
      List<byte[]> seen = new ArrayList<>();
      seen.add(cursor.key());
      assertArrayEquals(model.get("other").get(cursor.key()), cursor.value());
      while (cursor.next()) {
        seen.add(cursor.key());
        assertArrayEquals(model.get("other").get(cursor.key()), cursor.value());
      }
      cursor.close();
      assertEquals(model.get("other").size(), seen.size());

      long pinned = e.dataFileSize();
      // The pages moved away from are the snapshot's: they stay while it is open.
      assertTrue(pinned > before / 2, "file " + pinned + " of " + before + " while pinned");
      assertEquals(1L, e.statistics().details().get("compaction.release.deferred"));
      for (var ks : model.entrySet()) {
        for (var en : ks.getValue().entrySet()) {
          assertArrayEquals(en.getValue(), s.keyspace(ks.getKey()).get(en.getKey()));
        }
      }
      assertEqual(model, e, "current state while the snapshot is held");
      assertConsistent(e);
      s.close();

      // The first commit after it closes gives the pages back.
      e.put(key(1), key(1), Durability.SYNC);
      model.get("default").put(key(1), key(1));
      long after = e.dataFileSize();
      assertTrue(after < before / 3, "file " + after + " of " + before + " after the snapshot");
      assertEquals(0L, e.statistics().details().get("compaction.release.deferred"));
      assertEqual(model, e, "after the snapshot closed");
      assertConsistent(e);
    }
  }

  @Test
  void writersGoOnDuringACompaction() throws Exception {
    Random r = new Random(seed);
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (BtreeEngine e = TestStores.open(dir)) {
      Map<String, TreeMap<byte[], byte[]>> model = fillAndDeleteMost(e, r);
      long before = e.dataFileSize();
      AtomicBoolean stop = new AtomicBoolean();
      List<Future<TreeMap<byte[], byte[]>>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        long wseed = seed + w;
        done.add(
            pool.submit(
                () -> {
                  Random wr = new Random(wseed);
                  TreeMap<byte[], byte[]> mine = newModel();
                  int i = 0;
                  while (!stop.get() || i < 50) {
                    byte[] k = key(1_000_000 * (id + 1) + wr.nextInt(400));
                    if (wr.nextInt(4) == 0) {
                      e.delete(k, Durability.BUFFERED);
                      mine.remove(k);
                    } else {
                      byte[] v = value(wr, i);
                      e.put(k, v, wr.nextBoolean() ? Durability.SYNC : Durability.BUFFERED);
                      mine.put(k, v);
                    }
                    i++;
                  }
                  return mine;
                }));
      }
      e.compact();
      stop.set(true);
      for (Future<TreeMap<byte[], byte[]>> f : done) {
        model.get("default").putAll(f.get());
      }
      // Keys deleted by a writer are absent from its own model: remove what a writer deleted last.
      for (int w = 0; w < writers; w++) {
        for (int k = 0; k < 400; k++) {
          byte[] key = key(1_000_000 * (w + 1) + k);
          if (!done.get(w).get().containsKey(key)) {
            model.get("default").remove(key);
          }
        }
      }
      assertEqual(model, e, "after a compaction with writers");
      assertConsistent(e);
      e.compact();
      assertTrue(e.dataFileSize() < before / 2, e.dataFileSize() + " of " + before);
      assertEqual(model, e, "after a second compaction");
      assertConsistent(e);
    } finally {
      pool.shutdownNow();
    }
    try (BtreeEngine e = TestStores.open(dir)) {
      assertConsistent(e);
    }
  }

  @Test
  void anEmptyStoreHasNothingToGiveBackAndAReadOnlyOneRefuses() {
    try (BtreeEngine e = TestStores.open(dir)) {
      assertEquals(0, e.compact());
      assertNull(e.get(key(1)));
      assertConsistent(e);
    }
    try (BtreeEngine e = TestStores.open(dir, Map.of(), true)) {
      assertThrows(ReadOnlyStoreException.class, e::compact);
    }
  }
}
