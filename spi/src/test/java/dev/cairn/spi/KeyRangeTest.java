package dev.cairn.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyRangeTest {

  private static byte[] b(int... v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  @Test
  void boundsCompareUnsigned() {
    KeyRange r = KeyRange.between(b(0x10), b(0x90));
    assertTrue(r.contains(b(0x10)), "lower bound is inclusive");
    assertTrue(r.contains(b(0x7F)));
    assertTrue(r.contains(b(0x80)), "0x80 orders after 0x7F, not before 0x00");
    assertFalse(r.contains(b(0x90)), "upper bound is exclusive");
    assertFalse(r.contains(b(0x0F)));
    assertFalse(r.contains(b(0xFF)));
  }

  @Test
  void exclusiveLowerAndInclusiveUpper() {
    KeyRange r = new KeyRange(new KeyRange.Bound(b(1), false), new KeyRange.Bound(b(3), true));
    assertFalse(r.contains(b(1)));
    assertTrue(r.contains(b(1, 0)), "a longer key orders after its prefix");
    assertTrue(r.contains(b(3)));
    assertFalse(r.contains(b(3, 0)));
  }

  @Test
  void invertedBoundsAreRejected() {
    assertThrows(InvalidArgumentException.class, () -> KeyRange.between(b(2), b(1)));
  }

  @Test
  void emptyButValidRange() {
    KeyRange r = KeyRange.between(b(5), b(5));
    assertFalse(r.contains(b(5)));
  }

  @Test
  void prefixRangeIncrementsLastNonFfByte() {
    KeyRange r = KeyRange.prefix(b(0x01, 0xFF));
    assertArrayEquals(b(0x02), r.upper().key());
    assertTrue(r.contains(b(0x01, 0xFF, 0xFF, 0xFF)));
    assertFalse(r.contains(b(0x02)));
    assertFalse(r.contains(b(0x01, 0xFE)));
  }

  @Test
  void prefixOfAllFfHasNoUpperBound() {
    KeyRange r = KeyRange.prefix(b(0xFF, 0xFF));
    assertNull(r.upper());
    assertTrue(r.contains(b(0xFF, 0xFF, 0x00)));
    assertFalse(r.contains(b(0xFF, 0xFE)));
  }

  @Test
  void boundKeysAreCopied() {
    byte[] key = b(1);
    KeyRange r = KeyRange.atLeast(key);
    key[0] = 9;
    assertArrayEquals(b(1), r.lower().key());
    r.lower().key()[0] = 7;
    assertArrayEquals(b(1), r.lower().key());
  }

  @Test
  void nullAndOversizedBoundsAreRejected() {
    assertThrows(InvalidArgumentException.class, () -> KeyRange.atLeast(null));
    assertThrows(
        InvalidArgumentException.class, () -> KeyRange.atMost(new byte[Limits.MAX_KEY_SIZE + 1]));
  }
}
