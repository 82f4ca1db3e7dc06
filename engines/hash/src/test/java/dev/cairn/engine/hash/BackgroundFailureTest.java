package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No engine-owned thread dies silently: background failures stop the store, and callers hear. */
class BackgroundFailureTest {

  @TempDir Path dir;

  /** Walks the cause chain for {@code t}. */
  private static boolean causedBy(Throwable e, Throwable t) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c == t) {
        return true;
      }
    }
    return false;
  }

  @Test
  void anErrorInBackgroundWorkStopsTheStoreAndEveryWriteAndFlushSaysWhy() {
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("a"), b("1"));
      InternalError fault = new InternalError("a fault occurred in an unsafe memory access");
      e.merger().failNextCycle(fault);
      e.runBackgroundCycle();
      Map<String, Long> st = e.statistics().details();
      assertEquals(1L, st.get("failed"), st::toString);
      assertEquals(1L, st.get("background.errors"), st::toString);
      EngineFailedException put =
          assertThrows(EngineFailedException.class, () -> e.put(b("b"), b("2")));
      assertTrue(causedBy(put, fault), "the write names the background failure: " + put);
      assertThrows(EngineFailedException.class, () -> e.delete(b("a"), Durability.BUFFERED));
      assertThrows(EngineFailedException.class, e::flush);
      assertEquals("1", s(e.get(b("a"))), "reads go on");
    }
    try (HashEngine e = open(dir, Map.of())) {
      assertEquals("1", s(e.get(b("a"))), "reopening recovers");
      e.put(b("b"), b("2"));
    }
  }

  @Test
  void anExceptionIsRetriedAndCountedAndTheStoreGoesOn() {
    try (HashEngine e = open(dir, Map.of())) {
      e.merger().failNextCycle(new IllegalStateException("passing trouble"));
      e.runBackgroundCycle();
      e.runBackgroundCycle();
      Map<String, Long> st = e.statistics().details();
      assertEquals(0L, st.get("failed"), st::toString);
      assertEquals(1L, st.get("background.errors"), st::toString);
      e.put(b("a"), b("1"), Durability.SYNC);
    }
  }

  @Test
  void anExceptionEveryCycleStopsTheStoreAfterABoundedNumberOfRetries() {
    try (HashEngine e = open(dir, Map.of())) {
      RuntimeException trouble = new IllegalStateException("lasting trouble");
      e.merger().failEveryCycle(trouble);
      for (int i = 0;
          i <= Merger.MAX_FAILED_CYCLES && e.statistics().details().get("failed") == 0;
          i++) {
        e.runBackgroundCycle();
      }
      Map<String, Long> st = e.statistics().details();
      assertEquals(1L, st.get("failed"), st::toString);
      assertEquals((long) Merger.MAX_FAILED_CYCLES, st.get("background.errors"), st::toString);
      EngineFailedException put =
          assertThrows(EngineFailedException.class, () -> e.put(b("b"), b("2")));
      assertSame(trouble, put.getCause().getCause(), put::toString);
    }
  }
}
