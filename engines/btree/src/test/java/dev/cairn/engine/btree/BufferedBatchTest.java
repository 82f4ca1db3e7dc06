package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BUFFERED} writes gathered in one working transaction (decision 0026): every write is read
 * back at once, by gets from the in-memory tree and by cursors and snapshots from its pages; a
 * snapshot keeps its view while the working tree changes; a process crash keeps every acknowledged
 * write (the log); a power cut anywhere in a run of batched commits reopens at a prefix of the
 * acknowledged history, each batch whole or absent.
 */
class BufferedBatchTest {

  private final long seed = Long.getLong("cairn.seed", System.nanoTime());

  {
    System.out.println(
        "BufferedBatchTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
  }

  @TempDir Path dir;

  static byte[] key(int k) {
    return String.format("key%08d", k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A value stamped with the step {@code i} that wrote it, padded to {@code length}. */
  static byte[] value(int i, int length) {
    byte[] v = new byte[Math.max(4, length)];
    ByteBuffer.wrap(v).putInt(i);
    return v;
  }

  static int stamp(byte[] v) {
    return ByteBuffer.wrap(v).getInt();
  }

  private static TreeMap<byte[], byte[]> newModel() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  private static void assertEqual(TreeMap<byte[], byte[]> model, Cursor c, String at) {
    List<byte[]> seen = new ArrayList<>();
    while (c.next()) {
      byte[] k = c.key();
      seen.add(k);
      assertArrayEquals(model.get(k), c.value(), at + ": " + new String(k));
    }
    assertEquals(model.size(), seen.size(), at + ": entries");
  }

  @Test
  void everyBufferedWriteIsReadBackAndSnapshotsKeepTheirView() {
    Random r = new Random(seed);
    TreeMap<byte[], byte[]> model = newModel();
    List<Snapshot> snapshots = new ArrayList<>();
    List<TreeMap<byte[], byte[]>> seen = new ArrayList<>();
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < 20_000; i++) {
        int k = r.nextInt(3000);
        int op = r.nextInt(100);
        if (op < 70) {
          byte[] v = value(i, r.nextInt(10) == 0 ? 1500 + r.nextInt(3000) : 20 + r.nextInt(200));
          e.put(key(k), v, Durability.BUFFERED);
          model.put(key(k), v);
        } else if (op < 85) {
          e.delete(key(k), Durability.BUFFERED);
          model.remove(key(k));
        } else if (op < 97) {
          WriteBatch batch = new WriteBatch();
          for (int j = 0; j < 5; j++) {
            byte[] v = value(i, 30);
            batch.put("default", key(k + j), v);
            model.put(key(k + j), v);
          }
          e.write(batch, Durability.BUFFERED);
        } else if (op < 99) {
          // a cursor has the working tree written as pages and reads them
          try (Cursor c = e.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
            assertEqual(model, c, "cursor at step " + i);
          }
        } else {
          if (snapshots.size() < 8) {
            snapshots.add(e.snapshot());
            TreeMap<byte[], byte[]> copy = newModel();
            copy.putAll(model);
            seen.add(copy);
          } else {
            e.flush();
          }
        }
        byte[] got = e.get(key(k));
        assertArrayEquals(model.get(key(k)), got, "get after step " + i + " (seed " + seed + ")");
      }
      for (int s = 0; s < snapshots.size(); s++) {
        try (Snapshot snap = snapshots.get(s);
            Cursor c = snap.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
          assertEqual(seen.get(s), c, "snapshot " + s + " (seed " + seed + ")");
        }
      }
      for (Map.Entry<byte[], byte[]> en : model.entrySet()) {
        assertArrayEquals(en.getValue(), e.get(en.getKey()));
      }
      assertConsistent(e);
    }
    try (BtreeEngine e = TestStores.open(dir);
        Cursor c = e.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
      assertEqual(model, c, "after a reopen");
    }
  }

  @Test
  void readersOnOtherThreadsSeeOnlyWholeWritesWhileTheWorkingTreeChanges() throws Exception {
    // Each key is written with values whose every byte is the same: a reader that saw a node
    // changing under it would see a value of another key, or none where one was acknowledged.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int keys = 4000;
    java.util.concurrent.atomic.AtomicInteger acked =
        new java.util.concurrent.atomic.AtomicInteger();
    try (BtreeEngine e = TestStores.open(dir)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        long s = seed + t;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      Random r = new Random(s);
                      try {
                        while (!stop.get()) {
                          int bound = acked.get();
                          if (bound == 0) {
                            continue;
                          }
                          int k = r.nextInt(bound);
                          byte[] v = e.get(key(k));
                          if (v == null || v.length != 64 || stamp(v) % keys != k) {
                            throw new AssertionError(
                                "key " + k + " read " + (v == null ? "nothing" : stamp(v)));
                          }
                        }
                      } catch (Throwable x) {
                        failure.compareAndSet(null, x);
                      }
                    }));
      }
      for (int round = 0; round < 6; round++) {
        for (int k = 0; k < keys; k++) {
          e.put(key(k), value(round * keys + k, 64), Durability.BUFFERED);
          if (round == 0) {
            acked.set(k + 1);
          }
        }
        if (round == 3) {
          try (Cursor c = e.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
            int n = 0;
            while (c.next()) {
              n++;
            }
            assertEquals(keys, n);
          }
        }
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError("a reader failed (seed " + seed + ")", failure.get());
      }
      assertTrue(e.statistics().details().get("commits") > 0);
    }
  }

  @Test
  void aProcessCrashKeepsEveryAcknowledgedBufferedWrite() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path store = fs.root().resolve("store");
      TreeMap<byte[], byte[]> model = newModel();
      BtreeEngine e = TestStores.open(store);
      Random r = new Random(seed);
      for (int i = 0; i < 6000; i++) {
        byte[] v = value(i, 100);
        e.put(key(r.nextInt(2000)), v, Durability.BUFFERED);
        if (i % 2500 == 0) {
          try (Cursor c = e.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
            c.next(); // the working tree written as pages, without a meta
          }
        }
      }
      fs.faults().powerLossAfterMutations(0);
      PowerCut cut = fs.powerCut();
      try {
        e.close();
      } catch (StorageException ignored) {
        // the "process" died
      }
      cut.restore(cut.choose(CrashMode.PROCESS, seed));
      // The same writes, replayed into the model from the seed.
      r = new Random(seed);
      for (int i = 0; i < 6000; i++) {
        model.put(key(r.nextInt(2000)), value(i, 100));
      }
      try (BtreeEngine after = TestStores.open(store);
          Cursor c = after.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
        assertEqual(model, c, "after a process crash (seed " + seed + ")");
        assertConsistent(after);
      }
      fs.assertNoOpenHandles();
    }
  }

  /**
   * Power cuts at mutations spread over a run of {@code BUFFERED} writes (puts and batches,
   * overwriting a small key set), with a cursor now and then (its working tree written as pages)
   * and a {@code flush()} now and then (a durable commit): each reopen holds exactly the writes of
   * steps 0 to j for one j, no earlier than the last flush that returned (or, in a crash of the
   * process, than the last write acknowledged), and is consistent.
   */
  @Test
  void aPowerCutAnywhereInBatchedCommitsLeavesAPrefix() throws Exception {
    int steps = 3000;
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path store = fs.root().resolve("store");
      try (BtreeEngine e = TestStores.open(store)) {
        e.put(key(999_999), value(-1, 8), Durability.SYNC);
      }
      DiskImage base = fs.image();
      long total;
      try (BtreeEngine e = TestStores.open(store)) {
        long m0 = fs.faults().mutations();
        run(e, steps, new int[2]);
        total = fs.faults().mutations() - m0;
      }
      var points = PowerCuts.points(total, 60, 0);
      int[] progress = {-1, -1}; // last step acknowledged, last step a returned flush covers
      int[] processCrashes = {0};
      PowerCuts.run(
          fs,
          base,
          store,
          seed,
          total,
          points,
          e -> {
            progress[0] = -1;
            progress[1] = -1;
            run(e, steps, progress);
          },
          done -> "acknowledged through step " + progress[0] + ", flushed through " + progress[1],
          (after, cut) -> {
            String at = cut.at();
            int j = -1;
            TreeMap<byte[], byte[]> found = newModel();
            try (Cursor c = after.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
              while (c.next()) {
                found.put(c.key(), c.value());
                j = Math.max(j, stamp(c.value()));
              }
            }
            TreeMap<byte[], byte[]> expected = expectedAfter(j);
            assertEquals(expected.size(), found.size(), at + ": a prefix, through step " + j);
            for (Map.Entry<byte[], byte[]> en : expected.entrySet()) {
              assertArrayEquals(en.getValue(), found.get(en.getKey()), at + ": through step " + j);
            }
            int lower = cut.mode() == CrashMode.PROCESS ? progress[0] : progress[1];
            assertTrue(j >= lower, at + ": reopened through step " + j + ", below " + lower);
            assertTrue(j <= progress[0] + 1, at + ": step " + j + " was never acknowledged");
            assertConsistent(after);
            processCrashes[0] += cut.mode() == CrashMode.PROCESS ? 1 : 0;
          });
      System.out.println(
          "BufferedBatchTest: "
              + points.size()
              + " power cuts over "
              + total
              + " mutations of "
              + steps
              + " BUFFERED steps; "
              + processCrashes[0]
              + " process crashes");
      fs.assertNoOpenHandles();
    }
  }

  /** The writes of step {@code i}: keys and value length drawn from {@code i} alone. */
  private static int[] keysOf(int i) {
    Random r = new Random(i * 31L + 7);
    int n = i % 7 == 0 ? 3 : 1;
    int[] keys = new int[n];
    for (int j = 0; j < n; j++) {
      keys[j] = r.nextInt(400);
    }
    return keys;
  }

  private static int lengthOf(int i) {
    return i % 50 == 0 ? 2000 : 60 + i % 90;
  }

  private static void run(BtreeEngine e, int steps, int[] progress) {
    for (int i = 0; i < steps; i++) {
      int[] keys = keysOf(i);
      if (keys.length == 1) {
        e.put(key(keys[0]), value(i, lengthOf(i)), Durability.BUFFERED);
      } else {
        WriteBatch b = new WriteBatch();
        for (int k : keys) {
          b.put("default", key(k), value(i, lengthOf(i)));
        }
        e.write(b, Durability.BUFFERED);
      }
      progress[0] = i;
      if (i % 400 == 399) {
        e.flush();
        progress[1] = i;
      } else if (i % 150 == 149) {
        try (Cursor c = e.cursor(KeyRange.all(), dev.cairn.spi.Direction.FORWARD)) {
          c.next();
        }
      }
    }
  }

  /** The store's content after steps 0 to {@code j} (-1: none) on top of the base. */
  private static TreeMap<byte[], byte[]> expectedAfter(int j) {
    TreeMap<byte[], byte[]> m = newModel();
    m.put(key(999_999), value(-1, 8));
    for (int i = 0; i <= j; i++) {
      for (int k : keysOf(i)) {
        m.put(key(k), value(i, lengthOf(i)));
      }
    }
    return m;
  }

  @Test
  void aReadOnlyOpenRefusesAStoreWhoseLogHoldsWritesTheTreeLacks() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path store = fs.root().resolve("store");
      BtreeEngine e = TestStores.open(store);
      e.put(key(1), value(1, 10), Durability.BUFFERED);
      fs.faults().powerLossAfterMutations(0);
      PowerCut cut = fs.powerCut();
      try {
        e.close();
      } catch (StorageException ignored) {
        // the "process" died
      }
      cut.restore(cut.choose(CrashMode.PROCESS, seed));
      StorageException x =
          org.junit.jupiter.api.Assertions.assertThrows(
              StorageException.class, () -> TestStores.open(store, Map.of(), true).close());
      assertTrue(x.getMessage().contains(WriteLog.NAME), x.getMessage());
      try (BtreeEngine rw = TestStores.open(store)) {
        assertArrayEquals(value(1, 10), rw.get(key(1)));
      }
      try (BtreeEngine ro = TestStores.open(store, Map.of(), true)) {
        assertArrayEquals(value(1, 10), ro.get(key(1)));
        assertNull(ro.get(key(2)));
      }
    }
  }
}
