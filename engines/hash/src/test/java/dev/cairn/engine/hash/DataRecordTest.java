package dev.cairn.engine.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataRecordTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putsAndDeletesRoundTrip() {
    ByteBuffer buf = ByteBuffer.allocate(1024);
    byte[] key = b("key");
    byte[] value = b("a value");
    DataRecord.encode(buf, DataRecord.PUT_MORE, 77, key, value);
    int second = buf.position();
    assertEquals(DataRecord.frameSize(key, value), second);
    DataRecord.encode(buf, DataRecord.DELETE, 78, key, null);
    assertEquals(second + DataRecord.frameSize(key, null), buf.position());

    RecordBuffers.Frame f = RecordBuffers.check(buf.array(), 0, second, "test");
    DataRecord put =
        DataRecord.decode(f.type(), buf.array(), f.payloadOffset(), f.payloadLength(), "test");
    assertEquals(77, put.seq());
    assertArrayEquals(key, put.key());
    assertArrayEquals(value, put.value());
    assertTrue(DataRecord.continues(put.type()));
    assertTrue(DataRecord.hasKey(buf.array(), f.payloadOffset(), f.payloadLength(), key, "t"));
    assertFalse(
        DataRecord.hasKey(buf.array(), f.payloadOffset(), f.payloadLength(), b("kez"), "t"));
    assertArrayEquals(
        value, DataRecord.valueOf(buf.array(), f.payloadOffset(), f.payloadLength(), key.length));

    RecordBuffers.Frame g =
        RecordBuffers.check(buf.array(), second, buf.position() - second, "test");
    DataRecord del =
        DataRecord.decode(g.type(), buf.array(), g.payloadOffset(), g.payloadLength(), "test");
    assertTrue(del.isDelete());
    assertNull(del.value());
    assertEquals(78, del.seq());
  }

  @Test
  void hostileKeyLengthsAreCorruptionNotAllocation() {
    byte[] payload = new byte[12];
    payload[8] = (byte) 0xFF;
    payload[9] = (byte) 0xFF;
    payload[10] = (byte) 0xFF;
    payload[11] = (byte) 0x0F; // a key length of about 32 MiB in a 12-byte payload
    assertThrows(
        CorruptionException.class,
        () -> DataRecord.decode(DataRecord.PUT, payload, 0, payload.length, "t"));
    assertThrows(
        CorruptionException.class, () -> DataRecord.decode(DataRecord.PUT, new byte[3], 0, 3, "t"));
    assertThrows(
        CorruptionException.class,
        () -> DataRecord.decode(DataRecord.MERGE_INFO, new byte[9], 0, 9, "t"));
  }

  @Test
  void mergeInfoRoundTrips() {
    int[] ids = {1, 7, 300, Integer.MAX_VALUE};
    assertArrayEquals(ids, DataRecord.parseMergeInfo(DataRecord.mergeInfo(ids), "t"));
  }

  @Test
  void manifestRecordsEngineAndVersion() {
    byte[] m = Manifest.encode(FormatVersion.CURRENT);
    assertEquals(FormatVersion.V1, Manifest.decode(m, "m"));
    byte[] other = m.clone();
    other[13] = 'x'; // engine name "xash"
    assertThrows(CorruptionException.class, () -> Manifest.decode(other, "m"));
    assertThrows(IncompatibleVersionException.class, () -> FormatVersion.of(2, "m"));
  }

  @Test
  void hashIsSeededAndCoversEveryLength() {
    KeyHash a = new KeyHash(1);
    KeyHash c = new KeyHash(2);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    byte[] data = new byte[100];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    for (int len = 0; len <= 100; len++) {
      long h = a.hash(data, 0, len);
      assertTrue(seen.add(h), "collision at length " + len);
      assertFalse(h == c.hash(data, 0, len), "seed ignored at length " + len);
    }
    // XXH64 test vector: empty input, seed 0.
    assertEquals(0xEF46DB3751D8E999L, new KeyHash(0).hash(new byte[0]));
  }
}
