package dev.cairn.engine.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Crc32cTest {

  @Test
  void matchesPublishedVectors() {
    // RFC 3720 (iSCSI) B.4 and LevelDB's crc32c_test.cc.
    assertEquals(0xE3069283, Crc32c.value("123456789".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0x8A9136AA, Crc32c.value(new byte[32]));
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xFF);
    assertEquals(0x62A8AB43, Crc32c.value(ones));
    byte[] ascending = new byte[32];
    for (int i = 0; i < 32; i++) {
      ascending[i] = (byte) i;
    }
    assertEquals(0x46DD794E, Crc32c.value(ascending));
  }

  @Test
  void sliceAndBufferAgreeWithArray() {
    byte[] data = "xx123456789yy".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, Crc32c.value(data, 2, 9));
    ByteBuffer b = ByteBuffer.wrap(data, 2, 9);
    assertEquals(0xE3069283, Crc32c.value(b));
    assertEquals(2, b.position(), "value(ByteBuffer) must not move the position");
  }

  @Test
  void maskIsAReversibleChange() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("Crc32cTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    int crc = Crc32c.value("foo".getBytes(StandardCharsets.US_ASCII));
    assertNotEquals(crc, Crc32c.mask(crc));
    assertNotEquals(crc, Crc32c.mask(Crc32c.mask(crc)));
    assertEquals(crc, Crc32c.unmask(Crc32c.mask(crc)));
    assertEquals(crc, Crc32c.unmask(Crc32c.unmask(Crc32c.mask(Crc32c.mask(crc)))));
    for (int i = 0; i < 10_000; i++) {
      int v = random.nextInt();
      assertEquals(v, Crc32c.unmask(Crc32c.mask(v)), "seed " + seed + " value " + v);
    }
  }

  @Test
  void maskMatchesLevelDbDefinition() {
    // LevelDB: ((crc >> 15) | (crc << 17)) + 0xa282ead8, on uint32_t.
    assertEquals(0xA282EAD8, Crc32c.mask(0));
    assertEquals(
        (int) (((0x80000000L >>> 15) | ((0x80000000L << 17) & 0xFFFFFFFFL)) + 0xA282EAD8L),
        Crc32c.mask(0x80000000));
  }
}
