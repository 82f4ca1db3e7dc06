package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The memtable's skip list against a sorted map: lookups, seeks both ways, iteration, counts,
 * entries larger than a chunk, and readers running while the writer inserts.
 */
class MemTableTest {

  private static final long SEED = Long.getLong("memtable.seed", System.nanoTime());

  private static byte[] key(SplittableRandom r, int keys) {
    byte[] k = new byte[1 + r.nextInt(1, 12)];
    long id = r.nextInt(keys);
    for (int i = 1; i < k.length; i++) {
      k[i] = (byte) (id >>> (8 * ((k.length - 1 - i) % 4)));
    }
    return k;
  }

  private static byte[] value(SplittableRandom r) {
    int n = r.nextInt(500) == 0 ? r.nextInt(1 << 20, 3 << 20) : r.nextInt(0, 200);
    byte[] v = new byte[n];
    r.nextBytes(v);
    return v;
  }

  @Test
  void holdsWhatASortedMapHolds() {
    System.out.println("MemTableTest seed " + SEED + " (replay with -Dmemtable.seed=" + SEED + ")");
    SplittableRandom r = new SplittableRandom(SEED);
    MemTable m = new MemTable(7);
    TreeMap<InternalKey, byte[]> model = new TreeMap<>(InternalKey.ORDER);
    long seq = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] k = key(r, 700);
      int kind = r.nextInt(5) == 0 ? InternalKey.DELETE : InternalKey.PUT;
      byte[] v = kind == InternalKey.DELETE ? null : value(r);
      m.add(k, ++seq, kind, v);
      model.put(
          new InternalKey(k, InternalKey.trailer(seq, kind)), v == null ? MemTable.NO_VALUE : v);
    }
    assertEquals(model.size(), m.entries());
    assertEquals(seq, m.largestSequence());

    List<InternalKey> forward = new ArrayList<>();
    for (long n = m.first(); n != 0; n = m.next(n)) {
      InternalKey k = m.key(n);
      forward.add(k);
      assertArrayEquals(model.get(k), m.value(n), "value of " + k);
      assertArrayEquals(k.encode(), m.encodedKey(n));
      assertEquals(k.trailer, m.trailer(n));
    }
    assertEquals(new ArrayList<>(model.keySet()), forward, "iteration order");
    assertEquals(model.lastKey(), m.key(m.last()));

    for (int i = 0; i < 3000; i++) {
      byte[] k = key(r, 800);
      long at = r.nextLong(seq + 2);
      InternalKey target = InternalKey.seekTarget(k, at);
      Map.Entry<InternalKey, byte[]> want = model.ceilingEntry(target);
      Map.Entry<InternalKey, byte[]> got = m.get(k, at);
      if (want == null || !java.util.Arrays.equals(want.getKey().userKey, k)) {
        assertNull(got, "get of a key without a version at or below " + at);
      } else {
        assertEquals(want.getKey(), got.getKey());
        assertArrayEquals(want.getValue(), got.getValue());
      }
      assertEquals(model.ceilingKey(target), keyOrNull(m, m.ceiling(target)), "ceiling");
      assertEquals(model.floorKey(target), keyOrNull(m, m.before(target, true)), "floor");
      assertEquals(model.lowerKey(target), keyOrNull(m, m.before(target, false)), "lower");
      InternalKey other = InternalKey.seekTarget(key(r, 800), InternalKey.MAX_SEQUENCE);
      if (InternalKey.compare(target, other) <= 0) {
        assertEquals(model.subMap(target, other).size(), m.count(target, other), "count");
      }
    }

    MemTableIterator it = new MemTableIterator(m);
    it.seekToLast();
    List<InternalKey> backward = new ArrayList<>();
    for (; it.valid(); it.prev()) {
      backward.add(it.key());
    }
    assertEquals(new ArrayList<>(model.descendingKeySet()), backward, "backward order");
  }

  private static InternalKey keyOrNull(MemTable m, long node) {
    return node == 0 ? null : m.key(node);
  }

  /**
   * A node's key prefix orders keys as the keys do whenever the prefixes differ, also for keys
   * shorter than a prefix, keys with zero bytes, keys that are prefixes of others and bytes above
   * 0x7F; equal keys have equal prefixes.
   */
  @Test
  void keyPrefixesOrderAsTheirKeys() {
    List<byte[]> keys = new ArrayList<>();
    for (String k : List.of("", "a", "ab", "abcdefgh", "abcdefghi", "abcdefgg", "b")) {
      keys.add(k.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    keys.add(new byte[] {'a', 0});
    keys.add(new byte[] {'a', 0, 0});
    keys.add(new byte[] {0});
    keys.add(new byte[8]);
    keys.add(new byte[9]);
    keys.add(new byte[] {(byte) 0xFF});
    keys.add(new byte[] {(byte) 0x80, 1, 2, 3, 4, 5, 6, 7, 8});
    SplittableRandom r = new SplittableRandom(SEED);
    for (int i = 0; i < 500; i++) {
      byte[] k = new byte[r.nextInt(0, 12)];
      for (int j = 0; j < k.length; j++) {
        k[j] = (byte) (r.nextInt(4) == 0 ? 0 : r.nextInt(256));
      }
      keys.add(k);
    }
    for (byte[] a : keys) {
      for (byte[] b : keys) {
        int want = Integer.signum(java.util.Arrays.compareUnsigned(a, b));
        long pa = MemTable.prefix(a);
        long pb = MemTable.prefix(b);
        if (pa != pb) {
          assertEquals(want, Integer.signum(Long.compareUnsigned(pa, pb)), "seed " + SEED);
        } else if (want != 0) {
          // equal prefixes decide nothing: the keys agree on their first eight bytes (padded)
          assertEquals(
              0,
              java.util.Arrays.compareUnsigned(
                  java.util.Arrays.copyOf(a, 8), java.util.Arrays.copyOf(b, 8)),
              "seed " + SEED);
        }
      }
    }
  }

  @Test
  void anEmptyMemTableHoldsNothing() {
    MemTable m = new MemTable(1);
    assertTrue(m.isEmpty());
    assertEquals(0, m.first());
    assertEquals(0, m.last());
    assertNull(m.get(new byte[] {0, 1}, InternalKey.MAX_SEQUENCE));
    assertEquals(0, m.approximateBytes());
  }

  @Test
  void readersSeeWholeEntriesWhileTheWriterInserts() throws InterruptedException {
    System.out.println("MemTableTest seed " + SEED + " (replay with -Dmemtable.seed=" + SEED + ")");
    MemTable m = new MemTable(1);
    int total = 200_000;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      long seed = SEED + t;
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    try {
                      while (m.entries() < total) {
                        // NB: every key i holds the value i, 4 bytes; a reader must never see a
                        // node whose key and value disagree, nor keys out of order.
                        int i = r.nextInt(total);
                        Map.Entry<InternalKey, byte[]> e =
                            m.get(keyOf(i), InternalKey.MAX_SEQUENCE);
                        if (e != null && Block.getIntLe(e.getValue(), 0) != i) {
                          throw new AssertionError("key " + i + " with a value of another key");
                        }
                        InternalKey prev = null;
                        long n =
                            m.ceiling(InternalKey.seekTarget(keyOf(i), InternalKey.MAX_SEQUENCE));
                        for (int s = 0; s < 50 && n != 0; s++, n = m.next(n)) {
                          InternalKey k = m.key(n);
                          if (prev != null && InternalKey.compare(prev, k) >= 0) {
                            throw new AssertionError(k + " after " + prev);
                          }
                          prev = k;
                        }
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  });
      readers.add(reader);
    }
    SplittableRandom r = new SplittableRandom(SEED);
    int[] order = new int[total];
    for (int i = 0; i < total; i++) {
      int j = r.nextInt(i + 1);
      order[i] = order[j];
      order[j] = i;
    }
    long seq = 0;
    for (int i : order) {
      byte[] v = new byte[4];
      v[0] = (byte) i;
      v[1] = (byte) (i >>> 8);
      v[2] = (byte) (i >>> 16);
      v[3] = (byte) (i >>> 24);
      m.add(keyOf(i), ++seq, InternalKey.PUT, v);
    }
    for (Thread t : readers) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError("a reader failed (seed " + SEED + ")", failure.get());
    }
    assertEquals(total, m.entries());
  }

  /**
   * A reader at a published sequence gets the newest version at or below it, never a newer one,
   * while the writer links newer versions of the same keys in right where the reader's search ends.
   */
  @Test
  void aReaderAtASequenceNeverLandsOnANewerVersion() throws InterruptedException {
    MemTable m = new MemTable(1);
    byte[][] keys = {{0, 'r'}, {1, 'r'}, {2, 'r'}};
    AtomicLong visible = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> wrong = new AtomicReference<>();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!done.get() && wrong.get() == null) {
                    long s = visible.get();
                    for (byte[] k : keys) {
                      Map.Entry<InternalKey, byte[]> e = m.get(k, s);
                      long seq = e == null ? -1 : e.getKey().sequence();
                      // NB: every version up to s is linked before s is published
                      if (s > 3 && (seq > s || seq <= s - 3)) {
                        wrong.compareAndSet(null, "key " + k[0] + " at " + s + " got " + seq);
                      }
                    }
                  }
                });
    long seq = 0;
    for (int r = 0; r < 200_000 && wrong.get() == null; r++) {
      for (byte[] k : keys) {
        m.add(k, ++seq, InternalKey.PUT, new byte[] {1});
      }
      visible.set(seq);
    }
    done.set(true);
    reader.join();
    assertNull(wrong.get());
  }

  private static byte[] keyOf(int i) {
    return new byte[] {0, (byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
  }
}
