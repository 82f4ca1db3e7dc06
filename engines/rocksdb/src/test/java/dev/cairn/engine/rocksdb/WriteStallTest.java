package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real write stall: with flushes paused, memtables fill up to RocksDB's limit and RocksDB stops
 * writes. With {@code write-stall=busy} (RocksDB's {@code no_slowdown}), a write then fails at once
 * with RocksDB's {@code Incomplete} ("Write stall"), which the store throws as {@link
 * BusyException}: nothing written, the store healthy, and the same write succeeds once flushes run.
 */
class WriteStallTest {

  @TempDir Path tmp;

  @Test
  void aStalledWriteIsBusyNotAFailure() throws Exception {
    byte[] value = new byte[16 * 1024];
    try (RocksDbEngine e =
        Fixtures.open(
            tmp.resolve("db"),
            Map.of("write-stall", "busy", "write-buffer.size", "64k"),
            o -> o.setMaxWriteBufferNumber(2))) {
      e.backgroundWorkForTest(false);
      BusyException busy = null;
      int written = 0;
      for (; written < 1000 && busy == null; written++) {
        try {
          e.put(b("k" + written), value, Durability.BUFFERED);
        } catch (BusyException stalled) {
          busy = stalled;
        }
      }
      assertNotNull(busy, "memtables full and flushes paused: RocksDB stops writes");
      String refused = "k" + (written - 1);
      assertTrue(busy.getMessage().contains("Write stall"), busy.getMessage());
      assertNull(e.get(b(refused)), "nothing of the refused write is there");
      assertThrows(
          BusyException.class,
          () -> e.write(new WriteBatch().put(b("batch"), b("v")).delete(b("k0"))),
          "a batch is refused whole");
      assertTrue(e.get(b("k0")) != null, "the batch's delete did not happen");
      assertThrows(BusyException.class, () -> e.putIfAbsent(b("cond"), b("v")));
      assertEquals(Health.Status.OK, e.health().status(), "a busy store is a healthy one");
      assertTrue(
          e.statistics().details().get(EngineStatistics.STALLS) >= 1,
          e.statistics().details().toString());

      e.backgroundWorkForTest(true);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (true) {
        try {
          e.put(b(refused), value, Durability.SYNC);
          break;
        } catch (BusyException stillStalled) {
          assertTrue(System.nanoTime() < deadline, "flushes resumed, yet writes stay stopped");
          Thread.sleep(10);
        }
      }
      assertNotNull(e.get(b(refused)));
      assertEquals(0L, e.statistics().details().get("fail-stopped"));
    }
  }
}
