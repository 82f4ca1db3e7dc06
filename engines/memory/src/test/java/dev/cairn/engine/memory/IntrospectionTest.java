package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.detail;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IntrospectionTest {

  @Test
  void healthIsOkUntilClosed() {
    StorageEngine e = TestStores.open();
    assertEquals(Health.ok(), e.health());
    assertEquals(Health.Status.OK, e.health().status());
    e.close();
    assertThrows(ClosedHandleException.class, e::health);
  }

  @Test
  void multiGetReadsInOrderWithNullsForAbsentKeys() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      e.put(utf8("x"), utf8("1"));
      e.put(utf8("y"), utf8("2"));
      a.put(utf8("x"), utf8("a1"));
      List<byte[]> values = e.multiGet(List.of(utf8("y"), utf8("none"), utf8("x"), utf8("y")));
      assertEquals(4, values.size());
      assertEquals("2", str(values.get(0)));
      assertNull(values.get(1));
      assertEquals("1", str(values.get(2)));
      assertEquals("2", str(values.get(3)));
      values.get(0)[0] = '9';
      assertEquals("2", str(e.get(utf8("y"))), "the arrays are the caller's");
      assertEquals(List.of(), e.multiGet(List.of()));
      List<byte[]> inA = a.multiGet(List.of(utf8("x"), utf8("y")));
      assertEquals("a1", str(inA.get(0)));
      assertNull(inA.get(1));
      try (Snapshot s = e.snapshot()) {
        e.put(utf8("x"), utf8("later"));
        assertEquals("1", str(s.multiGet(List.of(utf8("x"))).get(0)));
        assertEquals("a1", str(s.keyspace("a").multiGet(List.of(utf8("x"))).get(0)));
      }
      assertThrows(InvalidArgumentException.class, () -> e.multiGet(null));
      assertThrows(
          InvalidArgumentException.class, () -> e.multiGet(Arrays.asList(utf8("x"), null)));
      assertThrows(
          InvalidArgumentException.class,
          () -> e.multiGet(List.of(new byte[Limits.MAX_KEY_SIZE + 1])));
      assertEquals(0, detail(e, "pins"));
    }
  }

  /** A writer keeps two keys equal in each batch; a multiGet of both never sees them differ. */
  @Test
  void multiGetReadsOneConsistentVersion() throws Exception {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<String> failure = new AtomicReference<>();
      AtomicLong checks = new AtomicLong();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        boolean inKeyspace = t == 1;
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      List<byte[]> keys = new ArrayList<>();
                      for (int i = 0; i < 20; i++) {
                        keys.add(utf8("k" + i));
                      }
                      while (!done.get() && failure.get() == null) {
                        List<byte[]> values = inKeyspace ? a.multiGet(keys) : e.multiGet(keys);
                        checks.incrementAndGet();
                        for (byte[] v : values) {
                          if (!Arrays.equals(v, values.getFirst())) {
                            failure.compareAndSet(
                                null, "multiGet saw " + str(values.getFirst()) + " and " + str(v));
                          }
                        }
                      }
                    }));
      }
      for (long n = 0; n < 2_000 && failure.get() == null; n++) {
        WriteBatch batch = new WriteBatch();
        byte[] value = ByteBuffer.allocate(8).putLong(n).array();
        for (int i = 0; i < 20; i++) {
          batch.put(utf8("k" + i), value).put("a", utf8("k" + i), value);
        }
        e.write(batch);
      }
      done.set(true);
      for (Thread r : readers) {
        r.join();
      }
      assertNull(failure.get());
      assertTrue(checks.get() > 0, "the readers ran");
      assertEquals(0, detail(e, "pins"));
    }
  }

  @Test
  void approximateCountAndSizeAreExact() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      for (int i = 0; i < 10; i++) {
        e.put(utf8("k" + i), new byte[i]); // key 2 bytes, value i bytes
      }
      a.put(utf8("only"), new byte[7]);
      e.delete(utf8("k0"));
      e.put(utf8("k1"), new byte[11]);
      assertEquals(9, e.approximateCount(KeyRange.all()));
      long size = 0;
      for (int i = 1; i < 10; i++) {
        size += 2 + (i == 1 ? 11 : i);
      }
      assertEquals(size, e.approximateSize(KeyRange.all()));
      assertEquals(3, e.approximateCount(KeyRange.between(utf8("k1"), utf8("k4"))));
      assertEquals(
          2 + 11 + 2 + 2 + 2 + 3, e.approximateSize(KeyRange.between(utf8("k1"), utf8("k4"))));
      assertEquals(1, a.approximateCount(KeyRange.all()));
      assertEquals(4 + 7, a.approximateSize(KeyRange.all()));
      assertEquals(0, a.approximateCount(KeyRange.prefix(utf8("k"))));
      try (Snapshot s = e.snapshot()) {
        e.put(utf8("k99"), new byte[100]);
        e.delete(utf8("k5"));
        assertEquals(9, s.approximateCount(KeyRange.all()));
        assertEquals(size, s.approximateSize(KeyRange.all()));
        assertEquals(1, s.keyspace("a").approximateCount(KeyRange.all()));
        assertEquals(9, e.approximateCount(KeyRange.all()));
        assertEquals(size - 7 + 103, e.approximateSize(KeyRange.all()));
        assertEquals(9, e.approximateCount(KeyRange.prefix(utf8("k"))), "with versions held");
        assertEquals(size - 7 + 103, e.approximateSize(KeyRange.prefix(utf8("k"))));
      }
      assertThrows(InvalidArgumentException.class, () -> e.approximateCount(null));
      assertThrows(InvalidArgumentException.class, () -> a.approximateSize(null));
      assertEquals(0, detail(e, "pins"));
    }
  }

  @Test
  void standardStatisticsCountOpenSnapshotsAndTheOldestOnesAge() throws Exception {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("k"), utf8("v"));
      EngineStatistics none = e.statistics();
      assertEquals(0, none.details().get(EngineStatistics.SNAPSHOTS_OPEN));
      assertEquals(0, none.details().get(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS));
      Snapshot s = e.snapshot();
      Thread.sleep(30);
      Cursor c = e.keyspace(Keyspace.DEFAULT).cursor();
      EngineStatistics two = e.statistics();
      assertEquals(2, two.details().get(EngineStatistics.SNAPSHOTS_OPEN));
      assertTrue(
          two.details().get(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS) >= 30,
          "the snapshot is the oldest: " + two.details());
      s.close();
      assertEquals(1, detail(e, EngineStatistics.SNAPSHOTS_OPEN));
      Thread.sleep(30);
      assertTrue(detail(e, EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS) >= 30);
      c.close();
      assertEquals(0, detail(e, EngineStatistics.SNAPSHOTS_OPEN));
      assertEquals(0, detail(e, EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS));
      assertArrayEquals(utf8("v"), e.get(utf8("k")));
    }
  }
}
