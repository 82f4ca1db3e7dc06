package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static dev.cairn.engine.btree.TestStores.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage a power cut can leave in the data file, made by hand on a closed store: a torn meta, a
 * commit whose meta reached the disk without its pages, a commit whose pages reached the disk
 * without its meta, a misdirected page and a stale one. Each is detected; the store opens at the
 * last state wholly on disk, or reports the damage, and never misreads.
 */
class RecoveryTest {

  @TempDir Path dir;

  private static final int PAGE = 4096;

  private Path file() {
    return dir.resolve(PageFile.NAME);
  }

  private byte[] read(long offset, int length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "r")) {
      byte[] b = new byte[length];
      f.seek(offset);
      f.readFully(b);
      return b;
    }
  }

  private void write(long offset, byte[] bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
      f.seek(offset);
      f.write(bytes);
    }
  }

  private Meta meta(int slot) throws IOException {
    return Meta.decode(read((long) slot * PAGE, PAGE), slot, new StringBuilder());
  }

  private int newestSlot() throws IOException {
    Meta m0 = meta(0);
    Meta m1 = meta(1);
    return m1 != null && (m0 == null || m1.txid() > m0.txid()) ? 1 : 0;
  }

  /** Two durable commits: k1 alone, then k2 as well. */
  private void twoCommits() {
    try (BtreeEngine e = TestStores.open(dir)) {
      e.put(b("k1"), b("v1"), Durability.SYNC);
      e.put(b("k2"), b("v2"), Durability.SYNC);
    }
  }

  @Test
  void aTornMetaFallsBackToTheOtherSlot() throws IOException {
    twoCommits();
    int newest = newestSlot();
    byte[] torn = read((long) newest * PAGE, Meta.LENGTH);
    Arrays.fill(torn, 60, Meta.LENGTH, (byte) 0); // the write stopped a third of the way in
    write((long) newest * PAGE, torn);
    try (BtreeEngine e = TestStores.open(dir)) {
      assertArrayEquals(b("v1"), e.get(b("k1")));
      assertNull(e.get(b("k2")), "the torn meta's commit is gone, whole");
      assertEquals(1L, e.statistics().details().get("recovery.fell.back"));
      assertConsistent(e);
      e.put(b("k3"), b("v3"), Durability.SYNC);
    }
    try (BtreeEngine e = TestStores.open(dir)) {
      assertArrayEquals(b("v3"), e.get(b("k3")), "commits go on after the fallback");
      assertArrayEquals(b("v1"), e.get(b("k1")));
      assertConsistent(e);
    }
  }

  @Test
  void bothMetasTornIsReportedAndNothingIsDeleted() throws IOException {
    twoCommits();
    long size = Files.size(file());
    write(100, new byte[8]);
    write(PAGE + 100, new byte[8]);
    CorruptionException x = assertThrows(CorruptionException.class, () -> TestStores.open(dir));
    assertTrue(x.getMessage().contains("no valid meta"), x.getMessage());
    assertEquals(size, Files.size(file()), "the damaged file is kept as it was");
  }

  @Test
  void bufferedWritesComeBackFromTheLogAfterACrashAndATornRecordEndsThem() throws IOException {
    try (BtreeEngine e = TestStores.open(dir)) {
      e.put(b("k1"), b("v1"), Durability.SYNC);
      e.put(b("k2"), b("v2"), Durability.BUFFERED);
      e.put(b("k3"), b("v3"), Durability.BUFFERED);
      // BUFFERED writes write no meta: the meta on disk is still the durable one of k1.
      assertEquals(e.readers().current().meta.txid(), e.readers().current().meta.syncedThrough());
      assertArrayEquals(b("v3"), e.get(b("k3")), "a get reads the working state");
      closeWithoutSync(e);
    }
    Path log = dir.resolve(WriteLog.NAME);
    byte[] logged = Files.readAllBytes(log);
    try (BtreeEngine e = TestStores.open(dir)) {
      assertArrayEquals(b("v2"), e.get(b("k2")), "a process crash keeps BUFFERED writes: replayed");
      assertArrayEquals(b("v3"), e.get(b("k3")));
      assertConsistent(e);
      closeWithoutSync(e);
    }
    // The replay committed them durably and started the log anew; a log of the older generation
    // put back (as a cut of the file that a power loss undid could leave it) is refused.
    Files.write(log, logged);
    try (BtreeEngine e = TestStores.open(dir)) {
      assertArrayEquals(b("v3"), e.get(b("k3")), "a log of an older generation is not replayed");
      closeWithoutSync(e);
    }
  }

  @Test
  void aTornLogRecordEndsTheReplayAtAPrefix() throws IOException {
    try (BtreeEngine e = TestStores.open(dir)) {
      e.put(b("k1"), b("v1"), Durability.SYNC);
      e.put(b("k2"), b("v2"), Durability.BUFFERED);
      e.put(b("k3"), b("v3"), Durability.BUFFERED);
      e.put(b("k4"), b("v4"), Durability.BUFFERED);
      closeWithoutSync(e);
    }
    Path log = dir.resolve(WriteLog.NAME);
    byte[] logged = Files.readAllBytes(log);
    assertEquals(0, logged.length % 3, "three records of one size");
    int first = logged.length / 3;
    logged[first + WriteLog.HEADER + 3] ^= 1; // a byte of the second record's payload
    Files.write(log, logged);
    try (BtreeEngine e = TestStores.open(dir)) {
      assertArrayEquals(b("v1"), e.get(b("k1")), "the durable state is whole");
      assertArrayEquals(b("v2"), e.get(b("k2")), "the record before the torn one is replayed");
      assertNull(e.get(b("k3")), "the torn record is not");
      assertNull(e.get(b("k4")), "nor any after it: a prefix");
      assertConsistent(e);
    }
  }

  /** Closes the store as a crash would: its last BUFFERED meta stays unsynced-through. */
  private static void closeWithoutSync(BtreeEngine e) {
    e.failStop().stop("simulated crash", null);
    e.close();
  }

  @Test
  void pagesWrittenWithoutTheirMetaLeaveTheOldState() throws IOException {
    try (BtreeEngine e = TestStores.open(dir)) {
      e.put(b("k1"), b("v1"), Durability.SYNC);
      for (int i = 0; i < 200; i++) {
        e.put(b("more" + i), new byte[100], Durability.BUFFERED);
      }
      e.flush();
    }
    byte[] before = Files.readAllBytes(file());
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < 20; i++) {
        e.put(b("more" + i), b("changed"), Durability.BUFFERED);
      }
      e.put(b("k2"), b("v2"), Durability.SYNC);
      closeWithoutSync(e);
    }
    // The crash came after the last commit's data sync and before its meta write: the slots hold
    // what they held before it.
    write(0, Arrays.copyOfRange(before, 0, 2 * PAGE));
    try (BtreeEngine e = TestStores.open(dir)) {
      assertArrayEquals(b("v1"), e.get(b("k1")));
      assertArrayEquals(new byte[100], e.get(b("more0")));
      assertNull(e.get(b("k2")));
      assertConsistent(e);
      e.put(b("k3"), b("v3"), Durability.SYNC);
      assertConsistent(e);
    }
  }

  /** The leaves of the default keyspace's tree, as {page id, txid}, in key order. */
  private java.util.List<long[]> leaves() {
    java.util.List<long[]> out = new java.util.ArrayList<>();
    try (BtreeEngine e = TestStores.open(dir)) {
      Catalog.Root r = e.readers().current().catalog.root("default");
      collect(e.pager(), r.pageId(), r.txid(), out);
    }
    return out;
  }

  private static void collect(Pager pager, long id, long txid, java.util.List<long[]> out) {
    Node n = pager.readNode(id, txid);
    if (n.leaf) {
      out.add(new long[] {id, txid});
      return;
    }
    for (Node.Child c : n.children) {
      collect(pager, c.pageId(), c.txid(), out);
    }
  }

  private void fill() {
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < 300; i++) {
        e.put(b(String.format("key%04d", i)), new byte[60], Durability.BUFFERED);
      }
    }
  }

  private static void scanAll(BtreeEngine e) {
    try (Cursor c = e.cursor()) {
      while (c.next()) {
        assertNotNull(c.value());
      }
    }
  }

  @Test
  void aMisdirectedPageIsDetectedNotMisread() throws IOException {
    fill();
    java.util.List<long[]> leaves = leaves();
    assertTrue(leaves.size() >= 2, "two leaves to work on");
    long from = leaves.get(0)[0];
    long to = leaves.get(1)[0];
    write(to * PAGE, read(from * PAGE, PAGE)); // leaf 0's content landed at leaf 1's place
    try (BtreeEngine e = TestStores.open(dir)) {
      CorruptionException x = assertThrows(CorruptionException.class, () -> scanAll(e));
      assertTrue(x.getMessage().contains("misdirected"), x.getMessage());
      var report = e.checkConsistency();
      assertTrue(
          report.problems().stream().anyMatch(p -> p.contains("misdirected")),
          () -> "the check reports it: " + report.problems());
    }
  }

  @Test
  void aStalePageIsDetectedNotMisread() throws IOException {
    fill();
    long[] leaf = leaves().get(1);
    // What the page held before a write of it that never reached the disk: intact, at its place,
    // but from an earlier transaction.
    byte[] page = read(leaf[0] * PAGE, PAGE);
    PageFormat.buffer(page).putLong(PageFormat.TXID_OFFSET, leaf[1] - 1);
    PageFormat.seal(page, PAGE);
    write(leaf[0] * PAGE, page);
    try (BtreeEngine e = TestStores.open(dir)) {
      CorruptionException x = assertThrows(CorruptionException.class, () -> scanAll(e));
      assertTrue(x.getMessage().contains("stale"), x.getMessage());
      var report = e.checkConsistency();
      assertTrue(
          report.problems().stream().anyMatch(p -> p.contains("stale")),
          () -> "the check reports a stale page: " + report.problems());
    }
  }
}
