package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Blocks and tables: written and read back, every way; damage is refused, never misread. */
class TableTest {

  @TempDir Path dir;

  private final FsyncGuard guard = new FsyncGuard(new FailStop(Path.of("test")));

  /** Keys {@code k000000}.. with versions: sequence 1 for even keys, 1 and 2 for odd ones. */
  private TreeMap<InternalKey, byte[]> entries(int keys) {
    TreeMap<InternalKey, byte[]> m = new TreeMap<>(InternalKey.ORDER);
    for (int i = 0; i < keys; i++) {
      byte[] k = StoreKeys.of(0, String.format("k%06d", i).getBytes());
      m.put(new InternalKey(k, InternalKey.trailer(1, InternalKey.PUT)), ("v" + i).getBytes());
      if (i % 2 == 1) {
        m.put(new InternalKey(k, InternalKey.trailer(2, InternalKey.DELETE)), new byte[0]);
      }
    }
    return m;
  }

  private FileMeta write(long number, TreeMap<InternalKey, byte[]> m, int blockSize) {
    return write(number, m, blockSize, Compression.NONE);
  }

  private FileMeta write(
      long number, TreeMap<InternalKey, byte[]> m, int blockSize, Compression compression) {
    try (TableWriter w =
        new TableWriter(dir, number, blockSize, 10, compression, new Statistics())) {
      m.forEach((k, v) -> w.add(k.encode(), v));
      return w.finish(guard);
    }
  }

  private Table open(long number, long size) {
    return Table.open(dir, number, size, new BlockCache(1 << 20), new Statistics());
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aTableReadsBackForwardBackwardAndByKey(Compression compression) {
    TreeMap<InternalKey, byte[]> m = entries(3000);
    FileMeta meta = write(1, m, 512, compression);
    assertEquals(m.firstKey(), meta.smallest());
    assertEquals(m.lastKey(), meta.largest());
    assertEquals(m.size(), meta.entries());
    Table t = open(1, meta.size());
    try {
      TableIterator it = t.iterator();
      List<InternalKey> forward = new ArrayList<>();
      for (it.seekToFirst(); it.valid(); it.next()) {
        forward.add(it.key());
        assertArrayEquals(m.get(it.key()), it.value());
      }
      assertEquals(new ArrayList<>(m.keySet()), forward);
      List<InternalKey> backward = new ArrayList<>();
      for (it.seekToLast(); it.valid(); it.prev()) {
        backward.add(it.key());
      }
      assertEquals(new ArrayList<>(m.descendingKeySet()), backward);
      SplittableRandom rnd = new SplittableRandom(5);
      for (int i = 0; i < 500; i++) {
        int n = rnd.nextInt(3100);
        byte[] k = StoreKeys.of(0, String.format("k%06d", n).getBytes());
        InternalKey target = InternalKey.seekTarget(k, rnd.nextInt(3));
        it.seek(target);
        assertEquals(m.ceilingKey(target), it.valid() ? it.key() : null, "seek " + target);
        it.seekForPrev(target);
        assertEquals(m.floorKey(target), it.valid() ? it.key() : null, "seekForPrev " + target);
        Table.Found f = t.get(k, 2);
        if (n >= 3000) {
          assertNull(f);
        } else {
          assertNotNull(f, "get " + n);
          assertEquals(
              n % 2 == 1 ? InternalKey.DELETE : InternalKey.PUT, InternalKey.kindOf(f.trailer()));
          Table.Found older = t.get(k, 1);
          assertArrayEquals(("v" + n).getBytes(), older.value());
        }
      }
    } finally {
      t.close();
    }
  }

  @Test
  void theBloomFilterPassesEveryKeyAndStopsMostOthers() {
    FileMeta meta = write(2, entries(2000), 4096);
    Table t = open(2, meta.size());
    try {
      for (int i = 0; i < 2000; i++) {
        assertTrue(t.mayContain(StoreKeys.of(0, String.format("k%06d", i).getBytes())));
      }
      int passed = 0;
      for (int i = 0; i < 10_000; i++) {
        if (t.mayContain(StoreKeys.of(0, ("absent" + i).getBytes()))) {
          passed++;
        }
      }
      assertTrue(passed < 300, passed + " of 10000 absent keys passed a 10-bit filter");
    } finally {
      t.close();
    }
  }

  /**
   * Every single damage to a table (a flipped bit, a hostile length) is refused with a
   * CorruptionException on open or read, or changes nothing read: never a wrong entry, never an
   * exception outside the SPI.
   */
  @ParameterizedTest
  @EnumSource(Compression.class)
  void damageIsRefusedNeverMisread(Compression compression) throws IOException {
    TreeMap<InternalKey, byte[]> m = entries(400);
    FileMeta meta = write(3, m, 512, compression);
    byte[] clean = Files.readAllBytes(FileNames.table(dir, 3));
    SplittableRandom rnd = new SplittableRandom(9);
    int refused = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] b = clean.clone();
      int at = rnd.nextInt(b.length);
      if (rnd.nextBoolean()) {
        b[at] ^= (byte) (1 << rnd.nextInt(8));
      } else if (at + 4 <= b.length) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 0x7FFF_FFFF);
      }
      Files.write(FileNames.table(dir, 3), b);
      try {
        Table t = open(3, meta.size());
        try {
          TableIterator it = t.iterator();
          int n = 0;
          for (it.seekToFirst(); it.valid(); it.next()) {
            byte[] want = m.get(it.key());
            assertNotNull(want, "damage at " + at + " made up key " + it.key());
            assertArrayEquals(want, it.value(), "damage at " + at + " changed " + it.key());
            n++;
          }
          assertEquals(m.size(), n, "damage at " + at + " lost entries silently");
        } finally {
          t.close();
        }
      } catch (CorruptionException e) {
        refused++;
        assertTrue(e.getMessage().contains("000003.sst"), "no file named: " + e.getMessage());
      } catch (StorageException e) {
        fail("damage at " + at + " threw " + e);
      }
    }
    assertTrue(refused > 250, "only " + refused + " of 300 damaged tables were refused");
  }

  @Test
  void aTruncatedTableIsRefused() throws IOException {
    FileMeta meta = write(4, entries(100), 512);
    Path p = FileNames.table(dir, 4);
    byte[] clean = Files.readAllBytes(p);
    for (int cut : new int[] {0, 10, clean.length - 1}) {
      Files.write(p, java.util.Arrays.copyOf(clean, cut));
      assertThrows(CorruptionException.class, () -> open(4, -1));
    }
    Files.write(p, clean);
    CorruptionException size =
        assertThrows(CorruptionException.class, () -> open(4, meta.size() + 1));
    assertTrue(size.getMessage().contains("manifest records"), size.getMessage());
  }

  @Test
  void aBlockWithAnImpossibleTrailerIsCorruption() {
    BlockBuilder bb = new BlockBuilder(4);
    for (int i = 0; i < 10; i++) {
      bb.add(InternalKey.encode(new byte[] {(byte) i}, 1L << 8 | 1), new byte[] {1});
    }
    byte[] block = bb.finish();
    byte[] hostile = block.clone();
    ByteBuffer.wrap(hostile).order(ByteOrder.LITTLE_ENDIAN).putInt(hostile.length - 4, 1 << 30);
    assertThrows(CorruptionException.class, () -> new Block(hostile, "b"));
    Block ok = new Block(block, "b");
    Block.Cursor c = ok.cursor();
    int n = 0;
    for (c.seekToFirst(); c.valid(); c.next()) {
      n++;
    }
    assertEquals(10, n);
    byte[] badEntry = block.clone();
    badEntry[2] = 0x7F; // the first entry's value length runs past the block
    Block.Cursor bc = new Block(badEntry, "b").cursor();
    CorruptionException e = assertThrows(CorruptionException.class, bc::seekToFirst);
    assertTrue(e.getMessage().startsWith("b"), e.getMessage());
  }

  @Test
  void rangeTombstonesRoundTripAndWidenTheTablesKeys() {
    TreeMap<InternalKey, byte[]> m = entries(100);
    RangeTombstones t =
        RangeTombstones.builder()
            .add(StoreKeys.of(0, "a".getBytes()), StoreKeys.of(0, "k000050".getBytes()), 7)
            .add(StoreKeys.of(0, "k000040".getBytes()), StoreKeys.of(0, "z".getBytes()), 9)
            .build();
    FileMeta meta;
    try (TableWriter w = new TableWriter(dir, 3, 512, 10, Compression.NONE, new Statistics())) {
      m.forEach((k, v) -> w.add(k.encode(), v));
      w.rangeTombstones(t);
      meta = w.finish(guard);
    }
    assertEquals(StoreKeys.of(0, "a".getBytes()).length, meta.smallest().userKey.length);
    assertEquals(InternalKey.RANGE_DELETE, meta.smallest().kind());
    assertTrue(meta.largest().isRangeSentinel());
    assertEquals(1, meta.smallestSequence());
    assertEquals(9, meta.largestSequence());
    assertEquals(m.size(), meta.entries());
    Table table = open(3, meta.size());
    try {
      assertEquals(t.size(), table.rangeTombstones().size());
      assertEquals(9, table.rangeTombstones().covering(StoreKeys.of(0, "k000045".getBytes()), 10));
      assertEquals(7, table.rangeTombstones().covering(StoreKeys.of(0, "k000045".getBytes()), 8));
      assertEquals(0, table.rangeTombstones().covering(StoreKeys.of(0, "z".getBytes()), 10));
    } finally {
      table.close();
    }
    FileMeta only; // a table of range tombstones alone: an empty index, no entry
    try (TableWriter w = new TableWriter(dir, 4, 512, 10, Compression.NONE, new Statistics())) {
      w.rangeTombstones(t);
      only = w.finish(guard);
    }
    Table empty = open(4, only.size());
    try {
      assertEquals(0, only.entries());
      TableIterator it = empty.iterator();
      it.seekToFirst();
      assertTrue(!it.valid());
      it.seekToLast();
      assertTrue(!it.valid());
      assertEquals(null, empty.get(StoreKeys.of(0, "k000045".getBytes()), 10));
      assertEquals(9, empty.rangeTombstones().covering(StoreKeys.of(0, "y".getBytes()), 10));
    } finally {
      empty.close();
    }
  }

  @Test
  void aDamagedRangeDeletionBlockIsRefusedAndAVersion1TableHasNone() throws IOException {
    RangeTombstones t =
        RangeTombstones.builder()
            .add(StoreKeys.of(0, "a".getBytes()), StoreKeys.of(0, "b".getBytes()), 3)
            .build();
    FileMeta meta;
    try (TableWriter w = new TableWriter(dir, 5, 512, 10, Compression.NONE, new Statistics())) {
      entries(10).forEach((k, v) -> w.add(k.encode(), v));
      w.rangeTombstones(t);
      meta = w.finish(guard);
    }
    Path p = FileNames.table(dir, 5);
    byte[] bytes = Files.readAllBytes(p);
    TableFormat.Footer footer =
        TableFormat.readFooter(
            java.util.Arrays.copyOfRange(
                bytes, bytes.length - TableFormat.FOOTER_SIZE, bytes.length),
            bytes.length,
            "t");
    byte[] damaged = bytes.clone();
    damaged[(int) footer.rangeDeletions().offset() + 1] ^= 0x10;
    Files.write(p, damaged);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> open(5, meta.size()).close());
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    // The same table labelled version 1: its footer's third handle is padding, never read.
    byte[] v1 = bytes.clone();
    ByteBuffer b = ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN);
    int f = v1.length - TableFormat.FOOTER_SIZE;
    b.putInt(f + TableFormat.HANDLES_SIZE, 1);
    b.putInt(
        f + TableFormat.HANDLES_SIZE + 4,
        dev.cairn.engine.toolkit.Crc32c.mask(
            dev.cairn.engine.toolkit.Crc32c.value(v1, f, TableFormat.HANDLES_SIZE + 4)));
    Files.write(p, v1);
    Table old = open(5, meta.size());
    try {
      assertTrue(old.rangeTombstones().isEmpty());
      assertEquals(entries(10).size(), count(old));
    } finally {
      old.close();
    }
  }

  private static int count(Table t) {
    int n = 0;
    TableIterator it = t.iterator();
    for (it.seekToFirst(); it.valid(); it.next()) {
      n++;
    }
    return n;
  }

  @Test
  void theFooterRefusesAnotherMagicAHandlePastTheEndAndANewerVersion() {
    byte[] footer = TableFormat.footer(new BlockHandle(0, 10), new BlockHandle(15, 10), null);
    assertEquals(TableFormat.FOOTER_SIZE, footer.length);
    TableFormat.Footer f = TableFormat.readFooter(footer, 200, "t");
    assertEquals(15, f.index().offset());
    assertEquals(null, f.rangeDeletions());
    byte[] withRanges =
        TableFormat.footer(new BlockHandle(0, 10), new BlockHandle(15, 10), new BlockHandle(30, 9));
    assertEquals(30, TableFormat.readFooter(withRanges, 200, "t").rangeDeletions().offset());
    assertThrows(CorruptionException.class, () -> TableFormat.readFooter(withRanges, 95, "t"));
    byte[] magic = footer.clone();
    magic[TableFormat.FOOTER_SIZE - 1] ^= 1;
    assertThrows(CorruptionException.class, () -> TableFormat.readFooter(magic, 200, "t"));
    assertThrows(CorruptionException.class, () -> TableFormat.readFooter(footer, 40, "t"));
    byte[] newer = footer.clone();
    ByteBuffer nb = ByteBuffer.wrap(newer).order(ByteOrder.LITTLE_ENDIAN);
    nb.putInt(TableFormat.HANDLES_SIZE, 99);
    nb.putInt(
        TableFormat.HANDLES_SIZE + 4,
        dev.cairn.engine.toolkit.Crc32c.mask(
            dev.cairn.engine.toolkit.Crc32c.value(newer, 0, TableFormat.HANDLES_SIZE + 4)));
    assertThrows(
        dev.cairn.spi.IncompatibleVersionException.class,
        () -> TableFormat.readFooter(newer, 200, "t"));
  }
}
