package dev.cairn.engine.toolkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VarintsTest {

  private static byte[] encode(long v) {
    ByteBuffer b = ByteBuffer.allocate(Varints.MAX_LONG_BYTES);
    Varints.putUnsignedLong(b, v);
    return Arrays.copyOf(b.array(), b.position());
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void knownEncodings() {
    assertArrayEquals(bytes(0x00), encode(0));
    assertArrayEquals(bytes(0x7F), encode(127));
    assertArrayEquals(bytes(0x80, 0x01), encode(128));
    assertArrayEquals(bytes(0xAC, 0x02), encode(300));
    assertArrayEquals(
        bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), encode(-1L));
    ByteBuffer b = ByteBuffer.allocate(5);
    Varints.putUnsignedInt(b, -1);
    assertArrayEquals(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F), b.array());
  }

  @Test
  void sizes() {
    assertEquals(1, Varints.sizeOf(0));
    assertEquals(1, Varints.sizeOf(127));
    assertEquals(2, Varints.sizeOf(128));
    assertEquals(5, Varints.sizeOf(-1));
    assertEquals(5, Varints.sizeOf(Integer.MIN_VALUE));
    assertEquals(4, Varints.sizeOf((1 << 28) - 1));
    assertEquals(10, Varints.sizeOf(-1L));
    assertEquals(9, Varints.sizeOf(Long.MAX_VALUE));
    assertEquals(5, Varints.sizeOf(0xFFFF_FFFFL));
  }

  @Test
  void roundTripsEdgesAndRandomValues() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("VarintsTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    long[] edges = {
      0,
      1,
      127,
      128,
      16383,
      16384,
      Integer.MAX_VALUE,
      0xFFFF_FFFFL,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      -1L
    };
    for (long v : edges) {
      assertLongRoundTrip(v, seed);
    }
    for (int i = 0; i < 20_000; i++) {
      long v = random.nextLong() >>> random.nextInt(64);
      assertLongRoundTrip(v, seed);
      int iv = random.nextInt() >>> random.nextInt(32);
      ByteBuffer b = ByteBuffer.allocate(5);
      Varints.putUnsignedInt(b, iv);
      assertEquals(Varints.sizeOf(iv), b.position(), "seed " + seed);
      b.flip();
      assertEquals(iv, Varints.getUnsignedInt(b), "seed " + seed);
      assertEquals(b.limit(), b.position());
    }
  }

  private static void assertLongRoundTrip(long v, long seed) {
    byte[] e = encode(v);
    assertEquals(Varints.sizeOf(v), e.length, "seed " + seed + " value " + v);
    ByteBuffer b = ByteBuffer.wrap(e);
    assertEquals(v, Varints.getUnsignedLong(b), "seed " + seed + " value " + v);
    assertEquals(e.length, b.position());
  }

  @Test
  void arrayWriterReturnsNextOffset() {
    byte[] target = new byte[8];
    int at = Varints.putUnsignedLong(target, 1, 300);
    assertEquals(3, at);
    assertEquals(300, Varints.getUnsignedLong(ByteBuffer.wrap(target, 1, 2)));
    assertThrows(InvalidArgumentException.class, () -> Varints.putUnsignedLong(target, 7, 300));
    assertEquals(0, target[7], "nothing is written when the value does not fit");
    assertThrows(InvalidArgumentException.class, () -> Varints.putUnsignedLong(target, 9, 1));
    assertThrows(InvalidArgumentException.class, () -> Varints.putUnsignedLong(target, -1, 1));
    assertEquals(8, Varints.putUnsignedLong(target, 7, 1), "the last byte is usable");
  }

  @Test
  void truncatedInputIsCorruptionAndLeavesPositionAlone() {
    ByteBuffer b = ByteBuffer.wrap(bytes(0x05, 0x80, 0x80));
    b.position(1);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> Varints.getUnsignedLong(b));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.getMessage().contains("offset 1"), e.getMessage());
    assertEquals(1, b.position());
    assertThrows(CorruptionException.class, () -> Varints.getUnsignedInt(ByteBuffer.allocate(0)));
  }

  @Test
  void overlongInputIsCorruption() {
    // Sixth byte for an int.
    assertOverlongInt(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x00));
    // Fifth byte carrying bits above 32.
    assertOverlongInt(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x1F));
    // Non-canonical: a trailing zero group.
    assertOverlongInt(bytes(0x80, 0x00));
    assertOverlongInt(bytes(0xFF, 0x80, 0x00));
    // Eleventh byte, and a tenth byte above bit 63, for a long.
    assertThrows(
        CorruptionException.class,
        () ->
            Varints.getUnsignedLong(
                ByteBuffer.wrap(
                    bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1))));
    assertThrows(
        CorruptionException.class,
        () ->
            Varints.getUnsignedLong(
                ByteBuffer.wrap(
                    bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02))));
    // The largest valid values still read.
    assertEquals(-1, Varints.getUnsignedInt(ByteBuffer.wrap(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F))));
    // A lone zero byte is the canonical zero.
    assertEquals(0, Varints.getUnsignedInt(ByteBuffer.wrap(bytes(0x00))));
  }

  private static void assertOverlongInt(byte[] input) {
    ByteBuffer b = ByteBuffer.wrap(input);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> Varints.getUnsignedInt(b));
    assertTrue(e.getMessage().contains("overlong"), e.getMessage());
    assertEquals(0, b.position());
  }
}
