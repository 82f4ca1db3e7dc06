package dev.cairn.engine.btree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A commit writes runs of consecutive pages (a long value's overflow chain, taken from the file's
 * end) as one write each: a 1 MiB value on 4 KiB pages is a few writes, not one per page. Fewer
 * system calls, and fewer points for a crash to land between, which the crash campaigns enumerate.
 */
class GatheredWritesTest {

  @Test
  void aLongValuesPagesGoInAFewWritesAndReadBack() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path store = fs.root().resolve("store");
      byte[] value = new byte[1 << 20];
      Arrays.fill(value, (byte) 7);
      value[12345] = 1;
      try (BtreeEngine e = TestStores.open(store)) {
        e.put(TestStores.b("warm"), new byte[10], Durability.SYNC);
        long before = fs.faults().count(Faults.Op.WRITE);
        e.put(TestStores.b("long"), value, Durability.SYNC);
        long writes = fs.faults().count(Faults.Op.WRITE) - before;
        // 257 pages of 4 KiB: one page per write would be over 257 writes
        assertTrue(writes <= 16, "writes for a 1 MiB SYNC put: " + writes);
        assertArrayEquals(value, e.get(TestStores.b("long")));
      }
      try (BtreeEngine e = TestStores.open(store)) {
        assertArrayEquals(value, e.get(TestStores.b("long")), "after reopen");
        TestStores.assertConsistent(e);
      }
    }
  }
}
