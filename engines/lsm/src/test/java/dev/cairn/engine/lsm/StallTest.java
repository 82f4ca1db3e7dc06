package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.Health;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the flush falls behind, writers wait a bounded time, then are told to retry. */
class StallTest {

  @TempDir Path dir;

  @Test
  void aWriteStalledPastTheTimeoutIsBusyChangesNothingAndLaterWritesGoThrough() {
    try (LsmEngine e =
        open(dir, Map.of("memtable.max.immutable", "1", "write.stall.timeout", "50ms"))) {
      e.pauseBackground(true);
      BusyException busy = null;
      int written = 0;
      for (int i = 0; i < 1000 && busy == null; i++) {
        try {
          e.put(b("k" + i), new byte[500]);
          written++;
        } catch (BusyException x) {
          busy = x;
        }
      }
      assertTrue(busy != null, "no stall after " + written + " writes with the flush held back");
      assertTrue(busy.getMessage().contains("stalled"), busy.getMessage());
      assertNull(e.get(b("k" + written)), "the refused write changed nothing");
      assertTrue(e.statistics().details().get("stalls") >= 1);
      assertEquals(Health.Status.OK, e.health().status(), "a busy store is healthy");
      e.pauseBackground(false);
      e.put(b("k" + written), new byte[500]);
      TestStores.settle(e);
      assertEquals(500, e.get(b("k" + written)).length);
    }
  }
}
