package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Both filter kinds: no key written is ever refused, and most keys not written are. */
class BloomFilterTest {

  private static long[] hashes(String prefix, int n) {
    long[] h = new long[n];
    for (int i = 0; i < n; i++) {
      h[i] = BloomFilter.hash(StoreKeys.of(0, (prefix + i).getBytes()));
    }
    return h;
  }

  private static int passed(byte[] filter, long[] hashes) {
    int n = 0;
    for (long h : hashes) {
      if (BloomFilter.mayContain(filter, h)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void aBlockedFilterPassesEveryKeyAndStopsMostOthers() {
    for (int keys : new int[] {0, 1, 7, 100, 5000, 100_000}) {
      long[] in = hashes("key", keys);
      byte[] filter = BloomFilter.build(in, keys, 10);
      assertEquals(0, (filter.length - 1) % 64, "whole 64-byte blocks");
      assertEquals(BloomFilter.BLOCKED + BloomFilter.probes(10), filter[filter.length - 1]);
      assertEquals(keys, passed(filter, in), keys + " keys: every key written passes");
      if (keys >= 5000) {
        int absent = passed(filter, hashes("absent", 20_000));
        assertTrue(absent < 400, absent + " of 20000 absent keys passed a 10-bit filter");
      }
    }
  }

  @Test
  void aClassicFilterIsStillRead() {
    long[] in = hashes("key", 5000);
    byte[] filter = BloomFilter.buildClassic(in, in.length, 10);
    assertEquals(in.length, passed(filter, in));
    int absent = passed(filter, hashes("absent", 20_000));
    assertTrue(absent < 400, absent + " of 20000 absent keys passed a classic 10-bit filter");
  }

  @Test
  void aFilterOfAnUnknownShapePassesEveryKey() {
    long[] absent = hashes("absent", 1000);
    byte[] blocked = BloomFilter.build(hashes("key", 100), 100, 10);
    byte[] truncated = java.util.Arrays.copyOfRange(blocked, 1, blocked.length);
    assertEquals(1000, passed(truncated, absent), "a blocked filter not of whole blocks");
    byte[] unknown = blocked.clone();
    unknown[unknown.length - 1] = (byte) 0xC0;
    assertEquals(1000, passed(unknown, absent), "an unknown kind");
    assertEquals(1000, passed(new byte[] {5}, absent), "too short");
  }
}
