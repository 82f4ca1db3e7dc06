package dev.cairn.engine.toolkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordBuffersTest {

  @TempDir Path dir;

  @Test
  void framesReadBackByTheRecordReader() throws Exception {
    Path file = dir.resolve("log");
    byte[] a = "first".getBytes(StandardCharsets.UTF_8);
    byte[] b = "second record".getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(256);
    buf.put(RecordBuffers.fileHeader());
    int s1 = RecordBuffers.begin(buf);
    buf.put(a);
    RecordBuffers.end(buf, s1, 3);
    int s2 = RecordBuffers.begin(buf);
    buf.put(b);
    RecordBuffers.end(buf, s2, 200);
    java.nio.file.Files.write(file, java.util.Arrays.copyOf(buf.array(), buf.position()));
    try (RecordReader r = RecordReader.open(file)) {
      RecordReader.Record r1 = r.next();
      RecordReader.Record r2 = r.next();
      assertEquals(3, r1.type());
      assertArrayEquals(a, r1.payload());
      assertEquals(200, r2.type());
      assertArrayEquals(b, r2.payload());
      assertEquals(null, r.next());
      assertEquals(RecordReader.Stop.END_OF_FILE, r.stop());
    }
    RecordBuffers.Frame f =
        RecordBuffers.check(buf.array(), s2, RecordBuffers.frameSize(b.length), "test");
    assertEquals(200, f.type());
    assertEquals(b.length, f.payloadLength());
  }

  @Test
  void checkRejectsDamageAndWrongSizes() {
    ByteBuffer buf = ByteBuffer.allocate(64);
    int s = RecordBuffers.begin(buf);
    buf.put(new byte[] {1, 2, 3, 4});
    RecordBuffers.end(buf, s, 1);
    byte[] bytes = buf.array();
    RecordBuffers.check(bytes, 0, 13, "ok");
    assertThrows(CorruptionException.class, () -> RecordBuffers.check(bytes, 0, 12, "short"));
    assertThrows(CorruptionException.class, () -> RecordBuffers.check(bytes, 0, 5, "tiny"));
    bytes[10] ^= 1;
    assertThrows(CorruptionException.class, () -> RecordBuffers.check(bytes, 0, 13, "flipped"));
  }
}
