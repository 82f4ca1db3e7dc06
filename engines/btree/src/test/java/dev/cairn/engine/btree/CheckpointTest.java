package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint is a consistent copy of one state, compacted: full pages, next to no free ones. */
class CheckpointTest {

  @TempDir Path dir;

  private static byte[] key(int i) {
    return String.format("key%08d", i).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aCheckpointIsACompactedCopyOfEveryKeyspace() {
    Path store = dir.resolve("store");
    Path copy = dir.resolve("copy");
    Random r = new Random(7);
    long sourcePages;
    try (BtreeEngine e = TestStores.open(store)) {
      Keyspace other = e.createKeyspace("other");
      for (int i = 0; i < 4000; i += 100) {
        WriteBatch b = new WriteBatch();
        for (int j = i; j < i + 100; j++) {
          int k = r.nextInt(1_000_000);
          b.put(key(k), new byte[50 + k % 100]);
          b.put("other", key(k), key(k));
        }
        e.write(b, Durability.BUFFERED);
      }
      e.deleteRange(dev.cairn.spi.KeyRange.between(key(0), key(500_000)), Durability.BUFFERED);
      other.put(key(42), new byte[20_000], Durability.BUFFERED); // an overflow value
      e.checkpoint(copy);
      e.put(key(999_999_99), new byte[1], Durability.SYNC); // after the checkpoint: not in it
      sourcePages = e.statistics().details().get("pages");
      try (BtreeEngine c = TestStores.open(copy)) {
        assertEquals(e.keyspaces(), c.keyspaces());
        assertNull(c.get(key(999_999_99)));
        assertEquals(
            e.statistics().approximateKeys() - 1,
            c.statistics().approximateKeys(),
            "every entry but the one written after");
        assertArrayEquals(new byte[20_000], c.keyspace("other").get(key(42)));
        try (var a = e.cursor();
            var b = c.cursor()) {
          while (b.next()) {
            assertTrue(a.next());
            assertArrayEquals(a.key(), b.key());
            assertArrayEquals(a.value(), b.value());
          }
        }
        var d = c.statistics().details();
        assertTrue(
            d.get("pages.free") <= d.get("pages") / 20 + 4,
            "a compacted copy has next to no free pages: " + d);
        assertTrue(d.get("fill.factor.percent") >= 85, "fill factor " + d);
        assertTrue(d.get("pages") < sourcePages, d.get("pages") + " pages of " + sourcePages);
        assertConsistent(c);
      }
      assertConsistent(e);
    }
  }
}
