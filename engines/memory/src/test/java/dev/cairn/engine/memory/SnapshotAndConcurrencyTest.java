package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.keys;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SnapshotAndConcurrencyTest {

  private static byte[] counter(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  private static long counter(byte[] b) {
    return b == null ? -1 : ByteBuffer.wrap(b).getLong();
  }

  @Test
  void snapshotNeverSeesALaterWrite() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("a"), utf8("1"));
      e.put(utf8("b"), utf8("1"));
      e.put(utf8("c"), utf8("1"));
      try (Snapshot s = e.snapshot()) {
        e.put(utf8("a"), utf8("2"));
        e.delete(utf8("b"));
        e.put(utf8("d"), utf8("new"));
        e.write(new WriteBatch().put(utf8("c"), utf8("2")).put(utf8("0"), utf8("x")));
        assertEquals("1", str(s.get(utf8("a"))));
        assertEquals("1", str(s.get(utf8("b"))));
        assertEquals("1", str(s.get(utf8("c"))));
        assertNull(s.get(utf8("d")));
        try (Cursor c = s.cursor()) {
          assertEquals(List.of("a", "b", "c"), keys(c));
        }
        try (Cursor c = s.cursor(KeyRange.all(), Direction.REVERSE)) {
          assertEquals(List.of("c", "b", "a"), keys(c));
        }
        // The live store moved on.
        assertEquals("2", str(e.get(utf8("a"))));
        assertNull(e.get(utf8("b")));
      }
      TestStores.assertConsistent(e);
    }
  }

  @Test
  void snapshotIsIsolatedFromConcurrentWriters() throws Exception {
    long seed = TestStores.seed("snapshotIsIsolatedFromConcurrentWriters");
    try (StorageEngine e = TestStores.open()) {
      NavigableMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < 500; i++) {
        byte[] k = utf8("k" + random.nextInt(300));
        byte[] v = utf8("v" + i);
        e.put(k, v);
        model.put(k, v);
      }
      try (Snapshot s = e.snapshot()) {
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      SplittableRandom r = new SplittableRandom(seed + 1);
                      while (!stop.get()) {
                        byte[] k = utf8("k" + r.nextInt(400));
                        if (r.nextBoolean()) {
                          e.delete(k);
                        } else {
                          e.put(k, utf8("w" + r.nextInt()));
                        }
                      }
                    });
        try {
          for (int round = 0; round < 30; round++) {
            List<Map.Entry<byte[], byte[]>> seen;
            try (Cursor c = s.cursor()) {
              seen = TestStores.drain(c);
            }
            assertEquals(model.size(), seen.size(), "seed " + seed + " round " + round);
            int i = 0;
            for (Map.Entry<byte[], byte[]> m : model.entrySet()) {
              assertArrayEquals(m.getKey(), seen.get(i).getKey(), "seed " + seed);
              assertArrayEquals(m.getValue(), seen.get(i).getValue(), "seed " + seed);
              assertArrayEquals(m.getValue(), s.get(m.getKey()), "seed " + seed);
              i++;
            }
          }
        } finally {
          stop.set(true);
          writer.join();
        }
      }
      TestStores.assertConsistent(e);
    }
  }

  /** A batch writes the same counter to two keys; no reader may ever see them differ. */
  @Test
  void readersNeverSeePartOfABatch() throws Exception {
    try (StorageEngine e = TestStores.open()) {
      int batches = 20_000;
      AtomicReference<String> failure = new AtomicReference<>();
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong checks = new AtomicLong();
      CountDownLatch started = new CountDownLatch(3);
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int kind = t;
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      started.countDown();
                      while (!done.get() && failure.get() == null) {
                        long a;
                        long b;
                        if (kind == 0) {
                          try (Snapshot s = e.snapshot()) {
                            a = counter(s.get(utf8("a")));
                            b = counter(s.get(utf8("z")));
                          }
                        } else {
                          // A cursor over both keys; the reverse one reads z before a.
                          Direction d = kind == 1 ? Direction.FORWARD : Direction.REVERSE;
                          long[] seen = {-1, -1};
                          try (Cursor c = e.cursor(KeyRange.all(), d)) {
                            while (c.next()) {
                              seen[c.key()[0] == 'a' ? 0 : 1] = counter(c.value());
                            }
                          }
                          a = seen[0];
                          b = seen[1];
                        }
                        checks.incrementAndGet();
                        if (a != b) {
                          failure.compareAndSet(null, "reader " + kind + " saw a=" + a + " z=" + b);
                        }
                      }
                    }));
      }
      started.await();
      for (long i = 0; i < batches && failure.get() == null; i++) {
        WriteBatch batch = new WriteBatch().put(utf8("a"), counter(i)).put(utf8("z"), counter(i));
        if (i % 7 == 0) {
          batch = new WriteBatch().delete(utf8("a")).delete(utf8("z"));
        }
        e.write(batch);
      }
      done.set(true);
      for (Thread r : readers) {
        r.join();
      }
      assertNull(failure.get());
      assertTrue(checks.get() > 0, "the readers ran");
      assertEquals(0, TestStores.detail(e, "pins"));
      TestStores.assertConsistent(e);
    }
  }

  /** Writers on disjoint key spaces, each with its own model, and scanning readers alongside. */
  @Test
  void concurrentWritersAndReadersSmoke() throws Exception {
    long seed = TestStores.seed("concurrentWritersAndReadersSmoke");
    try (StorageEngine e = TestStores.open()) {
      int writers = 4;
      Map<byte[], byte[]> union = new ConcurrentSkipListMap<>(Bytes.ORDER);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean done = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        SplittableRandom r = new SplittableRandom(seed + id);
                        NavigableMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
                        for (int i = 0; i < 5_000; i++) {
                          byte[] k = utf8(id + "/" + r.nextInt(200));
                          switch (r.nextInt(4)) {
                            case 0 -> {
                              e.delete(k);
                              model.remove(k);
                            }
                            case 1 -> {
                              byte[] k2 = utf8(id + "/" + r.nextInt(200));
                              e.write(new WriteBatch().put(k, utf8("b" + i)).delete(k2));
                              model.put(k, utf8("b" + i));
                              model.remove(k2);
                            }
                            default -> {
                              e.put(k, utf8("p" + i));
                              model.put(k, utf8("p" + i));
                            }
                          }
                          byte[] got = e.get(k);
                          byte[] want = model.get(k);
                          if (!java.util.Arrays.equals(got, want)) {
                            throw new AssertionError(
                                "writer " + id + " read " + str(got) + " for " + str(k));
                          }
                        }
                        union.putAll(model);
                      } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                      }
                    }));
      }
      Thread scanner =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      while (!done.get()) {
                        try (Cursor c = e.cursor(KeyRange.all(), Direction.REVERSE)) {
                          byte[] previous = null;
                          while (c.next()) {
                            byte[] k = c.key();
                            if (previous != null && Bytes.compare(previous, k) <= 0) {
                              throw new AssertionError("reverse scan out of order");
                            }
                            previous = k;
                          }
                        }
                      }
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                    }
                  });
      for (Thread t : threads) {
        t.join();
      }
      done.set(true);
      scanner.join();
      if (failure.get() != null) {
        throw new AssertionError("seed " + seed, failure.get());
      }
      List<Map.Entry<byte[], byte[]>> all;
      try (Cursor c = e.cursor()) {
        all = TestStores.drain(c);
      }
      assertEquals(union.size(), all.size(), "seed " + seed);
      int i = 0;
      for (Map.Entry<byte[], byte[]> m : union.entrySet()) {
        assertArrayEquals(m.getKey(), all.get(i).getKey(), "seed " + seed);
        assertArrayEquals(m.getValue(), all.get(i).getValue(), "seed " + seed);
        i++;
      }
      assertEquals(union.size(), e.statistics().approximateKeys());
      assertEquals(union.size(), TestStores.detail(e, "versions"), "no garbage is left");
      TestStores.assertConsistent(e);
    }
  }

  @Test
  void closedSnapshotRefusesReadsAndClosesItsCursors() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("a"), utf8("1"));
      Snapshot s = e.snapshot();
      Cursor c = s.cursor();
      assertTrue(c.next());
      s.close();
      s.close();
      assertThrows(ClosedHandleException.class, () -> s.get(utf8("a")));
      assertThrows(ClosedHandleException.class, s::cursor);
      assertThrows(ClosedHandleException.class, c::next);
      assertThrows(ClosedHandleException.class, c::key);
      c.close();
      assertEquals(0, TestStores.detail(e, "snapshots.open"));
      assertEquals(0, TestStores.detail(e, "cursors.open"));
      assertEquals(0, TestStores.detail(e, "pins"));
      assertEquals("1", str(e.get(utf8("a"))));
    }
  }

  @Test
  void closingTheStoreClosesEverythingAndIsIdempotent() {
    StorageEngine e = TestStores.open();
    e.put(utf8("a"), utf8("1"));
    Snapshot s = e.snapshot();
    Cursor sc = s.cursor();
    Cursor c = e.cursor(KeyRange.all(), Direction.REVERSE);
    assertTrue(c.next());
    var view = c.valueView();
    e.close();
    e.close();
    assertThrows(ClosedHandleException.class, () -> e.get(utf8("a")));
    assertThrows(ClosedHandleException.class, () -> e.put(utf8("a"), utf8("2")));
    assertThrows(ClosedHandleException.class, () -> e.delete(utf8("a")));
    assertThrows(ClosedHandleException.class, () -> e.write(new WriteBatch()));
    assertThrows(ClosedHandleException.class, e::cursor);
    assertThrows(ClosedHandleException.class, e::snapshot);
    assertThrows(ClosedHandleException.class, e::flush);
    assertThrows(ClosedHandleException.class, () -> e.checkpoint(null));
    assertThrows(ClosedHandleException.class, e::statistics);
    assertThrows(ClosedHandleException.class, e::checkConsistency);
    assertThrows(ClosedHandleException.class, c::next);
    assertThrows(ClosedHandleException.class, sc::next);
    assertThrows(ClosedHandleException.class, () -> s.get(utf8("a")));
    assertThrows(ClosedHandleException.class, view::toArray);
    c.close();
    sc.close();
    s.close();
    assertFalse(view.toString().contains("bytes"));
  }
}
