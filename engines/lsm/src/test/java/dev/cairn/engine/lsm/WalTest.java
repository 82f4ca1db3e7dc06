package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log's block format: records round-trip across blocks; torn tails and damage never misread.
 */
class WalTest {

  @TempDir Path dir;

  /** Frames {@code records} one after another, as the writer does, from offset 0. */
  static byte[] frame(List<byte[]> records) {
    long bound = 0;
    for (byte[] r : records) {
      bound += WalFormat.framedSizeBound(r.length);
    }
    ByteBuffer b = ByteBuffer.allocate((int) bound);
    for (byte[] r : records) {
      WalFormat.frame(b, b.position(), ByteBuffer.wrap(r));
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  private List<byte[]> read(byte[] file, WalReader.Stop[] stop, long[] stopOffset)
      throws IOException {
    Path p = dir.resolve("000001.wal");
    Files.write(p, file);
    List<byte[]> out = new ArrayList<>();
    try (WalReader r = WalReader.open(p)) {
      for (WalReader.Record rec = r.next(); rec != null; rec = r.next()) {
        out.add(rec.bytes());
      }
      stop[0] = r.stop();
      stopOffset[0] = r.stopOffset();
    }
    return out;
  }

  private static List<byte[]> randomRecords(long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int size =
          switch (rnd.nextInt(5)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(20);
            case 2 -> rnd.nextInt(3000);
            case 3 -> WalFormat.BLOCK_SIZE - WalFormat.HEADER_SIZE + rnd.nextInt(-9, 9);
            default -> rnd.nextInt(3 * WalFormat.BLOCK_SIZE);
          };
      byte[] r = new byte[size];
      for (int j = 0; j < size; j++) {
        r[j] = (byte) (i * 31 + j);
      }
      records.add(r);
    }
    return records;
  }

  @Test
  void recordsOfEverySizeRoundTripAcrossBlocks() throws IOException {
    long seed = new SplittableRandom().nextLong();
    List<byte[]> records = randomRecords(seed, 60);
    byte[] file = frame(records);
    WalReader.Stop[] stop = new WalReader.Stop[1];
    List<byte[]> back = read(file, stop, new long[1]);
    assertEquals(records.size(), back.size(), "seed " + seed);
    for (int i = 0; i < records.size(); i++) {
      assertArrayEquals(records.get(i), back.get(i), "record " + i + ", seed " + seed);
    }
    assertEquals(WalReader.Stop.END, stop[0]);
  }

  @Test
  void aFragmentNeverCrossesABlockAndShortTrailersArePadded() {
    // A record that leaves 3 bytes in the block: the next one starts the next block.
    byte[] first = new byte[WalFormat.BLOCK_SIZE - 2 * WalFormat.HEADER_SIZE + 4];
    byte[] file = frame(List.of(first, new byte[10]));
    assertEquals(WalFormat.BLOCK_SIZE + WalFormat.HEADER_SIZE + 10, file.length);
    for (int i = WalFormat.BLOCK_SIZE - 3; i < WalFormat.BLOCK_SIZE; i++) {
      assertEquals(0, file[i], "padding at " + i);
    }
  }

  /** Every cut of the file reads as a prefix of its records, stopped as torn or at the end. */
  @Test
  void everyTruncationReadsAsAPrefix() throws IOException {
    List<byte[]> records = randomRecords(7, 12);
    byte[] file = frame(records);
    for (int cut = 0; cut < file.length; cut += 97) {
      WalReader.Stop[] stop = new WalReader.Stop[1];
      List<byte[]> back = read(Arrays.copyOf(file, cut), stop, new long[1]);
      assertTrue(back.size() <= records.size());
      for (int i = 0; i < back.size(); i++) {
        assertArrayEquals(records.get(i), back.get(i), "cut at " + cut + ", record " + i);
      }
      assertTrue(
          stop[0] == WalReader.Stop.TORN || stop[0] == WalReader.Stop.END,
          "cut at " + cut + " stopped " + stop[0]);
    }
  }

  /** A flipped bit anywhere stops the reader at the damaged record, never past it. */
  @Test
  void damageStopsTheReaderAtTheDamagedRecord() throws IOException {
    List<byte[]> records = randomRecords(11, 10);
    byte[] file = frame(records);
    SplittableRandom rnd = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      byte[] damaged = file.clone();
      int at = rnd.nextInt(damaged.length);
      damaged[at] ^= (byte) (1 << rnd.nextInt(8));
      WalReader.Stop[] stop = new WalReader.Stop[1];
      long[] stopOffset = new long[1];
      List<byte[]> back = read(damaged, stop, stopOffset);
      for (int i = 0; i < back.size(); i++) {
        assertArrayEquals(records.get(i), back.get(i), "bit flipped at " + at + ", record " + i);
      }
      if (back.size() < records.size()) {
        assertTrue(stopOffset[0] <= at, "stopped at " + stopOffset[0] + " past damage at " + at);
      }
    }
  }

  @Test
  void aHostileFragmentLengthIsRefusedWithoutReadingPastItsBlock() throws IOException {
    byte[] file = frame(List.of(new byte[100], new byte[100]));
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(4, (short) 0xFFFF);
    WalReader.Stop[] stop = new WalReader.Stop[1];
    long[] stopOffset = new long[1];
    assertEquals(List.of(), read(file, stop, stopOffset));
    assertEquals(0, stopOffset[0]);
    assertEquals(WalReader.Stop.BAD, stop[0], "the claimed length runs past the block");
  }

  @Test
  void zerosAreNeverARecord() throws IOException {
    byte[] file = frame(List.of(new byte[50]));
    byte[] withZeros = Arrays.copyOf(file, file.length + 4096);
    WalReader.Stop[] stop = new WalReader.Stop[1];
    long[] stopOffset = new long[1];
    assertEquals(1, read(withZeros, stop, stopOffset).size());
    assertEquals(WalReader.Stop.BAD, stop[0]);
    assertEquals(file.length, stopOffset[0]);
  }

  /** A later record that says the damaged bytes were forced proves the damage is not a crash's. */
  @Test
  void aLaterRecordSyncedPastTheDamageIsFound() throws IOException {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ByteBuffer r = ByteBuffer.allocate(WalRecord.BATCH_HEAD_SIZE + 20_000);
      long syncedBefore = i < 4 ? 0 : 4L * 20_100; // records 4.. were framed after a force
      WalRecord.batchHead(r, syncedBefore, 1 + i, 0);
      records.add(r.array());
    }
    byte[] file = frame(records);
    file[30_000] ^= 1; // inside record 1, well before the forced offset
    Path p = dir.resolve("000002.wal");
    Files.write(p, file);
    try (WalReader r = WalReader.open(p)) {
      int n = 0;
      while (r.next() != null) {
        n++;
      }
      assertEquals(1, n);
      assertTrue(r.syncedBeyond(r.stopOffset()) > r.stopOffset(), "damage not told from a tear");
    }
    byte[] torn = Arrays.copyOf(frame(records.subList(0, 4)), 70_000); // a tear: nothing later
    Path q = dir.resolve("000003.wal");
    Files.write(q, torn);
    try (WalReader r = WalReader.open(q)) {
      while (r.next() != null) {
        // read what is whole
      }
      assertTrue(r.syncedBeyond(r.stopOffset()) <= r.stopOffset());
    }
  }

  @Test
  void theFileHeaderNamesItsLogAndVersion() {
    ByteBuffer h = WalRecord.fileHeader(42);
    byte[] bytes = new byte[h.remaining()];
    h.get(bytes);
    WalRecord.checkFileHeader(bytes, 42, "test");
    CorruptionException other =
        assertThrows(CorruptionException.class, () -> WalRecord.checkFileHeader(bytes, 43, "x"));
    assertTrue(other.getMessage().contains("names log 42"), other.getMessage());
    bytes[9] = 99; // the format version
    assertThrows(
        dev.cairn.spi.IncompatibleVersionException.class,
        () -> WalRecord.checkFileHeader(bytes, 42, "x"));
  }

  @Test
  void aRangeDeleteRoundTripsAndIsCorruptionInAVersion1Log() {
    byte[] body =
        BatchCodec.encode(
            List.of(
                Mutation.put(new byte[] {0, 1}, new byte[] {9}),
                Mutation.deleteRange(new byte[] {0, 1}, new byte[] {0, 5})));
    List<Mutation> ops = BatchCodec.decode(body, 0, 2, true, "x");
    assertEquals(Mutation.RANGE_DELETE, ops.get(1).kind());
    assertArrayEquals(new byte[] {0, 5}, ops.get(1).value());
    CorruptionException old =
        assertThrows(CorruptionException.class, () -> BatchCodec.decode(body, 0, 2, false, "log"));
    assertTrue(old.getMessage().startsWith("log"), old.getMessage());
    byte[] backwards =
        BatchCodec.encode(List.of(Mutation.deleteRange(new byte[] {0, 5}, new byte[] {0, 1})));
    assertThrows(CorruptionException.class, () -> BatchCodec.decode(backwards, 0, 1, true, "log"));
  }

  @Test
  void aBatchWithAHostileLengthIsCorruptionNotAnAllocation() {
    List<Mutation> ops = List.of(Mutation.put(new byte[] {0, 1}, new byte[] {2}));
    byte[] body = BatchCodec.encode(ops);
    assertEquals(1, BatchCodec.decode(body, 0, 1, true, "x").size());
    byte[] hostile = body.clone();
    hostile[1] = (byte) 0xFF; // the key's length becomes a huge varint start
    byte[] longer = Arrays.copyOf(hostile, hostile.length + 4);
    longer[2] = (byte) 0xFF;
    longer[3] = (byte) 0xFF;
    longer[4] = (byte) 0x07;
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> BatchCodec.decode(longer, 0, 1, true, "log"));
    assertTrue(e.getMessage().startsWith("log"), e.getMessage());
    assertThrows(CorruptionException.class, () -> BatchCodec.decode(body, 0, 2, true, "log"));
  }
}
