package dev.cairn.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChooserTest {

  private static final long SEED = 7;
  private static final int DRAWS = 200_000;

  private static long[] histogram(KeyChooser c, int items) {
    SplittableRandom r = new SplittableRandom(SEED);
    long[] h = new long[items];
    for (int i = 0; i < DRAWS; i++) {
      long n = c.next(r);
      assertTrue(n >= 0 && n < items, "out of range: " + n);
      h[(int) n]++;
    }
    return h;
  }

  @Test
  void uniformCoversTheRangeEvenly() {
    long[] h = histogram(new UniformChooser(100), 100);
    for (long count : h) {
      // expected 2000 each; 5 standard deviations is about 220
      assertTrue(Math.abs(count - 2000) < 250, "bucket count " + count);
    }
  }

  @Test
  void zipfianMatchesItsProbabilities() {
    int items = 1000;
    long[] h = histogram(ZipfianChooser.of(items), items);
    double zeta = ZipfianChooser.zeta(items, ZipfianChooser.THETA);
    // P(0) = 1/zeta, P(1) = 1/(2^theta zeta): the two branches of the algorithm taken exactly
    double p0 = 1 / zeta;
    double p1 = 1 / (Math.pow(2, ZipfianChooser.THETA) * zeta);
    assertEquals(p0, h[0] / (double) DRAWS, 0.005);
    assertEquals(p1, h[1] / (double) DRAWS, 0.005);
    // the head is heavier than the tail: the first 10% of items get well over half the draws
    long head = 0;
    for (int i = 0; i < items / 10; i++) {
      head += h[i];
    }
    assertTrue(head > DRAWS * 0.6, "head share " + head);
  }

  @Test
  void zetaOfTheScrambledConstantIsYcsbs() {
    // YCSB's ZETAN is zeta(10^10, 0.99); check the formula on a prefix grows the same way
    assertEquals(1.0, ZipfianChooser.zeta(1, 0.99), 1e-12);
    assertEquals(1 + 1 / Math.pow(2, 0.99), ZipfianChooser.zeta(2, 0.99), 1e-12);
    assertTrue(ScrambledZipfianChooser.ZETAN > ZipfianChooser.zeta(1_000_000, 0.99));
  }

  @Test
  void scrambledZipfianIsSkewedButNotTowardsTheFirstItems() {
    int items = 1000;
    long[] h = histogram(new ScrambledZipfianChooser(items), items);
    int hottest = 0;
    for (int i = 1; i < items; i++) {
      if (h[i] > h[hottest]) {
        hottest = i;
      }
    }
    // the hottest item is the hash of zipfian item 0, and gets about P(0) of the draws
    assertEquals(Long.remainderUnsigned(Fnv.hash64(0), items), hottest);
    assertTrue(h[hottest] > DRAWS / 30, "hottest share " + h[hottest]);
  }

  @Test
  void latestFavoursTheNewestRecords() {
    AtomicLong inserted = new AtomicLong(1000);
    long[] h = histogram(new LatestChooser(inserted), 1000);
    assertTrue(h[999] > h[500] * 10, "newest " + h[999] + " vs middle " + h[500]);
    inserted.set(2000); // grows with inserts: the newest record is now 1999
    SplittableRandom r = new SplittableRandom(SEED);
    LatestChooser grown = new LatestChooser(inserted);
    long newest = 0;
    for (int i = 0; i < 10_000; i++) {
      newest += grown.next(r) == 1999 ? 1 : 0;
    }
    assertTrue(newest > 1000, "draws of the newest record: " + newest);
  }

  @Test
  void sameSeedSameSequence() {
    KeyChooser c = new ScrambledZipfianChooser(50_000);
    SplittableRandom a = new SplittableRandom(99);
    SplittableRandom b = new SplittableRandom(99);
    for (int i = 0; i < 1000; i++) {
      assertEquals(c.next(a), c.next(b));
    }
  }
}
