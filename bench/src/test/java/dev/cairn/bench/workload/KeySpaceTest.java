package dev.cairn.bench.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeySpaceTest {

  @Test
  void hashedKeysAreUniqueAndDisjointFromMissingOnes() {
    KeySpace ks = new KeySpace(16);
    Set<String> seen = new HashSet<>();
    for (long i = 0; i < 50_000; i++) {
      byte[] k = ks.key(i);
      assertEquals(16, k.length);
      assertTrue(seen.add(HexFormat.of().formatHex(k)), "duplicate key for " + i);
    }
    for (long i = 0; i < 50_000; i++) {
      assertFalse(seen.contains(HexFormat.of().formatHex(ks.key(KeySpace.MISSING_BASE + i))));
    }
  }

  @Test
  void orderedKeysSortInRecordOrderAndHashedOnesDoNot() {
    KeySpace ks = new KeySpace(8);
    int sortedPairs = 0;
    for (long i = 0; i < 1000; i++) {
      assertTrue(Arrays.compareUnsigned(ks.orderedKey(i), ks.orderedKey(i + 1)) < 0);
      sortedPairs += Arrays.compareUnsigned(ks.key(i), ks.key(i + 1)) < 0 ? 1 : 0;
    }
    assertTrue(sortedPairs > 400 && sortedPairs < 600, "hashed keys look ordered: " + sortedPairs);
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 1, 0}, ks.orderedKey(256));
  }

  @Test
  void rejectsKeysTooShortForAnId() {
    assertThrows(IllegalArgumentException.class, () -> new KeySpace(7));
  }

  @Test
  void valuesHaveTheirSizeAndFollowTheSeed() {
    ValueSource a = new ValueSource(1, 100);
    ValueSource b = new ValueSource(1, 100);
    SplittableRandom ra = new SplittableRandom(5);
    SplittableRandom rb = new SplittableRandom(5);
    for (int i = 0; i < 100; i++) {
      byte[] va = a.next(ra);
      assertEquals(100, va.length);
      assertArrayEquals(va, b.next(rb));
    }
    assertEquals(0, new ValueSource(1, 0).next(ra).length);
  }
}
