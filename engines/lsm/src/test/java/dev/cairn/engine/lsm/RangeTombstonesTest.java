package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fragmenting range tombstones, and what they say about a key at a sequence. */
class RangeTombstonesTest {

  private static byte[] k(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void overlappingTombstonesAreCutIntoFragmentsCarryingEverySequence() {
    RangeTombstones t =
        RangeTombstones.builder()
            .add(k("a"), k("m"), 5)
            .add(k("f"), k("z"), 9)
            .add(k("c"), k("c"), 7) // empty: deletes nothing
            .add(k("f"), k("z"), 9) // a repeat
            .build();
    List<RangeTombstones.Fragment> f = t.fragments();
    assertEquals(3, f.size());
    assertEquals("a", s(f.get(0).start()));
    assertEquals("f", s(f.get(0).end()));
    assertArrayEquals(new long[] {5}, f.get(0).sequences());
    assertEquals("f", s(f.get(1).start()));
    assertEquals("m", s(f.get(1).end()));
    assertArrayEquals(new long[] {9, 5}, f.get(1).sequences());
    assertArrayEquals(new long[] {9}, f.get(2).sequences());
    assertEquals(4, t.size());
    assertEquals(5, t.smallestSequence());
    assertEquals(9, t.largestSequence());
    assertEquals(9, t.covering(k("g"), 100));
    assertEquals(5, t.covering(k("g"), 8), "a reader below 9 sees only the older tombstone");
    assertEquals(0, t.covering(k("g"), 4));
    assertEquals(0, t.covering(k("z"), 100), "the end is exclusive");
    assertEquals(5, t.covering(k("a"), 100), "the start is inclusive");
    assertEquals(0, t.covering(k("0"), 100));
    assertNull(t.fragmentAt(k("zz")));
    assertEquals(9, t.fragmentAt(k("g")).oldestAbove(5));
    assertEquals(5, t.fragmentAt(k("g")).oldestAbove(1));
    assertEquals("a", s(t.smallestKey()));
    assertEquals("z", s(t.largestEnd()));
    assertTrue(t.largestInternalKey().isRangeSentinel());
  }

  @Test
  void clippingAndSequenceCutsKeepWhatIsInside() {
    RangeTombstones t =
        RangeTombstones.builder().add(k("a"), k("m"), 5).add(k("f"), k("z"), 9).build();
    RangeTombstones c = t.clip(k("g"), k("p"));
    assertEquals("g", s(c.smallestKey()));
    assertEquals("p", s(c.largestEnd()));
    assertEquals(5, c.covering(k("h"), 6));
    assertEquals(0, c.covering(k("b"), 100));
    assertEquals(0, c.covering(k("p"), 100));
    assertTrue(t.clip(k("zz"), null).isEmpty());
    RangeTombstones old = t.atOrBelow(6);
    assertEquals(2, old.size(), "[a, m) at 5, in the two fragments it was cut into");
    assertEquals(0, old.covering(k("n"), 100));
    assertEquals(5, old.covering(k("b"), 100));
  }

  @Test
  void randomTombstonesAnswerAsABruteForceScan() {
    long seed = Long.getLong("cairn.seed", new SplittableRandom().nextLong());
    SplittableRandom rnd = new SplittableRandom(seed);
    RangeTombstones.Builder b = RangeTombstones.builder();
    int n = 200;
    int[][] all = new int[n][];
    for (int i = 0; i < n; i++) {
      int x = rnd.nextInt(100);
      int y = x + rnd.nextInt(30);
      all[i] = new int[] {x, y, 1 + rnd.nextInt(1000)};
      b.add(key(x), key(y), all[i][2]);
    }
    RangeTombstones t = b.build();
    for (int probe = 0; probe < 2000; probe++) {
      int x = rnd.nextInt(140);
      long read = rnd.nextInt(1100);
      long expected = 0;
      for (int[] r : all) {
        if (r[0] <= x && x < r[1] && r[2] <= read) {
          expected = Math.max(expected, r[2]);
        }
      }
      assertEquals(expected, t.covering(key(x), read), "seed " + seed + ", key " + x);
    }
  }

  private static byte[] key(int i) {
    return k(String.format("%04d", i));
  }
}
