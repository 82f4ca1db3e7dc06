package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.DiskImage;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits of the working transaction made durable in the background (decision 0031): their meta
 * says how much of the log of {@code BUFFERED} writes their state holds, and an open replays the
 * rest, which writers logged while the commit was forced.
 */
class BackgroundCommitTest {

  @TempDir Path dir;

  private static final int PAGE = 4096;

  private static WriteLog.Effect put(int i) {
    return new WriteLog.Effect("default", TestStores.b("k" + i), TestStores.b("v" + i));
  }

  private static Meta meta(long txid, long logGeneration, long logRecords) {
    return new Meta(
        txid,
        FormatVersion.CURRENT.number(),
        PAGE,
        Meta.SLOTS,
        txid,
        Meta.INLINE,
        Meta.INLINE,
        0,
        0,
        Catalog.initial().encode(),
        new Freelist().encode(),
        logGeneration,
        logRecords);
  }

  private static List<String> replayed(WriteLog log, Meta m) {
    List<String> keys = new ArrayList<>();
    log.replay(m, effects -> effects.forEach(e -> keys.add(TestStores.s(e.key()))));
    return keys;
  }

  @Test
  void aMetaThatHoldsPartOfTheLogReplaysOnlyTheRest() throws IOException {
    Files.createDirectories(dir);
    WriteLog log = WriteLog.open(dir, false);
    try {
      log.reset(5);
      for (int i = 0; i < 4; i++) {
        log.append(List.of(put(i)));
      }
      assertEquals(
          List.of("k2", "k3"),
          replayed(log, meta(9, 5, 2)),
          "a meta of transaction 9 holding the first two records of generation 5");
      assertEquals(List.of(), replayed(log, meta(9, 5, 4)), "one holding all of them");
      assertEquals(List.of(), replayed(log, meta(9, 0, 0)), "a log of an older generation");
      assertEquals(List.of(), replayed(log, meta(9, 7, 1)), "of another generation");
      assertEquals(
          List.of("k0", "k1", "k2", "k3"), replayed(log, meta(5, 0, 0)), "the log after meta 5");
    } finally {
      log.close();
    }
  }

  @Test
  void theMetaRecordsTheLogPositionAndRoundTrips() {
    Meta m = meta(12, 7, 40);
    Meta back = Meta.decode(pad(m.encode(1)), 1, new StringBuilder());
    assertNotNull(back);
    assertEquals(7, back.logGeneration());
    assertEquals(40, back.logRecords());
    assertEquals(7, back.logFollows());
    Meta plain = Meta.decode(pad(meta(12, 0, 0).encode(0)), 0, new StringBuilder());
    assertNotNull(plain);
    assertEquals(12, plain.logFollows(), "a meta after which the log was cut: its own txid");
  }

  private static byte[] pad(byte[] meta) {
    return java.util.Arrays.copyOf(meta, PAGE);
  }

  /**
   * A random load of {@code BUFFERED} puts large enough that its working commits are made durable
   * by the pages waiting for a sync, then a process crash: the newest meta on disk holds part of
   * the log, every acknowledged put comes back, and a record torn after the meta's part ends the
   * replay there (a prefix).
   */
  @Test
  void aProcessCrashAfterABackgroundCommitKeepsTheWritesLoggedAfterIt() throws IOException {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println(
        "BackgroundCommitTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    int n = 40_000;
    int tail = 10; // NB: puts after the last of the load's commits, logged after its meta's part
    long[] ids = new long[n + tail];
    Map<String, String> settings = Map.of("cache.size", "8m");
    BtreeEngine crashed = TestStores.open(dir, settings, false);
    try {
      BtreeEngine e = crashed;
      for (int i = 0; i < n; i++) {
        ids[i] = random.nextLong();
        e.put(key(ids[i]), value(ids[i]), Durability.BUFFERED);
      }
      var d = e.statistics().details();
      assertTrue(
          d.get("syncs.forced.by.pinned.pages") > 2,
          "the load's working commits were made durable by their pending pages: " + d);
      for (int i = n; i < n + tail; i++) {
        ids[i] = random.nextLong();
        e.put(key(ids[i]), value(ids[i]), Durability.BUFFERED);
      }
      e.failStop().stop("simulated crash", null);
    } finally {
      crashed.close();
    }
    Meta newest = newestMeta();
    assertTrue(
        newest.logGeneration() != 0 && newest.logRecords() > 0,
        "the newest meta holds part of the log: generation "
            + newest.logGeneration()
            + ", "
            + newest.logRecords()
            + " records");
    Path logFile = dir.resolve(WriteLog.NAME);
    Path dataFile = dir.resolve(PageFile.NAME);
    byte[] logged = Files.readAllBytes(logFile);
    byte[] data = Files.readAllBytes(dataFile);
    try (BtreeEngine e = TestStores.open(dir, settings, false)) {
      for (int i = 0; i < n + tail; i++) {
        assertArrayEquals(value(ids[i]), e.get(key(ids[i])), "put " + i + " (seed " + seed + ")");
      }
      assertConsistent(e);
    }
    // The same crash, with the record after the meta's part torn: the meta's state and nothing
    // logged after it (each put was a record of its own).
    Files.write(dataFile, data);
    // NB: when no writer logged between such a commit's pages and its meta's force, the log was
    // cut after it: its records, of the meta's own generation, all follow the meta's state.
    long generation =
        java.nio.ByteBuffer.wrap(logged, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    long held = generation == newest.txid() ? 0 : newest.logRecords();
    int offset = recordOffset(logged, held);
    assertTrue(offset < logged.length, "records follow the meta's part of the log");
    logged[offset + WriteLog.HEADER + 2] ^= 1;
    Files.write(logFile, logged);
    int last = (int) held - 1; // NB: the log's records since its generation began, one a put
    int first = n + tail - (int) recordsIn(logged); // the put of the log's first record
    try (BtreeEngine e = TestStores.open(dir, settings, false)) {
      if (last >= 0) {
        assertArrayEquals(value(ids[first + last]), e.get(key(ids[first + last])));
      }
      int torn = first + last + 1;
      if (isLastWrite(ids, torn)) {
        assertNull(e.get(key(ids[torn])), "the torn record is not replayed (seed " + seed + ")");
      }
      assertConsistent(e);
    }
  }

  /**
   * Power cuts at mutations spread over a run of {@code BUFFERED} puts over 2,000 keys, with a
   * cursor every 60 puts (a commit of the working transaction's pages: after a few, the pages
   * waiting for a durable meta make one durable, behind the writers) and a flush every 1,500: each
   * reopen, in a crash mode drawn from the seed, holds exactly the puts of steps 0 to j for one j,
   * no earlier than the last flush that returned (in a crash of the process, than the last put
   * acknowledged), and is consistent.
   */
  @Test
  void aPowerCutAroundCommitsForcedBehindTheWritersLeavesAPrefix() throws Exception {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println(
        "BackgroundCommitTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    int steps = 3000;
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path store = fs.root().resolve("store");
      try (BtreeEngine e = TestStores.open(store)) {
        e.put(stepKey(-1), stepValue(-1), Durability.SYNC);
      }
      DiskImage base = fs.image();
      long total;
      long deferred;
      try (BtreeEngine e = TestStores.open(store)) {
        long m0 = fs.faults().mutations();
        runSteps(e, steps, new int[2]);
        total = fs.faults().mutations() - m0;
        deferred = e.statistics().details().get("syncs.forced.by.pinned.pages");
      }
      assertTrue(deferred >= 3, deferred + " commits made durable behind the writers");
      int[] progress = {-1, -1}; // last step acknowledged, last step a returned flush covers
      PowerCuts.run(
          fs,
          base,
          store,
          seed,
          total,
          PowerCuts.points(total, 40, 0),
          e -> {
            progress[0] = -1;
            progress[1] = -1;
            runSteps(e, steps, progress);
          },
          done -> "acknowledged through step " + progress[0] + ", flushed through " + progress[1],
          (after, cut) -> {
            String at = cut.at();
            TreeMap<String, Integer> found = new TreeMap<>();
            int j = -1;
            try (Cursor c = after.cursor(KeyRange.all(), Direction.FORWARD)) {
              while (c.next()) {
                int step = java.nio.ByteBuffer.wrap(c.value()).getInt();
                found.put(TestStores.s(c.key()), step);
                j = Math.max(j, step);
              }
            }
            assertEquals(expectedAfter(j), found, at + ": a prefix, through step " + j);
            int lower = cut.mode() == CrashMode.PROCESS ? progress[0] : progress[1];
            assertTrue(j >= lower, at + ": reopened through step " + j + ", below " + lower);
            assertTrue(j <= progress[0] + 1, at + ": step " + j + " was never acknowledged");
            assertConsistent(after);
          });
      fs.assertNoOpenHandles();
    }
  }

  private static int keyOf(int step) {
    return new SplittableRandom(step * 31L + 7).nextInt(2000);
  }

  private static byte[] stepKey(int k) {
    return TestStores.b(String.format("key%08d", k));
  }

  /** A value stamped with the step that wrote it. */
  private static byte[] stepValue(int step) {
    byte[] v = new byte[100];
    java.nio.ByteBuffer.wrap(v).putInt(step);
    return v;
  }

  private static void runSteps(BtreeEngine e, int steps, int[] progress) {
    for (int i = 0; i < steps; i++) {
      e.put(stepKey(keyOf(i)), stepValue(i), Durability.BUFFERED);
      progress[0] = i;
      if (i % 1500 == 1499) {
        e.flush();
        progress[1] = i;
      } else if (i % 60 == 59) {
        try (Cursor c = e.cursor(KeyRange.all(), Direction.FORWARD)) {
          c.next();
        }
      }
    }
  }

  /** The keys and the step that last wrote each, after steps 0 to {@code j}. */
  private static TreeMap<String, Integer> expectedAfter(int j) {
    TreeMap<String, Integer> m = new TreeMap<>();
    m.put(TestStores.s(stepKey(-1)), -1);
    for (int i = 0; i <= j; i++) {
      m.put(TestStores.s(stepKey(keyOf(i))), i);
    }
    return m;
  }

  /** Whether no later put wrote the key of put {@code i} (random keys: nearly always). */
  private static boolean isLastWrite(long[] ids, int i) {
    for (int j = 0; j < ids.length; j++) {
      if (j != i && ids[j] == ids[i]) {
        return false;
      }
    }
    return true;
  }

  private static int recordOffset(byte[] log, long index) {
    int at = 0;
    for (long r = 0; r < index; r++) {
      at += WriteLog.HEADER + lengthAt(log, at);
    }
    return at;
  }

  private static long recordsIn(byte[] log) {
    long count = 0;
    int at = 0;
    while (at + WriteLog.HEADER <= log.length) {
      at += WriteLog.HEADER + lengthAt(log, at);
      count++;
    }
    return count;
  }

  private static int lengthAt(byte[] log, int at) {
    return java.nio.ByteBuffer.wrap(log, at + 4, 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .getInt();
  }

  private Meta newestMeta() throws IOException {
    Meta best = null;
    for (int slot = 0; slot < Meta.SLOTS; slot++) {
      byte[] b = new byte[PAGE];
      try (RandomAccessFile f = new RandomAccessFile(dir.resolve(PageFile.NAME).toFile(), "r")) {
        f.seek((long) slot * PAGE);
        f.readFully(b);
      }
      Meta m = Meta.decode(b, slot, new StringBuilder());
      if (m != null && (best == null || m.txid() > best.txid())) {
        best = m;
      }
    }
    assertNotNull(best, "a valid meta");
    return best;
  }

  private static byte[] key(long id) {
    return java.nio.ByteBuffer.allocate(16).putLong(id).putLong(~id).array();
  }

  private static byte[] value(long id) {
    byte[] v = new byte[100];
    new SplittableRandom(id).nextBytes(v);
    return v;
  }
}
