package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compressed data blocks (format version 2): each codec round-trips, damage is caught by the
 * checksum before a decompressor sees it, bytes that pass a forged checksum are refused as
 * corruption (never an error of another kind), stores mix codecs, and version 1 stores still read.
 */
class CompressionTest {

  @TempDir Path dir;

  private final FsyncGuard guard = new FsyncGuard(new FailStop(Path.of("test")));

  /** Compressible entries: keys {@code k000000}.., values repeating their key's number. */
  private static TreeMap<InternalKey, byte[]> entries(int keys) {
    TreeMap<InternalKey, byte[]> m = new TreeMap<>(InternalKey.ORDER);
    for (int i = 0; i < keys; i++) {
      byte[] k = StoreKeys.of(0, String.format("k%06d", i).getBytes());
      m.put(
          new InternalKey(k, InternalKey.trailer(1, InternalKey.PUT)),
          ("value " + i + " ").repeat(1 + i % 7).getBytes());
    }
    return m;
  }

  private FileMeta write(
      long number, TreeMap<InternalKey, byte[]> m, Compression c, Statistics statistics) {
    try (TableWriter w = new TableWriter(dir, number, 1024, 10, c, statistics)) {
      m.forEach((k, v) -> w.add(k.encode(), v));
      return w.finish(guard);
    }
  }

  private static Table open(Path dir, long number, BlockCache cache) {
    return Table.open(dir, number, -1, cache, new Statistics());
  }

  /** The handles of a table's data blocks, in order. */
  private static List<BlockHandle> dataBlocks(Path dir, long number) {
    Table t = open(dir, number, new BlockCache(0));
    try {
      List<BlockHandle> hs = new ArrayList<>();
      Block.Cursor ic = t.index().cursor();
      for (ic.seekToFirst(); ic.valid(); ic.next()) {
        hs.add(t.handleAt(ic));
      }
      return hs;
    } finally {
      t.close();
    }
  }

  /** The compression byte of each data block of a table, as stored. */
  private static List<Byte> blockTypes(Path dir, long number) throws IOException {
    byte[] file = Files.readAllBytes(FileNames.table(dir, number));
    List<Byte> types = new ArrayList<>();
    for (BlockHandle h : dataBlocks(dir, number)) {
      types.add(file[(int) (h.offset() + h.size())]);
    }
    return types;
  }

  /** Every entry of a table, read in order. */
  private static TreeMap<InternalKey, byte[]> readAll(Table t) {
    TreeMap<InternalKey, byte[]> got = new TreeMap<>(InternalKey.ORDER);
    TableIterator it = t.iterator();
    for (it.seekToFirst(); it.valid(); it.next()) {
      got.put(it.key(), it.value());
    }
    return got;
  }

  /** Replaces the stored bytes of the block at {@code h} and its trailer: a forged checksum. */
  private static void forge(Path file, BlockHandle h, byte[] stored, byte type) throws IOException {
    assertEquals(h.size(), stored.length, "a forged block keeps its size");
    byte[] b = Files.readAllBytes(file);
    System.arraycopy(stored, 0, b, (int) h.offset(), stored.length);
    byte[] trailer = TableFormat.trailer(stored, 0, stored.length, type);
    System.arraycopy(trailer, 0, b, (int) (h.offset() + h.size()), trailer.length);
    Files.write(file, b);
  }

  private static byte[] storedBytes(Path file, BlockHandle h) throws IOException {
    byte[] b = Files.readAllBytes(file);
    return java.util.Arrays.copyOfRange(b, (int) h.offset(), (int) (h.offset() + h.size()));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void eachCodecRoundTripsAndCompressesWhatItCan(Compression c) throws IOException {
    TreeMap<InternalKey, byte[]> m = entries(2000);
    Statistics st = new Statistics();
    write(1, m, c, st);
    List<Byte> types = blockTypes(dir, 1);
    assertTrue(types.size() > 10, types.toString());
    for (byte t : types) {
      assertEquals(c.id(), t, "every block of compressible entries is stored with " + c);
    }
    long raw = st.compressionRawBytes.sum();
    long stored = st.compressionStoredBytes.sum();
    if (c == Compression.NONE) {
      assertEquals(raw, stored);
    } else {
      assertTrue(stored * 2 < raw, c + " stored " + stored + " of " + raw + " bytes");
    }
    BlockCache cache = new BlockCache(1 << 20);
    Table t = open(dir, 1, cache);
    try {
      TreeMap<InternalKey, byte[]> got = readAll(t);
      assertEquals(m.keySet(), got.keySet());
      m.forEach((k, v) -> assertArrayEquals(v, got.get(k), k.toString()));
      for (int i = 0; i < 2000; i += 97) {
        byte[] k = StoreKeys.of(0, String.format("k%06d", i).getBytes());
        assertArrayEquals(("value " + i + " ").repeat(1 + i % 7).getBytes(), t.get(k, 5).value());
      }
      // The cache holds the blocks uncompressed: its bytes are the raw bytes, not the stored.
      long blocks = types.size();
      assertEquals(raw + 64 * blocks, cache.usedBytes());
    } finally {
      t.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Compression.class,
      names = {"LZ4", "ZSTD"})
  void aBlockCompressionBarelyShrinksIsStoredAsItIs(Compression c) throws IOException {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println(
        "aBlockCompressionBarelyShrinksIsStoredAsItIs seed "
            + seed
            + " (replay with -Dcairn.seed="
            + seed
            + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    TreeMap<InternalKey, byte[]> m = new TreeMap<>(InternalKey.ORDER);
    for (int i = 0; i < 300; i++) {
      byte[] v = new byte[100];
      rnd.nextBytes(v);
      m.put(
          new InternalKey(
              StoreKeys.of(0, String.format("r%06d", i).getBytes()),
              InternalKey.trailer(1, InternalKey.PUT)),
          v);
    }
    Statistics st = new Statistics();
    write(2, m, c, st);
    List<Byte> types = blockTypes(dir, 2);
    assertTrue(types.stream().allMatch(t -> t == TableFormat.NO_COMPRESSION), types.toString());
    assertEquals(types.size(), st.compressionSkippedBlocks.sum());
    assertEquals(st.compressionRawBytes.sum(), st.compressionStoredBytes.sum());
    Table t = open(dir, 2, new BlockCache(0));
    try {
      assertEquals(m.size(), readAll(t).size());
    } finally {
      t.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Compression.class,
      names = {"LZ4", "ZSTD"})
  void damageToACompressedBlockIsCaughtByItsChecksum(Compression c) throws IOException {
    write(3, entries(500), c, new Statistics());
    Path file = FileNames.table(dir, 3);
    BlockHandle h = dataBlocks(dir, 3).get(1);
    byte[] b = Files.readAllBytes(file);
    b[(int) h.offset() + (int) h.size() / 2] ^= 0x10;
    Files.write(file, b);
    Table t = open(dir, 3, new BlockCache(0));
    try {
      CorruptionException e = assertThrows(CorruptionException.class, () -> t.block(h));
      assertTrue(e.getMessage().contains("fails its checksum"), e.getMessage());
      assertTrue(
          e.getMessage().contains("000003.sst at offset " + h.offset()),
          "named: " + e.getMessage());
    } finally {
      t.close();
    }
  }

  /**
   * Garbage that passes a (forged) checksum, random or a mutation of a real compressed block,
   * either reads or is refused with a CorruptionException: never another exception, an error or a
   * crash of the JVM.
   */
  @ParameterizedTest
  @EnumSource(
      value = Compression.class,
      names = {"LZ4", "ZSTD"})
  void garbageWithAValidChecksumIsCorruptionNeverACrash(Compression c) throws IOException {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println(
        "garbageWithAValidChecksumIsCorruptionNeverACrash "
            + c
            + " seed "
            + seed
            + " (replay with -Dcairn.seed="
            + seed
            + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    write(4, entries(500), c, new Statistics());
    Path file = FileNames.table(dir, 4);
    byte[] clean = Files.readAllBytes(file);
    BlockHandle h = dataBlocks(dir, 4).get(2);
    byte[] real = storedBytes(file, h);
    int refused = 0;
    int randomRefused = 0;
    int trials = 400;
    for (int trial = 0; trial < trials; trial++) {
      Files.write(file, clean);
      byte[] forged;
      boolean random = trial % 2 == 0;
      if (random) {
        forged = new byte[real.length];
        rnd.nextBytes(forged);
        // the true length first, so the decompressor (not the length check) meets the garbage
        Varints.putUnsignedLong(forged, 0, 1024 + rnd.nextInt(200));
      } else {
        forged = real.clone();
        for (int flips = 1 + rnd.nextInt(4); flips > 0; flips--) {
          forged[2 + rnd.nextInt(forged.length - 2)] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      forge(file, h, forged, c.id());
      Table t = open(dir, 4, new BlockCache(0));
      try {
        Block.Cursor cur = t.block(h).cursor();
        for (cur.seekToFirst(); cur.valid(); cur.next()) {
          cur.value();
        }
      } catch (CorruptionException e) {
        refused++;
        if (random) {
          randomRefused++;
        }
        assertTrue(
            e.getMessage().contains("000004.sst at offset " + h.offset()),
            "trial " + trial + " not named: " + e.getMessage());
      } catch (RuntimeException | Error e) {
        fail("trial " + trial + " (seed " + seed + ") threw " + e, e);
      } finally {
        t.close();
      }
    }
    assertTrue(randomRefused > trials / 2 * 9 / 10, "random garbage refused " + randomRefused);
    assertTrue(refused > trials / 2, "refused " + refused + " of " + trials);
  }

  @ParameterizedTest
  @EnumSource(
      value = Compression.class,
      names = {"LZ4", "ZSTD"})
  void anAbsurdOrWrongUncompressedLengthIsCorruption(Compression c) throws IOException {
    write(5, entries(500), c, new Statistics());
    Path file = FileNames.table(dir, 5);
    byte[] clean = Files.readAllBytes(file);
    BlockHandle h = dataBlocks(dir, 5).get(0);
    byte[] real = storedBytes(file, h);
    ByteBuffer rb = ByteBuffer.wrap(real);
    int length = Varints.getUnsignedInt(rb);
    byte[] payload = java.util.Arrays.copyOfRange(real, rb.position(), real.length);
    for (long declared :
        new long[] {
          Compression.MAX_UNCOMPRESSED + 1L, 0xFFFF_FFFFL, 0x7FFF_FFFFL, length - 1, length + 1, 0
        }) {
      Files.write(file, clean);
      ByteBuffer fb = ByteBuffer.allocate(real.length + 10);
      Varints.putUnsignedLong(fb, declared);
      fb.put(payload);
      // a longer varint takes room from the payload's end: the block keeps its size
      byte[] forged = java.util.Arrays.copyOf(fb.array(), real.length);
      forge(file, h, forged, c.id());
      Table t = open(dir, 5, new BlockCache(0));
      try {
        CorruptionException e = assertThrows(CorruptionException.class, () -> t.block(h));
        assertTrue(e.getMessage().contains("000005.sst at offset " + h.offset()), e.getMessage());
        if (declared > Compression.MAX_UNCOMPRESSED) {
          assertTrue(e.getMessage().contains("above the limit"), e.getMessage());
        }
      } finally {
        t.close();
      }
    }
  }

  @Test
  void anUnknownCompressionByteIsCorruptionEvenWithAValidChecksum() throws IOException {
    write(6, entries(300), Compression.LZ4, new Statistics());
    Path file = FileNames.table(dir, 6);
    BlockHandle h = dataBlocks(dir, 6).get(0);
    forge(file, h, storedBytes(file, h), (byte) 7);
    Table t = open(dir, 6, new BlockCache(0));
    try {
      CorruptionException e = assertThrows(CorruptionException.class, () -> t.block(h));
      assertTrue(e.getMessage().contains("unknown compression 7"), e.getMessage());
    } finally {
      t.close();
    }
  }

  @Test
  void theIndexAndFilterBlocksAreNeverCompressed() throws IOException {
    write(7, entries(2000), Compression.LZ4, new Statistics());
    Path file = FileNames.table(dir, 7);
    byte[] b = Files.readAllBytes(file);
    TableFormat.Footer f =
        TableFormat.readFooter(
            java.util.Arrays.copyOfRange(b, b.length - TableFormat.FOOTER_SIZE, b.length),
            b.length,
            "t");
    assertEquals(FormatVersion.CURRENT, f.version());
    for (BlockHandle h : List.of(f.index(), f.filter())) {
      assertEquals(TableFormat.NO_COMPRESSION, b[(int) (h.offset() + h.size())]);
    }
    // and a compressed one there is refused: the index is read only uncompressed
    forge(file, f.index(), storedBytes(file, f.index()), Compression.LZ4.id());
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> open(dir, 7, new BlockCache(0)));
    assertTrue(e.getMessage().contains("unknown compression 1"), e.getMessage());
  }

  @Test
  void aVersion1TableWithACompressedBlockIsCorruption() throws IOException {
    Path v1 = copyVersion1Store();
    long number =
        TestStores.files(v1, ".sst").stream()
            .mapToLong(CompressionTest::number)
            .min()
            .orElseThrow();
    Path file = FileNames.table(v1, number);
    BlockHandle h = dataBlocks(v1, number).get(0);
    Table clean = open(v1, number, new BlockCache(0));
    try {
      clean.block(h); // reads as it is
    } finally {
      clean.close();
    }
    forge(file, h, storedBytes(file, h), Compression.LZ4.id());
    Table t = open(v1, number, new BlockCache(0));
    try {
      CorruptionException e = assertThrows(CorruptionException.class, () -> t.block(h));
      assertTrue(e.getMessage().contains("unknown compression 1"), e.getMessage());
    } finally {
      t.close();
    }
  }

  @Test
  void aStoreMixesCodecsAcrossReopens() throws IOException {
    Map<String, String> want = new TreeMap<>();
    EnumSet<Compression> seen = EnumSet.noneOf(Compression.class);
    int n = 0;
    for (String codec : List.of("none", "lz4", "zstd", "none", "lz4")) {
      try (LsmEngine e = TestStores.open(dir, Map.of("compression", codec))) {
        assertEquals(Compression.ofSetting(codec), e.settings().compression());
        want.forEach((k, v) -> assertEquals(v, s(e.get(b(k))), k)); // the tables written before
        for (int i = 0; i < 300; i++, n++) {
          String k = String.format("key%05d", (n * 7919) % 2000);
          String v = codec + " value " + n + " " + "x".repeat(n % 50);
          e.put(b(k), b(v), Durability.BUFFERED);
          want.put(k, v);
        }
        e.rollMemTable();
        TestStores.settle(e);
        want.forEach((k, v) -> assertEquals(v, s(e.get(b(k))), k));
        Map<String, Long> st = e.statistics().details();
        if (!codec.equals("none")) {
          assertTrue(st.get("compression.ratio.percent") > 100, st.toString());
          assertTrue(st.get("compression.stored.bytes") < st.get("compression.raw.bytes"));
        }
        assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().toString());
      }
      // The tables are read once the store is closed: a compaction still running while it was
      // open may delete the tables it merged under a reader of the directory.
      for (Path p : TestStores.files(dir, ".sst")) {
        for (byte t : blockTypes(dir, number(p))) {
          seen.add(Compression.ofId(t, "t"));
        }
      }
    }
    assertEquals(EnumSet.allOf(Compression.class), seen, "the tables seen held every codec");
    try (LsmEngine e = TestStores.open(dir, Map.of(), true)) {
      want.forEach((k, v) -> assertEquals(v, s(e.get(b(k))), k));
    }
  }

  @Test
  void anUnknownCodecIsRefusedNamingTheChoices() {
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () -> TestStores.open(dir, Map.of("compression", "gzip")));
    for (String part : List.of("compression", "gzip", "none", "lz4", "zstd")) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  @Test
  void theDefaultIsLz4() {
    try (LsmEngine e =
        (LsmEngine)
            new LsmEngineProvider()
                .open(dev.cairn.spi.EngineOptions.builder().directory(dir).build())) {
      assertEquals(Compression.LZ4, e.settings().compression());
    }
  }

  /**
   * A store written in format version 1 (the test resource {@code v1-store}: 400 keys {@code
   * key00000}.. put, every 7th deleted; four tables and a log) reads read-only without a change,
   * and a read-write open upgrades it: its {@code CURRENT} says version 2 (which an engine reading
   * only version 1 refuses), its old tables still read, and new tables are compressed.
   */
  @Test
  void aVersion1StoreReadsAndIsUpgradedByAWritingOpen() throws IOException {
    Path v1 = copyVersion1Store();
    byte[] current = Files.readAllBytes(v1.resolve(FileNames.CURRENT));
    assertEquals(1, formatOfCurrent(v1));
    try (LsmEngine e = TestStores.open(v1, Map.of(), true)) {
      checkVersion1Contents(e);
    }
    assertArrayEquals(current, Files.readAllBytes(v1.resolve(FileNames.CURRENT)));
    try (LsmEngine e = TestStores.open(v1, Map.of("compression", "lz4"))) {
      assertEquals(FormatVersion.CURRENT.number(), formatOfCurrent(v1));
      checkVersion1Contents(e);
      for (int i = 0; i < 400; i++) {
        e.put(b(String.format("new%05d", i)), b("new value " + i + " ".repeat(40)));
      }
      e.rollMemTable();
      TestStores.settle(e);
      checkVersion1Contents(e);
      assertTrue(e.statistics().details().get("compression.ratio.percent") > 100);
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().toString());
    }
    try (LsmEngine e = TestStores.open(v1, Map.of("compression", "none"))) {
      checkVersion1Contents(e);
      assertEquals("new value 7" + " ".repeat(40), s(e.get(b("new00007"))));
    }
  }

  private static void checkVersion1Contents(LsmEngine e) {
    for (int i = 0; i < 400; i++) {
      String k = String.format("key%05d", i);
      if (i % 7 == 0) {
        assertNull(e.get(b(k)), k);
      } else {
        assertEquals(
            "value " + i + " of the version-1 store, repeated repeated repeated",
            s(e.get(b(k))),
            k);
      }
    }
  }

  private static int formatOfCurrent(Path store) throws IOException {
    byte[] c = Files.readAllBytes(store.resolve(FileNames.CURRENT));
    return ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
  }

  private Path copyVersion1Store() throws IOException {
    Path v1 = dir.resolve("v1");
    Files.createDirectories(v1);
    for (String name :
        List.of(
            "CURRENT",
            "MANIFEST-000018",
            "000007.sst",
            "000012.sst",
            "000017.sst",
            "000023.sst",
            "000021.wal")) {
      try (InputStream in = CompressionTest.class.getResourceAsStream("/v1-store/" + name)) {
        if (in == null) {
          throw new IOException("test resource v1-store/" + name + " is missing");
        }
        Files.copy(in, v1.resolve(name));
      }
    }
    return v1;
  }

  private static long number(Path table) {
    String n = table.getFileName().toString();
    return Long.parseLong(n.substring(0, n.indexOf('.')));
  }
}
