package dev.cairn.runtime.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog file's format: what it writes, and that every defect is named, never skipped. */
class CatalogFileTest {

  @TempDir Path dir;

  static Catalog sample() {
    return new Catalog(
        7,
        12,
        List.of(
            new Catalog.Store("sessions-1", "hash", "", Map.of("merge.interval", "1h")),
            new Catalog.Store("main-2", "lsm", "main", Map.of()),
            new Catalog.Store("catalog-3", "btree", "", Map.of())),
        List.of(
            new Catalog.Named("sessions", "sessions-1", "default"),
            new Catalog.Named("events", "main-2", "events"),
            new Catalog.Named("orders", "main-2", "orders"),
            new Catalog.Named("catalog", "catalog-3", "default")),
        List.of(
            new Catalog.Retired("old", "old-4", "memory", ""),
            new Catalog.Retired("gone", "main-2", "lsm", "gone")));
  }

  @Test
  void aCatalogReadsBackAsWritten() {
    Catalog c = sample();
    CatalogFile.write(dir, c);
    assertEquals(c, CatalogFile.read(dir).orElseThrow());
    assertTrue(Files.exists(dir.resolve(CatalogFile.FILE_NAME)));
    assertTrue(Files.notExists(dir.resolve(CatalogFile.TEMP_NAME)));
  }

  @Test
  void noCatalogFileReadsAsNone() {
    assertTrue(CatalogFile.read(dir).isEmpty());
  }

  @Test
  void theHeaderIsTheDocumentedOne() {
    byte[] bytes = CatalogFile.encode(Catalog.empty());
    // magic "CAIRNDBC", version 1, body length 18 (generation 8, next number 4, three counts 2)
    assertEquals("CAIRNDBC", new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, b.getShort(8));
    assertEquals(18, b.getInt(10));
    assertEquals(14 + 18 + 4, bytes.length);
    assertEquals(1L, b.getLong(14));
    assertEquals(1, b.getInt(22));
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    assertEquals((int) crc.getValue(), b.getInt(bytes.length - 4));
    // docs/formats/database-catalog.md's example, byte for byte
    assertEquals(
        "434149524e444243"
            + "0100"
            + "12000000"
            + "0100000000000000"
            + "01000000"
            + "000000000000"
            + "5294fe5a",
        java.util.HexFormat.of().formatHex(bytes));
  }

  @Test
  void everyFlippedBitIsCaughtAndNamed() {
    byte[] good = CatalogFile.encode(sample());
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Path file = dir.resolve("catalog-" + i);
      StorageException e =
          assertThrows(StorageException.class, () -> CatalogFile.decode(bad, file), "byte " + i);
      // NB: the version field too: the checksum covers it and is checked first.
      assertTrue(e instanceof CorruptionException, "byte " + i + ": " + e);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
  }

  @Test
  void aTornOrTruncatedCatalogIsCorruptNeverEmpty() throws Exception {
    byte[] good = CatalogFile.encode(sample());
    for (int length : new int[] {0, 1, 8, 13, 17, good.length / 2, good.length - 1}) {
      Files.write(dir.resolve(CatalogFile.FILE_NAME), Arrays.copyOf(good, length));
      CorruptionException e =
          assertThrows(CorruptionException.class, () -> CatalogFile.read(dir), "length " + length);
      assertTrue(e.getMessage().contains(dir.resolve(CatalogFile.FILE_NAME).toString()));
      assertTrue(
          e.getMessage().contains("torn or truncated")
              || e.getMessage().contains("shorter than any catalog"),
          e.getMessage());
    }
    byte[] longer = Arrays.copyOf(good, good.length + 3);
    Files.write(dir.resolve(CatalogFile.FILE_NAME), longer);
    assertThrows(CorruptionException.class, () -> CatalogFile.read(dir));
  }

  @Test
  void aNewerVersionIsRefusedNamingBothVersions() throws Exception {
    byte[] bytes = withChecksum(CatalogFile.encode(sample()), 8, (byte) 2);
    Files.write(dir.resolve(CatalogFile.FILE_NAME), bytes);
    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> CatalogFile.read(dir));
    assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    assertTrue(e.getMessage().contains("reads, 1"), e.getMessage());
    assertTrue(e.getMessage().contains(CatalogFile.FILE_NAME), e.getMessage());
  }

  @Test
  void versionZeroIsCorrupt() {
    byte[] bytes = withChecksum(CatalogFile.encode(sample()), 8, (byte) 0);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> CatalogFile.decode(bytes, dir));
    assertTrue(e.getMessage().contains("version 0"), e.getMessage());
  }

  @Test
  void aWellFormedButInconsistentCatalogIsCorrupt() {
    // A keyspace on a store the catalog does not list: checksummed fine, still damage.
    Catalog broken =
        new Catalog(
            2,
            3,
            List.of(),
            List.of(new Catalog.Named("events", "events-1", "default")),
            List.of());
    assertEquals("keyspace 'events' is on store 'events-1', which is not listed", broken.problem());
    byte[] bytes = encodeUnchecked(broken);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> CatalogFile.decode(bytes, dir));
    assertTrue(e.getMessage().contains("not listed"), e.getMessage());
  }

  @Test
  void namesThatCouldEscapeTheDirectoryAreCorrupt() {
    Catalog c =
        new Catalog(
            2,
            3,
            List.of(new Catalog.Store("..", "hash", "", Map.of())),
            List.of(new Catalog.Named("events", "..", "default")),
            List.of());
    assertTrue(c.problem().contains("invalid"), c.problem());
    assertThrows(CorruptionException.class, () -> CatalogFile.decode(encodeUnchecked(c), dir));
  }

  @Test
  void anOwnedStoreUsedTwiceIsCorrupt() {
    Catalog c =
        new Catalog(
            2,
            3,
            List.of(new Catalog.Store("a-1", "hash", "", Map.of())),
            List.of(new Catalog.Named("a", "a-1", "default"), new Catalog.Named("b", "a-1", "x")),
            List.of());
    assertTrue(c.problem() != null);
  }

  /** {@code bytes} with byte {@code at} set to {@code value} and the checksum recomputed. */
  private static byte[] withChecksum(byte[] bytes, int at, byte value) {
    byte[] b = bytes.clone();
    b[at] = value;
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
    return b;
  }

  /** The format's bytes for a catalog {@link CatalogFile#encode} would refuse. */
  private static byte[] encodeUnchecked(Catalog broken) {
    Catalog valid = Catalog.empty();
    byte[] empty = CatalogFile.encode(valid);
    // Body: generation, next number, stores, keyspaces, retired, written by hand.
    ByteBuffer body = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    body.putLong(broken.generation()).putInt(broken.nextNumber());
    body.putShort((short) broken.stores().size());
    for (Catalog.Store s : broken.stores()) {
      str(body, s.directory());
      str(body, s.engine());
      str(body, s.shared());
      body.putShort((short) 0);
    }
    body.putShort((short) broken.keyspaces().size());
    for (Catalog.Named k : broken.keyspaces()) {
      str(body, k.name());
      str(body, k.store());
      str(body, k.engineKeyspace());
    }
    body.putShort((short) 0);
    int length = body.position();
    ByteBuffer out = ByteBuffer.allocate(14 + length + 4).order(ByteOrder.LITTLE_ENDIAN);
    out.put(empty, 0, 10).putInt(length).put(body.array(), 0, length);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  private static void str(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    b.putShort((short) bytes.length).put(bytes);
  }
}
