package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
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
  void bufferedWritesForceTheLogEveryMebibyteAndATableIsForcedWhileItIsWritten()
      throws InterruptedException {
    SplittableRandom rnd = new SplittableRandom(7);
    Map<String, String> settings =
        Map.of("memtable.size", "16m", "table.file.size", "64m", "compression", "none");
    List<EngineEvent> logForces = new CopyOnWriteArrayList<>();
    EngineEventListener listener =
        ev -> {
          if (ev.kind() == EngineEvent.Kind.FSYNC
              && ev.detail().startsWith("fsync of write-ahead log ")) {
            logForces.add(ev);
          }
        };
    try (LsmEngine e = TestStores.open(dir, settings, false, listener)) {
      logForces.clear(); // the new log's own header force at open
      for (int i = 0; i < 4096; i++) {
        byte[] v = new byte[1024];
        rnd.nextBytes(v);
        e.put(TestStores.b(String.format("key%06d", i)), v, Durability.BUFFERED);
      }
      // 4 MiB and more of log written by BUFFERED writes alone, which wait for no force: the
      // writer asked for a force at each mebibyte. NB: the fsync thread may take several of those
      // asks in one force when it runs late (a loaded machine), so count the bytes forced, not
      // the forces, and give it time to catch up.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (forcedBytes(logForces) < 3L << 20 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(
          forcedBytes(logForces) >= 3L << 20,
          "the log was forced as it grew by BUFFERED writes alone: " + logForces);
      e.rollMemTable(); // the memtable, over 4 MiB, becomes a table
      TestStores.settle(e);
      Map<String, Long> st = e.statistics().details();
      assertTrue(st.get("table.syncs.while.writing") >= 3, st.toString());
      for (int i = 0; i < 4096; i += 97) {
        assertEquals(1024, e.get(TestStores.b(String.format("key%06d", i))).length);
      }
    }
  }

  private static long forcedBytes(List<EngineEvent> forces) {
    return forces.stream().mapToLong(EngineEvent::bytes).sum();
  }
}
