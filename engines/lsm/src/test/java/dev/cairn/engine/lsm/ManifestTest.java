package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.engine.toolkit.RecordWriter;
import dev.cairn.spi.CorruptionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version edits, the manifest and CURRENT: round trips, torn tails, and damage refused. */
class ManifestTest {

  @TempDir Path dir;

  private static FileMeta meta(long number) {
    return new FileMeta(
        number,
        1000 + number,
        new InternalKey(new byte[] {0, 'a'}, InternalKey.trailer(5, InternalKey.PUT)),
        new InternalKey(new byte[] {0, 'z'}, InternalKey.trailer(3, InternalKey.DELETE)),
        3,
        5,
        7);
  }

  private static VersionEdit edit() {
    VersionEdit e = new VersionEdit().addTable(0, meta(9)).addTable(3, meta(10)).deleteTable(1, 4);
    e.logNumber = 8;
    e.nextFile = 11;
    e.lastSequence = 99;
    return e;
  }

  @Test
  void anEditRoundTrips() {
    VersionEdit back = VersionEdit.decode(edit().encode(), "x");
    assertEquals(edit().toString(), back.toString());
    assertEquals(meta(10), back.added.get(1).meta());
  }

  @Test
  void aTableWithRangeTombstonesRoundTripsWithItsCountAndSentinel() {
    FileMeta m =
        new FileMeta(
            12,
            500,
            new InternalKey(new byte[] {0, 'a'}, InternalKey.trailer(6, InternalKey.RANGE_DELETE)),
            InternalKey.rangeSentinel(new byte[] {0, 'q'}),
            2,
            6,
            0,
            3);
    byte[] bytes = new VersionEdit().addTable(2, m).encode();
    assertEquals(VersionEdit.NEW_TABLE_WITH_RANGE_TOMBSTONES, bytes[0]);
    VersionEdit back = VersionEdit.decode(bytes, "x");
    assertEquals(m, back.added.getFirst().meta());
    assertTrue(back.added.getFirst().meta().largest().isRangeSentinel());
    assertEquals(VersionEdit.NEW_TABLE, new VersionEdit().addTable(2, meta(1)).encode()[0]);
    byte[] zero = bytes.clone();
    zero[zero.length - 1] = 0; // a count of 0 under tag 9
    assertThrows(CorruptionException.class, () -> VersionEdit.decode(zero, "x"));
  }

  @Test
  void everyCutOrFlipOfAnEditIsCorruptionOrParsesSafely() {
    byte[] bytes = edit().encode();
    SplittableRandom rnd = new SplittableRandom(1);
    for (int trial = 0; trial < 2000; trial++) {
      byte[] b =
          trial % 2 == 0
              ? Arrays.copyOf(bytes, rnd.nextInt(bytes.length))
              : flip(bytes, rnd.nextInt(bytes.length), rnd.nextInt(8));
      try {
        VersionEdit.decode(b, "edit");
      } catch (CorruptionException expected) {
        assertTrue(expected.getMessage().startsWith("edit"), expected.getMessage());
      }
    }
  }

  private static byte[] flip(byte[] b, int at, int bit) {
    byte[] c = b.clone();
    c[at] ^= (byte) (1 << bit);
    return c;
  }

  @Test
  void aHostileKeyLengthIsCorruptionNotAnAllocation() {
    byte[] b = {VersionEdit.NEW_TABLE, 0, 1, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F};
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> VersionEdit.decode(b, "m"));
    assertTrue(e.getMessage().contains("a key of"), e.getMessage());
  }

  @Test
  void currentRoundTripsAndDamageIsRefused() throws IOException {
    Manifest.writeCurrent(dir, 12);
    assertEquals(12, Manifest.readCurrent(dir));
    Path current = dir.resolve(FileNames.CURRENT);
    byte[] clean = Files.readAllBytes(current);
    for (int i = 0; i < clean.length; i++) {
      Files.write(current, flip(clean, i, 2));
      assertThrows(
          dev.cairn.spi.StorageException.class, () -> Manifest.readCurrent(dir), "byte " + i);
    }
    Files.write(current, Arrays.copyOf(clean, 10));
    assertThrows(CorruptionException.class, () -> Manifest.readCurrent(dir));
  }

  @Test
  void aTornLastEditIsDroppedAndEarlierDamageIsNot() throws IOException {
    VersionEdit first = new VersionEdit().addTable(0, meta(2));
    try (RecordWriter w = Manifest.create(dir, 1, first)) {
      VersionEdit second = new VersionEdit().addTable(0, meta(3));
      w.append(Manifest.EDIT, second.encode());
      w.sync();
    }
    Path p = FileNames.manifest(dir, 1);
    byte[] clean = Files.readAllBytes(p);
    Manifest.Replay whole = Manifest.read(dir, 1);
    assertEquals(2, whole.edits().size());
    assertNull(whole.tornTail());

    Files.write(p, Arrays.copyOf(clean, clean.length - 3));
    Manifest.Replay torn = Manifest.read(dir, 1);
    assertEquals(1, torn.edits().size(), "the torn last edit is dropped");
    assertNotNull(torn.tornTail());

    Files.write(p, Arrays.copyOf(clean, 40)); // into the first edit, forced before CURRENT
    assertThrows(CorruptionException.class, () -> Manifest.read(dir, 1));
    Files.delete(p);
    assertThrows(CorruptionException.class, () -> Manifest.read(dir, 1));
  }
}
