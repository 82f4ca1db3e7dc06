package dev.cairn.engine.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeydirTest {

  private static long seed() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("KeydirTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    return seed;
  }

  private static Entry entry(long seq) {
    return new Entry(seq, 1 + (int) (seq % 7), 16 + seq * 10, 30, seq % 5 == 0);
  }

  @Test
  void growsByRehashAndFindsEveryEntryWithinTheMemoryBudget() {
    SplittableRandom r = new SplittableRandom(seed());
    try (Keydir k = new Keydir()) {
      Map<Long, Long> model = new HashMap<>();
      for (long seq = 1; seq <= 200_000; seq++) {
        long h = r.nextLong();
        model.put(h, seq);
        k.put(h, 0, entry(seq));
      }
      assertEquals(model.size(), k.size());
      for (Map.Entry<Long, Long> e : model.entrySet()) {
        Entry[] c = k.candidates(e.getKey());
        assertEquals(1, c.length);
        assertEquals(entry(e.getValue()), c[0]);
      }
      assertEquals(java.util.List.of(), k.check());
      double perKey = (double) k.bytes() / k.size();
      assertTrue(perKey <= 64, "index bytes per key " + perKey);
      assertTrue(perKey >= KeydirSegment.SLOT, "index bytes per key " + perKey);
    }
  }

  @Test
  void keepsEveryEntryOfOneHashAndRemovesWithoutBreakingChains() {
    try (Keydir k = new Keydir()) {
      long h = 0x1234_5678_9ABC_DEF0L;
      for (long seq = 1; seq <= 40; seq++) {
        k.put(h, 0, entry(seq));
        k.put(h + seq, 0, entry(1000 + seq)); // neighbours in the same segment
      }
      assertEquals(40, k.candidates(h).length);
      for (long seq = 1; seq <= 40; seq += 2) {
        assertTrue(k.removeIfAt(h, seq, entry(seq).fileId(), entry(seq).offset()));
      }
      assertFalse(k.removeIfAt(h, 1, entry(1).fileId(), entry(1).offset()));
      assertEquals(20, k.candidates(h).length);
      for (long seq = 1; seq <= 40; seq++) {
        assertEquals(1, k.candidates(h + seq).length, "neighbour " + seq);
      }
      assertEquals(java.util.List.of(), k.check());
    }
  }

  @Test
  void randomPutsRemovesAndMovesAgreeWithAModel() {
    SplittableRandom r = new SplittableRandom(seed());
    try (Keydir k = new Keydir()) {
      Map<Long, Entry> model = new HashMap<>();
      long[] hashes = new long[3000];
      for (int i = 0; i < hashes.length; i++) {
        // few distinct top bits: many keys share segments and probe chains
        hashes[i] = ((long) r.nextInt(4) << 60) | r.nextInt(1 << 20);
      }
      long seq = 0;
      for (int step = 0; step < 60_000; step++) {
        long h = hashes[r.nextInt(hashes.length)];
        Entry old = model.get(h);
        int op = r.nextInt(10);
        if (op < 6) {
          Entry e = entry(++seq);
          Entry replaced = k.put(h, old == null ? 0 : old.seq(), e);
          assertEquals(old, replaced);
          model.put(h, e);
        } else if (op < 8 && old != null) {
          assertTrue(k.removeIfAt(h, old.seq(), old.fileId(), old.offset()));
          model.remove(h);
        } else if (old != null) {
          Entry moved = old.movedTo(99, 16 + step);
          assertTrue(k.move(h, old.seq(), old.fileId(), old.offset(), moved));
          assertFalse(k.move(h, old.seq(), old.fileId(), old.offset(), moved));
          model.put(h, moved);
        }
      }
      assertEquals(model.size(), k.size());
      for (long h : hashes) {
        Entry[] c = k.candidates(h);
        Entry want = model.get(h);
        if (want == null) {
          assertEquals(0, c.length);
        } else {
          assertEquals(1, c.length);
          assertEquals(want, c[0]);
          assertTrue(k.isCurrent(h, want.seq(), want.fileId(), want.offset()));
        }
      }
      long tombstones = model.values().stream().filter(Entry::tombstone).count();
      assertEquals(tombstones, k.tombstones());
      assertEquals(java.util.List.of(), k.check());
    }
  }

  @Test
  void closingFreesTheMemoryAndLaterLookupsFindNothing() {
    Keydir k = new Keydir();
    k.put(42, 0, entry(1));
    assertTrue(k.bytes() > 0);
    k.close();
    k.close();
    assertEquals(0, k.bytes());
    assertEquals(0, k.candidates(42).length);
    assertNull(null);
  }
}
