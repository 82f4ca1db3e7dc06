package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.files;
import static dev.cairn.engine.lsm.TestStores.open;
import static dev.cairn.engine.lsm.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a store: what a crash leaves is repaired, anything else is refused as damage. */
class RecoveryTest {

  @TempDir Path dir;

  /** Large memtables: nothing flushes unless asked. */
  private static final Map<String, String> BIG = Map.of("memtable.size", "64m");

  @Test
  void reopeningReplaysTheLogIntoATableAndDeletesIt() {
    try (LsmEngine e = open(dir, BIG)) {
      for (int i = 0; i < 100; i++) {
        e.put(b("k" + i), b("v" + i));
      }
      e.delete(b("k7"));
    }
    assertEquals(1, files(dir, ".wal").size());
    try (LsmEngine e = open(dir, BIG)) {
      assertEquals("v3", s(e.get(b("k3"))));
      assertNull(e.get(b("k7")));
      assertEquals(1, files(dir, ".wal").size(), "the replayed log is gone, a new one started");
      assertEquals(1, files(dir, ".sst").size(), "the replayed writes are in a table");
      assertEquals(101, e.statistics().details().get("sequence"));
      e.put(b("k100"), b("v100"));
    }
    try (LsmEngine e = open(dir, BIG)) {
      assertEquals("v100", s(e.get(b("k100"))));
      assertEquals(102, e.statistics().details().get("sequence"), "sequences go on");
    }
  }

  /** The close record is gone and the last write cut: a torn tail, dropped; the rest stays. */
  @Test
  void aTornTailOfTheNewestLogIsDropped() throws IOException {
    try (LsmEngine e = open(dir, BIG)) {
      e.put(b("a"), b("1"), Durability.SYNC);
      e.put(b("b"), b("2"), Durability.SYNC);
      e.put(b("c"), new byte[5000], Durability.BUFFERED);
    }
    Path wal = files(dir, ".wal").getFirst();
    byte[] bytes = Files.readAllBytes(wal);
    Files.write(wal, java.util.Arrays.copyOf(bytes, bytes.length - 2000));
    try (LsmEngine e = open(dir, BIG)) {
      assertEquals("1", s(e.get(b("a"))));
      assertEquals("2", s(e.get(b("b"))));
      assertNull(e.get(b("c")), "the torn write is dropped, never misread");
      assertTrue(e.checkConsistency().isConsistent());
    }
  }

  /** A damaged record that a later record says was forced: corruption, naming file and offset. */
  @Test
  void damageBeforeForcedBytesOfTheNewestLogIsCorruption() throws IOException {
    try (LsmEngine e = open(dir, BIG)) {
      e.put(b("a"), new byte[100], Durability.SYNC);
      e.put(b("b"), new byte[100], Durability.SYNC);
      e.put(b("c"), new byte[100], Durability.SYNC);
    }
    Path wal = files(dir, ".wal").getFirst();
    byte[] bytes = Files.readAllBytes(wal);
    bytes[60] ^= 1; // inside the first batch record, after the header record
    Files.write(wal, bytes);
    CorruptionException c = assertThrows(CorruptionException.class, () -> open(dir, BIG));
    assertTrue(c.getMessage().contains(wal.getFileName().toString()), c.getMessage());
    assertTrue(c.getMessage().contains("offset"), c.getMessage());
    assertTrue(Files.exists(wal), "the evidence is kept");
  }

  /** Two logs, the older damaged: it was forced before the newer was made, so it is corruption. */
  @Test
  void damageInAnOlderLogIsCorruption() throws IOException {
    Path copy = dir.resolve("copy");
    Path store = dir.resolve("store");
    try (LsmEngine e = open(store, BIG)) {
      e.pauseBackground(true);
      e.put(b("a"), b("1"), Durability.SYNC);
      e.rollMemTable();
      e.put(b("b"), b("2"), Durability.SYNC);
      assertEquals(2, files(store, ".wal").size());
      Files.createDirectory(copy);
      for (Path p : files(store, "")) {
        if (!p.getFileName().toString().equals("LOCK")) {
          Files.copy(p, copy.resolve(p.getFileName()));
        }
      }
    }
    try (LsmEngine e = open(copy, BIG)) {
      assertEquals("1", s(e.get(b("a"))), "a crash with two logs recovers both");
      assertEquals("2", s(e.get(b("b"))));
    }
    Path damaged = dir.resolve("damaged");
    Files.createDirectory(damaged);
    List<Path> wals = files(store, ".wal");
    for (Path p : files(store, "")) {
      if (!p.getFileName().toString().equals("LOCK")) {
        Files.copy(p, damaged.resolve(p.getFileName()));
      }
    }
    Path older = damaged.resolve(wals.getFirst().getFileName());
    byte[] bytes = Files.readAllBytes(older);
    bytes[bytes.length - 3] ^= 1;
    Files.write(older, bytes);
    CorruptionException c = assertThrows(CorruptionException.class, () -> open(damaged, BIG));
    assertTrue(c.getMessage().contains(older.getFileName().toString()), c.getMessage());
  }

  @Test
  void aMissingTableIsCorruption() throws IOException {
    try (LsmEngine e = open(dir, Map.of())) {
      for (int i = 0; i < 500; i++) {
        e.put(b("k" + i), new byte[100]);
      }
      TestStores.settle(e);
    }
    Path table = files(dir, ".sst").getFirst();
    Files.delete(table);
    CorruptionException c = assertThrows(CorruptionException.class, () -> open(dir, Map.of()));
    assertTrue(c.getMessage().contains(table.getFileName().toString()), c.getMessage());
  }

  @Test
  void leftoversAreDeletedAndForeignFilesKept() throws IOException {
    try (LsmEngine e = open(dir, BIG)) {
      e.put(b("a"), b("1"));
    }
    Files.write(dir.resolve("000999.sst"), new byte[10]);
    Files.write(dir.resolve("000000.wal"), new byte[10]); // older than any log needed
    Files.write(dir.resolve("CURRENT.tmp"), new byte[10]);
    Files.write(dir.resolve("MANIFEST-000998"), new byte[10]);
    Files.write(dir.resolve("notes.txt"), new byte[10]);
    try (LsmEngine e = open(dir, BIG)) {
      assertEquals("1", s(e.get(b("a"))));
    }
    assertFalse(Files.exists(dir.resolve("000999.sst")));
    assertFalse(Files.exists(dir.resolve("000000.wal")));
    assertFalse(Files.exists(dir.resolve("CURRENT.tmp")));
    assertFalse(Files.exists(dir.resolve("MANIFEST-000998")));
    assertTrue(Files.exists(dir.resolve("notes.txt")), "a file not the engine's is never touched");
  }

  @Test
  void loggedWritesWithoutCurrentAreCorruptionAndAnUnfinishedCreationStartsOver()
      throws IOException {
    Path a = dir.resolve("a");
    try (LsmEngine e = open(a, BIG)) {
      e.put(b("a"), b("1"));
    }
    Files.delete(a.resolve("CURRENT"));
    CorruptionException c = assertThrows(CorruptionException.class, () -> open(a, BIG));
    assertTrue(c.getMessage().contains("CURRENT"), c.getMessage());

    Path n = dir.resolve("n");
    try (LsmEngine e = open(n, BIG)) {
      assertNull(e.get(b("a")));
    }
    Files.delete(n.resolve("CURRENT")); // a creation cut short: an empty log and a manifest
    try (LsmEngine e = open(n, BIG)) {
      e.put(b("a"), b("1"));
    }
    try (LsmEngine e = open(n, BIG)) {
      assertEquals("1", s(e.get(b("a"))));
    }
  }

  /** Every log exists before a manifest names it: a missing one is damage, even in a new store. */
  @Test
  void theLogTheManifestNamesMustExist() throws IOException {
    try (LsmEngine e = open(dir, BIG)) {
      assertNull(e.get(b("a")));
    }
    Files.delete(files(dir, ".wal").getFirst());
    assertThrows(CorruptionException.class, () -> open(dir, BIG));
  }

  @Test
  void aReadOnlyOpenReplaysWithoutChangingAFile() throws IOException {
    try (LsmEngine e = open(dir, BIG)) {
      e.put(b("a"), b("1"));
    }
    List<Path> before = files(dir, "");
    try (LsmEngine e = open(dir, BIG, true)) {
      assertEquals("1", s(e.get(b("a"))));
    }
    assertEquals(before, files(dir, ""));
  }
}
