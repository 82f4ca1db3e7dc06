package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static dev.cairn.engine.rocksdb.Fixtures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** multiGet, and the estimates of approximateCount and approximateSize with their error. */
class ReadsTest {

  @TempDir Path tmp;

  private static List<String> strings(List<byte[]> values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(s(v)));
    return out;
  }

  @Test
  void multiGetAnswersInOrderWithNullsForAbsentKeys() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace t = e.createKeyspace("t");
      e.put(b("a"), b("1"));
      e.put(b("c"), b("3"));
      t.put(b("a"), b("t1"));
      List<byte[]> keys = List.of(b("c"), b("b"), b("a"), b("c"));
      assertEquals(Arrays.asList("3", null, "1", "3"), strings(e.multiGet(keys)));
      assertEquals(Arrays.asList(null, null, "t1", null), strings(t.multiGet(keys)));
      assertEquals(List.of(), e.multiGet(List.of()));
      List<byte[]> answer = e.multiGet(List.of(b("a")));
      answer.add(b("mine")); // the caller owns the list
      try (Snapshot snap = e.snapshot()) {
        e.put(b("b"), b("2"));
        t.delete(b("a"));
        assertEquals(Arrays.asList("3", null, "1", "3"), strings(snap.multiGet(keys)));
        assertEquals(
            Arrays.asList(null, null, "t1", null), strings(snap.keyspace("t").multiGet(keys)));
      }
      assertEquals(Arrays.asList("3", "2", "1", "3"), strings(e.multiGet(keys)));
      assertThrows(InvalidArgumentException.class, () -> e.multiGet(null));
      assertThrows(InvalidArgumentException.class, () -> e.multiGet(Arrays.asList(b("a"), null)));
      assertThrows(InvalidArgumentException.class, () -> e.multiGet(List.of(new byte[65_536])));
    }
  }

  @Test
  void smallRangesAreCountedExactly() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < 100; i++) {
        batch.put(b(String.format("k%03d", i)), new byte[10]);
      }
      e.write(batch);
      assertEquals(100, e.approximateCount(KeyRange.all()));
      assertEquals(100 * (4 + 10), e.approximateSize(KeyRange.all()));
      assertEquals(10, e.approximateCount(KeyRange.between(b("k010"), b("k020"))));
      assertEquals(0, e.approximateCount(KeyRange.between(b("x"), b("y"))));
      assertNull(e.flushMemtableForTest());
      e.deleteRange(KeyRange.between(b("k000"), b("k050")), Durability.SYNC);
      assertEquals(50, e.approximateCount(KeyRange.all()), "tombstones do not count");
      assertEquals(50 * (4 + 10), e.approximateSize(KeyRange.all()));
      assertThrows(InvalidArgumentException.class, () -> e.approximateCount(null));
    }
  }

  /**
   * 50,000 entries, most in table files: the estimates come from RocksDB's metadata, within the
   * documented error.
   */
  @Test
  void largeRangesAreEstimatedFromMetadata() {
    int n = 50_000;
    int valueSize = 100;
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"), Map.of("write-buffer.size", "1m"))) {
      Keyspace t = e.createKeyspace("t");
      for (int i = 0; i < n; i++) {
        byte[] value = new byte[valueSize];
        Arrays.fill(value, (byte) i); // compresses, as real data often does
        t.put(b(String.format("k%06d", i)), value, Durability.BUFFERED);
      }
      long exactBytes = (long) n * (7 + valueSize);
      for (int pass = 0; pass < 2; pass++) {
        long count = t.approximateCount(KeyRange.all());
        long size = t.approximateSize(KeyRange.all());
        long half = t.approximateCount(KeyRange.lessThan(b(String.format("k%06d", n / 2))));
        System.out.printf(
            "estimates of %d entries (%d bytes): count %d, size %d, first half %d%n",
            n, exactBytes, count, size, half);
        assertWithin(n, count, 0.25, "count");
        assertWithin(exactBytes, size, 0.25, "size");
        assertWithin(n / 2, half, 0.25, "half");
        e.flushMemtableForTest();
      }
      assertEquals(0, e.approximateCount(KeyRange.all()), "the default keyspace is empty");
    }
  }

  private static void assertWithin(long exact, long estimate, double error, String what) {
    assertTrue(
        Math.abs(estimate - exact) <= exact * error,
        what + ": estimate " + estimate + " is not within " + error + " of " + exact);
  }
}
