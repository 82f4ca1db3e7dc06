package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.Health;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No engine-owned thread dies silently: a failed flush stops the store, and callers hear. */
class BackgroundFailureTest {

  @Test
  void aFailedFlushStopsTheStoreAndHealthAndWritesSayWhy() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("store");
      try (LsmEngine e = TestStores.open(dir, Map.of())) {
        e.put(b("a"), b("1"), Durability.SYNC);
        assertEquals(Health.Status.OK, e.health().status());
        fs.faults().failAlways(Faults.Op.WRITE, p -> p.getFileName().toString().endsWith(".sst"));
        for (int i = 0; i < 200 && !e.failStop().failed(); i++) {
          try {
            e.put(b("k" + i), new byte[200], Durability.SYNC);
          } catch (EngineFailedException stopped) {
            break;
          }
        }
        for (int i = 0; i < 500 && !e.failStop().failed(); i++) {
          Thread.sleep(10);
        }
        Health h = e.health();
        assertEquals(Health.Status.FAILED, h.status(), h.toString());
        assertTrue(h.backgroundErrors() >= 1, h.toString());
        assertTrue(h.problems().toString().contains("flush"), h.toString());
        assertThrows(EngineFailedException.class, () -> e.put(b("b"), b("2")));
        assertThrows(EngineFailedException.class, e::flush);
        assertEquals("1", s(e.get(b("a"))), "reads go on");
        assertEquals(1L, e.statistics().details().get("failed"));
      }
      fs.faults().clear();
      try (LsmEngine e = TestStores.open(dir, Map.of())) {
        assertEquals("1", s(e.get(b("a"))), "reopening recovers");
        assertEquals(Health.Status.OK, e.health().status());
        e.put(b("b"), b("2"));
      }
    }
  }
}
