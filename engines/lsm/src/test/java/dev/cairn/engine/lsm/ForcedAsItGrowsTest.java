package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log and the tables are forced as they grow, so that no single force on the write path (a
 * roll's force of the old log, a table's force that {@code BUFFERED} writers wait out) covers more
 * than about a mebibyte.
 */
class ForcedAsItGrowsTest {

  @TempDir Path dir;

  @Test
  void bufferedWritesForceTheLogEveryMebibyteAndATableIsForcedWhileItIsWritten() {
    SplittableRandom rnd = new SplittableRandom(7);
    Map<String, String> settings =
        Map.of("memtable.size", "16m", "table.file.size", "64m", "compression", "none");
    try (LsmEngine e = TestStores.open(dir, settings)) {
      long before = e.statistics().details().get("wal.syncs");
      for (int i = 0; i < 4096; i++) {
        byte[] v = new byte[1024];
        rnd.nextBytes(v);
        e.put(TestStores.b(String.format("key%06d", i)), v, Durability.BUFFERED);
      }
      // 4 MiB and more of log written by BUFFERED writes alone, which wait for no force
      long forced = e.statistics().details().get("wal.syncs") - before;
      assertTrue(forced >= 3, "the log was forced " + forced + " times while it grew");
      e.rollMemTable(); // the memtable, over 4 MiB, becomes a table
      TestStores.settle(e);
      Map<String, Long> st = e.statistics().details();
      assertTrue(st.get("table.syncs.while.writing") >= 3, st.toString());
      for (int i = 0; i < 4096; i += 97) {
        assertEquals(1024, e.get(TestStores.b(String.format("key%06d", i))).length);
      }
    }
  }
}
