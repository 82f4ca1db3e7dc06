package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.files;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

  @TempDir Path dir;

  private static final Map<String, String> SMALL = Map.of("file.size", "4k");

  private void fill(HashEngine e, int n, String prefix) {
    for (int i = 0; i < n; i++) {
      e.put(b("k" + i), b(prefix + i), Durability.BUFFERED);
    }
  }

  private void expect(HashEngine e, int n, String prefix) {
    for (int i = 0; i < n; i++) {
      assertEquals(prefix + i, s(e.get(b("k" + i))), "k" + i);
    }
    assertTrue(
        e.checkConsistency().isConsistent(), () -> e.checkConsistency().problems().toString());
  }

  @Test
  void aCleanCloseLeavesAHintForEveryDataFileAndReopenReadsThem() {
    try (HashEngine e = open(dir, SMALL)) {
      fill(e, 500, "v");
      e.delete(b("k7"));
      e.runBackgroundCycle();
    }
    List<Path> data = files(dir, ".data");
    assertTrue(data.size() > 3, "expected several data files, got " + data);
    assertEquals(data.size(), files(dir, ".hint").size());
    try (HashEngine e = open(dir, SMALL)) {
      assertNull(e.get(b("k7")));
      e.put(b("k7"), b("v7"));
      expect(e, 500, "v");
    }
  }

  @Test
  void aMissingOrDamagedHintFallsBackToTheDataFile() throws IOException {
    try (HashEngine e = open(dir, SMALL)) {
      fill(e, 300, "v");
      fill(e, 100, "w");
      e.delete(b("k250"));
      e.runBackgroundCycle();
    }
    List<Path> hints = files(dir, ".hint");
    Files.delete(hints.get(0));
    byte[] bytes = Files.readAllBytes(hints.get(1));
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(hints.get(1), bytes);
    Path last = hints.get(hints.size() - 1);
    Files.write(last, java.util.Arrays.copyOf(Files.readAllBytes(last), 20));
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        String want = i == 250 ? null : (i < 100 ? "w" : "v") + i;
        assertEquals(want, s(e.get(b("k" + i))), "k" + i);
      }
      e.runBackgroundCycle(); // rewrites the damaged hints from the data files read instead
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
    }
    assertEquals(files(dir, ".data").size(), files(dir, ".hint").size());
  }

  @Test
  void aTornTailIsCutAtTheFirstBadRecordAndNeverReadPast() throws IOException {
    try (HashEngine e = open(dir, Map.of())) {
      fill(e, 50, "v");
    }
    Path newest = files(dir, ".data").getLast();
    Files.delete(newest.resolveSibling(newest.getFileName().toString().replace(".data", ".hint")));
    long good = Files.size(newest);
    // A torn append: a plausible header promising more than was written, then garbage.
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ByteBuffer junk = ByteBuffer.allocate(40);
      junk.putInt(0, 0x12345678).putInt(4, 1 << 20).put(8, (byte) 1);
      ch.write(junk, good);
    }
    try (HashEngine e = open(dir, Map.of())) {
      expect(e, 50, "v");
    }
    assertEquals(good, Files.size(newest));
  }

  @Test
  void aBatchCutShortByACrashVanishesWhole() throws IOException {
    try (HashEngine e = open(dir, Map.of())) {
      fill(e, 20, "v");
      e.write(
          new WriteBatch().put(b("k1"), b("batch")).delete(b("k2")).put(b("new"), b("n")),
          Durability.SYNC);
    }
    Path newest = files(dir, ".data").getLast();
    Files.delete(newest.resolveSibling(newest.getFileName().toString().replace(".data", ".hint")));
    long size = Files.size(newest);
    // Cut inside the batch's last record: its first two records are whole but uncommitted.
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3);
    }
    try (HashEngine e = open(dir, Map.of())) {
      expect(e, 20, "v");
      assertNull(e.get(b("new")));
    }
  }

  @Test
  void damageInsideAnOlderFileIsReportedNotCut() throws IOException {
    try (HashEngine e = open(dir, SMALL)) {
      fill(e, 300, "v");
    }
    Path older = files(dir, ".data").getFirst();
    Files.deleteIfExists(
        older.resolveSibling(older.getFileName().toString().replace(".data", ".hint")));
    byte[] bytes = Files.readAllBytes(older);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(older, bytes);
    assertThrows(CorruptionException.class, () -> open(dir, SMALL).close());
  }

  @Test
  void anotherEnginesManifestOrANewerFormatIsRefused() throws IOException {
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("a"), b("1"));
    }
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    byte[] good = Files.readAllBytes(manifest);
    byte[] newer = good.clone();
    newer[8] = 9;
    fixChecksum(newer);
    Files.write(manifest, newer);
    assertThrows(IncompatibleVersionException.class, () -> open(dir, Map.of()).close());
    byte[] other = good.clone();
    other[13] = 'l';
    other[14] = 's';
    other[15] = 'm';
    other[16] = '!';
    fixChecksum(other);
    Files.write(manifest, other);
    assertThrows(IncompatibleVersionException.class, () -> open(dir, Map.of()).close());
  }

  private static void fixChecksum(byte[] m) {
    int end = m.length - 4;
    int crc =
        dev.cairn.engine.toolkit.Crc32c.mask(dev.cairn.engine.toolkit.Crc32c.value(m, 0, end));
    ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(end, crc);
  }

  @Test
  void aReadOnlyStoreReadsButRefusesWrites() {
    try (HashEngine e = open(dir, Map.of())) {
      fill(e, 10, "v");
    }
    try (HashEngine e = open(dir, Map.of(), true)) {
      expect(e, 10, "v");
      assertThrows(ReadOnlyStoreException.class, () -> e.put(b("x"), b("y")));
      assertThrows(ReadOnlyStoreException.class, () -> e.delete(b("x")));
      e.flush();
    }
  }

  @Test
  void readOnlyOpensShareTheStoreAndAWriterAndReadersKeepEachOtherOut() {
    try (HashEngine e = open(dir, Map.of())) {
      fill(e, 10, "v");
      assertThrows(
          dev.cairn.spi.StoreLockedException.class, () -> open(dir, Map.of(), true).close());
    }
    try (HashEngine r1 = open(dir, Map.of(), true);
        HashEngine r2 = open(dir, Map.of(), true)) {
      expect(r1, 10, "v");
      expect(r2, 10, "v");
      assertThrows(dev.cairn.spi.StoreLockedException.class, () -> open(dir, Map.of()).close());
    }
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("k0"), b("w0"));
    }
  }

  @Test
  void anInterruptedCallerNeitherBreaksReadsNorWrites() {
    try (HashEngine e = open(dir, Map.of())) {
      fill(e, 10, "v");
      Thread.currentThread().interrupt();
      try {
        assertEquals("v3", s(e.get(b("k3"))));
        e.put(b("k3"), b("w3"), Durability.SYNC);
        assertEquals("w3", s(e.get(b("k3"))));
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
      } finally {
        Thread.interrupted();
      }
      assertEquals("w3", s(e.get(b("k3"))));
      assertFalse(Thread.currentThread().isInterrupted());
    }
  }
}
