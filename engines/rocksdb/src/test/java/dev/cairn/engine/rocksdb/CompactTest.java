package dev.cairn.engine.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compact()}: every keyspace compacted to the bottom; the files shrink, contents stay. */
class CompactTest {

  @TempDir Path tmp;

  private static byte[] key(int i) {
    return String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] value(int i) {
    byte[] v = new byte[1000];
    new Random(i).nextBytes(v); // incompressible, so that the sizes are the data's
    return v;
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void deletedDataIsDroppedFromEveryKeyspaceAndTheRestStays() throws Exception {
    Path dir = tmp.resolve("db");
    int n = 4000;
    try (RocksDbEngine e = Fixtures.open(dir)) {
      e.createKeyspace("other");
      for (String ks : new String[] {"default", "other"}) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < n; i++) {
          batch.put(ks, key(i), value(i));
        }
        e.write(batch, Durability.SYNC);
      }
      assertNull(e.flushMemtableForTest());
      for (String ks : new String[] {"default", "other"}) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < n; i++) {
          if (i % 10 != 0) {
            batch.delete(ks, key(i));
          }
        }
        e.write(batch, Durability.SYNC);
      }
      assertNull(e.flushMemtableForTest());
      long before = size(dir);

      long released = e.compact();

      long after = size(dir);
      assertTrue(released > 0, "released " + released);
      assertEquals(before - after, released, "what the files shrank by");
      // Two keyspaces of 4,000 values of 1,000 bytes; a tenth of them stay.
      assertTrue(before > 2 * n * 1000, "before " + before);
      assertTrue(after < before / 3, after + " of " + before);
      for (String ks : new String[] {"default", "other"}) {
        for (int i = 0; i < n; i++) {
          byte[] got = e.keyspace(ks).get(key(i));
          if (i % 10 == 0) {
            assertArrayEquals(value(i), got, ks + " key " + i);
          } else {
            assertNull(got, ks + " key " + i);
          }
        }
      }
      assertTrue(e.checkConsistency().isConsistent());
    }
    try (StorageEngine ro =
        new RocksDbProvider().open(EngineOptions.builder().directory(dir).readOnly(true).build())) {
      assertArrayEquals(value(10), ro.keyspace("other").get(key(10)));
      assertThrows(ReadOnlyStoreException.class, ro::compact);
    }
  }
}
