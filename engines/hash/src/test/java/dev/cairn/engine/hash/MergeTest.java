package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeTest {

  @TempDir Path dir;

  private static final Map<String, String> SMALL =
      Map.of("file.size", "8k", "merge.threshold", "0.3");

  private static long seed() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("MergeTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    return seed;
  }

  private static void check(HashEngine e, Map<String, String> model, int keys) {
    for (int i = 0; i < keys; i++) {
      assertEquals(model.get("k" + i), s(e.get(b("k" + i))), "k" + i);
    }
    var report = e.checkConsistency();
    assertTrue(report.isConsistent(), report.problems()::toString);
    int seen = 0;
    try (var c = e.cursor()) {
      while (c.next()) {
        assertEquals(model.get(s(c.key())), s(c.value()));
        seen++;
      }
    }
    assertEquals(model.size(), seen);
  }

  @Test
  void mergeReclaimsStaleBytesKeepsLiveDataAndNeverResurrectsADelete() {
    SplittableRandom r = new SplittableRandom(seed());
    Map<String, String> model = new HashMap<>();
    int keys = 200;
    long before;
    try (HashEngine e = open(dir, SMALL)) {
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 400; i++) {
          String k = "k" + r.nextInt(keys);
          if (r.nextInt(4) == 0) {
            e.delete(b(k), Durability.BUFFERED);
            model.remove(k);
          } else {
            String v = "v" + round + "-" + i + "-" + "x".repeat(r.nextInt(40));
            e.put(b(k), b(v), Durability.BUFFERED);
            model.put(k, v);
          }
        }
        before = e.statistics().diskBytes();
        e.runBackgroundCycle();
        e.runBackgroundCycle();
        check(e, model, keys);
      }
      EngineStatistics st = e.statistics();
      assertTrue(st.details().get("merge.count") > 0, "no merge ran: " + st);
      assertTrue(
          st.details().get("stale.bytes") < st.diskBytes() / 2, "stale bytes stay high: " + st);
      assertEquals(model.size(), st.approximateKeys());
    }
    try (HashEngine e = open(dir, SMALL)) {
      check(e, model, keys);
      for (int i = 0; i < keys; i++) {
        e.delete(b("k" + i), Durability.BUFFERED);
      }
      model.clear();
      e.runBackgroundCycle();
      e.runBackgroundCycle();
      check(e, model, keys);
    }
    try (HashEngine e = open(dir, SMALL)) {
      check(e, model, keys);
    }
  }

  @Test
  void readersFindEveryKeyWhileMergeRetiresTheFilesTheyRead() throws Exception {
    SplittableRandom r = new SplittableRandom(seed());
    int keys = 200;
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < keys; i++) {
        e.put(b("k" + i), b("k" + i + "=0"), Durability.BUFFERED);
      }
      java.util.List<Thread> readers = new java.util.ArrayList<>();
      for (int t = 0; t < 2; t++) {
        long readerSeed = r.nextLong();
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      SplittableRandom rr = new SplittableRandom(readerSeed);
                      try {
                        while (!stop.get()) {
                          String k = "k" + rr.nextInt(keys);
                          String v = s(e.get(b(k)));
                          assertTrue(v != null && v.startsWith(k + "="), k + " read " + v);
                          reads.incrementAndGet();
                        }
                      } catch (Throwable ex) {
                        failure.set(ex);
                      }
                    }));
      }
      try {
        for (int round = 1; round <= 20 && failure.get() == null; round++) {
          for (int i = 0; i < keys; i++) {
            e.put(
                b("k" + i),
                b("k" + i + "=" + round + "x".repeat(r.nextInt(40))),
                Durability.BUFFERED);
          }
          e.runBackgroundCycle();
        }
      } finally {
        stop.set(true);
        for (Thread t : readers) {
          t.join();
        }
      }
      if (failure.get() != null) {
        throw new AssertionError("a reader failed", failure.get());
      }
      assertTrue(reads.get() > 0);
      assertTrue(e.statistics().details().get("merge.count") > 0, "no merge ran");
      for (int i = 0; i < keys; i++) {
        assertTrue(s(e.get(b("k" + i))).startsWith("k" + i + "=20"));
      }
    }
  }

  @Test
  void aTombstoneOutlivesEveryOlderRecordOfItsKey() {
    try (HashEngine e = open(dir, SMALL)) {
      e.put(b("victim"), b("old"), Durability.BUFFERED);
      for (int i = 0; i < 300; i++) {
        e.put(b("filler" + i), b("x".repeat(40)), Durability.BUFFERED);
      }
      e.delete(b("victim"), Durability.BUFFERED);
      // Make the tombstone's file mostly stale so it is merged while the old put still lives on
      // in an unmerged file.
      for (int round = 0; round < 3; round++) {
        for (int i = 150; i < 300; i++) {
          e.put(b("filler" + i), b("y" + round), Durability.BUFFERED);
        }
        e.runBackgroundCycle();
      }
      assertEquals(null, e.get(b("victim")));
    }
    try (HashEngine e = open(dir, SMALL)) {
      assertEquals(null, e.get(b("victim")));
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
    }
  }
}
