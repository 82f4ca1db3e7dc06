package dev.cairn.engine.toolkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.engine.toolkit.RecordReader.Record;
import dev.cairn.engine.toolkit.RecordReader.Stop;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordLogTest {

  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Record> readAll(Path file) {
    List<Record> out = new ArrayList<>();
    try (RecordReader r = RecordReader.open(file)) {
      for (Record rec = r.next(); rec != null; rec = r.next()) {
        out.add(rec);
      }
    }
    return out;
  }

  /** Writes records of the given payloads (type = index + 1) and returns their offsets. */
  private static long[] writeLog(Path file, byte[]... payloads) {
    long[] offsets = new long[payloads.length];
    try (RecordWriter w = RecordWriter.create(file)) {
      for (int i = 0; i < payloads.length; i++) {
        offsets[i] = w.append(i + 1, payloads[i]);
      }
    }
    return offsets;
  }

  @Test
  void writesAndReadsBackRecords() throws IOException {
    Path file = dir.resolve("log");
    byte[][] payloads = {utf8("alpha"), new byte[0], new byte[100_000], utf8("omega")};
    new SplittableRandom(7).nextBytes(payloads[2]);
    long[] offsets = writeLog(file, payloads);
    assertEquals(RecordFormat.FILE_HEADER_SIZE, offsets[0]);
    long expectedEnd = RecordFormat.FILE_HEADER_SIZE;
    for (byte[] p : payloads) {
      expectedEnd += RecordFormat.RECORD_HEADER_SIZE + p.length;
    }
    assertEquals(expectedEnd, Files.size(file));

    try (RecordReader r = RecordReader.open(file)) {
      for (int i = 0; i < payloads.length; i++) {
        Record rec = r.next();
        assertEquals(offsets[i], rec.offset());
        assertEquals(i + 1, rec.type());
        assertArrayEquals(payloads[i], rec.payload());
      }
      assertNull(r.next());
      assertEquals(Stop.END_OF_FILE, r.stop());
      assertEquals(expectedEnd, r.validEnd());
      assertEquals(offsets[3], r.lastRecordOffset());
      assertNull(r.next(), "a stopped reader stays stopped");
    }
  }

  @Test
  void fileHeaderBytesAreAsSpecified() throws IOException {
    Path file = dir.resolve("log");
    writeLog(file);
    byte[] header = Files.readAllBytes(file);
    assertEquals(16, header.length);
    assertArrayEquals(utf8("CAIRNREC"), Arrays.copyOf(header, 8));
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, b.getInt(8));
    assertEquals(Crc32c.mask(Crc32c.value(header, 0, 12)), b.getInt(12));
  }

  @Test
  void recordBytesAreAsSpecified() throws IOException {
    Path file = dir.resolve("log");
    writeLog(file, utf8("hi"));
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all, 16, all.length - 16).order(ByteOrder.LITTLE_ENDIAN);
    int storedCrc = b.getInt(16);
    assertEquals(2, b.getInt(20));
    assertEquals(1, all[24]);
    assertEquals('h', all[25]);
    assertEquals('i', all[26]);
    // CRC over length (4 bytes), type and payload: bytes 20..26.
    assertEquals(Crc32c.mask(Crc32c.value(all, 20, 7)), storedCrc);
  }

  @Test
  void everyTornTailStopsAtTheLastCompleteRecord() throws IOException {
    Path file = dir.resolve("log");
    long[] offsets = writeLog(file, utf8("one"), utf8("two-two"), new byte[40]);
    byte[] full = Files.readAllBytes(file);
    for (int cut = 0; cut < full.length; cut++) {
      Path torn = dir.resolve("torn-" + cut);
      Files.write(torn, Arrays.copyOf(full, cut));
      try (RecordReader r = RecordReader.open(torn)) {
        int complete = 0;
        while (r.next() != null) {
          complete++;
        }
        int expected = 0;
        long expectedEnd = cut < 16 ? 0 : 16;
        for (int i = 0; i < offsets.length; i++) {
          long end = i + 1 < offsets.length ? offsets[i + 1] : full.length;
          if (end <= cut) {
            expected++;
            expectedEnd = end;
          }
        }
        assertEquals(expected, complete, "cut at " + cut);
        assertEquals(expectedEnd, r.validEnd(), "cut at " + cut);
        Stop expectedStop = cut == expectedEnd && cut >= 16 ? Stop.END_OF_FILE : Stop.TRUNCATED;
        assertEquals(expectedStop, r.stop(), "cut at " + cut + ": " + r.stopDetail());
      }
    }
  }

  @Test
  void everyFlippedBitOfTheLastRecordIsDetected() throws IOException {
    Path file = dir.resolve("log");
    long[] offsets = writeLog(file, utf8("first"), utf8("second record"));
    byte[] full = Files.readAllBytes(file);
    for (int at = (int) offsets[1]; at < full.length; at++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] damaged = full.clone();
        damaged[at] ^= (byte) (1 << bit);
        Path f = dir.resolve("damaged");
        Files.write(f, damaged);
        try (RecordReader r = RecordReader.open(f)) {
          assertArrayEquals(utf8("first"), r.next().payload());
          assertNull(r.next(), "byte " + at + " bit " + bit);
          assertTrue(r.stop() != Stop.END_OF_FILE, "byte " + at + " bit " + bit);
          assertEquals(offsets[1], r.validEnd());
          assertEquals(offsets[0], r.lastRecordOffset());
          assertTrue(r.stopDetail().contains("offset " + offsets[1]), r.stopDetail());
        }
      }
    }
  }

  @Test
  void hostileLengthNeverAllocatesBeyondTheFile() throws IOException {
    Path file = dir.resolve("log");
    writeLog(file);
    for (int length : new int[] {0x7FFF_FFFF, RecordFormat.MAX_PAYLOAD_SIZE, 1000}) {
      writeRawRecord(file, length, 1, new byte[10]);
      try (RecordReader r = RecordReader.open(file)) {
        assertNull(r.next());
        assertEquals(
            length > RecordFormat.MAX_PAYLOAD_SIZE ? Stop.CORRUPT : Stop.TRUNCATED,
            r.stop(),
            r.stopDetail());
        assertEquals(16, r.validEnd());
      }
    }
    writeRawRecord(file, -1, 1, new byte[10]); // 0xFFFFFFFF: unsigned 4 GiB
    try (RecordReader r = RecordReader.open(file)) {
      assertNull(r.next());
      assertEquals(Stop.CORRUPT, r.stop());
    }
  }

  private static void writeRawRecord(Path file, int length, int type, byte[] payload)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(9 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x1234).putInt(length).put((byte) type).put(payload).flip();
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(16);
      c.write(b, 16);
    }
  }

  @Test
  void zeroFilledTailIsReportedWithoutLosingValidRecords() throws IOException {
    Path file = dir.resolve("log");
    writeLog(file, utf8("kept"));
    long end = Files.size(file);
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.allocate(4096), end);
    }
    try (RecordReader r = RecordReader.open(file)) {
      assertArrayEquals(utf8("kept"), r.next().payload());
      assertNull(r.next());
      assertEquals(Stop.CORRUPT, r.stop());
      assertTrue(r.stopDetail().contains("type 0"), r.stopDetail());
      assertEquals(end, r.validEnd());
    }
  }

  @Test
  void appendAfterTornTailCutsItOff() throws IOException {
    Path file = dir.resolve("log");
    writeLog(file, utf8("a"), utf8("b"));
    long size = Files.size(file);
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(size - 1); // tear the last record
    }
    long validEnd;
    try (RecordReader r = RecordReader.open(file)) {
      while (r.next() != null) {
        // read to the end
      }
      assertEquals(Stop.TRUNCATED, r.stop());
      validEnd = r.validEnd();
    }
    try (RecordWriter w = RecordWriter.openForAppend(file, validEnd)) {
      assertEquals(validEnd, w.size());
      w.append(9, utf8("c"));
      w.sync();
    }
    List<Record> records = readAll(file);
    assertEquals(2, records.size());
    assertArrayEquals(utf8("a"), records.get(0).payload());
    assertArrayEquals(utf8("c"), records.get(1).payload());
    assertEquals(9, records.get(1).type());
  }

  @Test
  void appendToATornHeaderRewritesIt() throws IOException {
    Path file = dir.resolve("log");
    Files.write(file, Arrays.copyOf(utf8("CAIRN"), 5));
    try (RecordReader r = RecordReader.open(file)) {
      assertNull(r.next());
      assertEquals(Stop.TRUNCATED, r.stop());
      assertEquals(0, r.validEnd());
    }
    try (RecordWriter w = RecordWriter.openForAppend(file, 0)) {
      w.append(1, utf8("x"));
    }
    assertEquals(1, readAll(file).size());
  }

  @Test
  void badHeadersAreRefused() throws IOException {
    Path file = dir.resolve("log");
    writeLog(file);
    byte[] header = Files.readAllBytes(file);

    byte[] badMagic = header.clone();
    badMagic[0] = 'X';
    Files.write(file, badMagic);
    assertThrows(CorruptionException.class, () -> RecordReader.open(file));

    byte[] badCrc = header.clone();
    badCrc[15] ^= 1;
    Files.write(file, badCrc);
    assertThrows(CorruptionException.class, () -> RecordReader.open(file));

    ByteBuffer v2 = ByteBuffer.wrap(header.clone()).order(ByteOrder.LITTLE_ENDIAN);
    v2.putInt(8, 2);
    v2.putInt(12, Crc32c.mask(Crc32c.value(v2.array(), 0, 12)));
    Files.write(file, v2.array());
    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> RecordReader.open(file));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void readAtFindsRecordsAndRefusesBadOffsets() throws IOException {
    Path file = dir.resolve("log");
    long[] offsets = writeLog(file, utf8("first"), utf8("second"));
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      Record second = RecordReader.readAt(c, file, offsets[1]);
      assertArrayEquals(utf8("second"), second.payload());
      assertEquals(2, second.type());
      assertThrows(CorruptionException.class, () -> RecordReader.readAt(c, file, offsets[1] + 1));
      assertThrows(CorruptionException.class, () -> RecordReader.readAt(c, file, 1 << 20));
      assertThrows(InvalidArgumentException.class, () -> RecordReader.readAt(c, file, 3));
    }
  }

  @Test
  void writerRefusesBadInputAndUseAfterClose() {
    Path file = dir.resolve("log");
    RecordWriter w = RecordWriter.create(file);
    assertThrows(InvalidArgumentException.class, () -> w.append(0, new byte[1]));
    assertThrows(InvalidArgumentException.class, () -> w.append(256, new byte[1]));
    assertThrows(InvalidArgumentException.class, () -> w.append(1, null));
    assertThrows(InvalidArgumentException.class, () -> w.append(1, new byte[4], 2, 3));
    w.close();
    w.close();
    assertThrows(ClosedHandleException.class, () -> w.append(1, new byte[1]));
    assertThrows(ClosedHandleException.class, w::sync);
    assertThrows(StorageIOException.class, () -> RecordWriter.create(file), "exists");
    assertThrows(InvalidArgumentException.class, () -> RecordWriter.openForAppend(file, 1 << 20));
    assertThrows(StorageIOException.class, () -> RecordReader.open(dir.resolve("missing")));
  }

  @Test
  void randomLogsRoundTrip() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("RecordLogTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    Path file = dir.resolve("random");
    List<byte[]> written = new ArrayList<>();
    try (RecordWriter w = RecordWriter.create(file)) {
      for (int i = 0; i < 500; i++) {
        // Sizes around the reader's 64 KiB window boundary are the interesting ones.
        int size = random.nextInt(10) == 0 ? random.nextInt(70_000, 140_000) : random.nextInt(300);
        byte[] p = new byte[size];
        random.nextBytes(p);
        w.append(1 + random.nextInt(255), p);
        written.add(p);
      }
    }
    List<Record> read = readAll(file);
    assertEquals(written.size(), read.size(), "seed " + seed);
    for (int i = 0; i < written.size(); i++) {
      assertArrayEquals(written.get(i), read.get(i).payload(), "seed " + seed + " record " + i);
    }
  }
}
