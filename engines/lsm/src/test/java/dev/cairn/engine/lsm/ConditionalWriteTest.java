package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.open;
import static dev.cairn.engine.lsm.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preconditions are checked by the group's leader against the latest state, atomically. */
class ConditionalWriteTest {

  @TempDir Path dir;

  @Test
  void theConvenienceFormsApplyOnlyWhenTheirConditionHolds() {
    try (LsmEngine e = open(dir, Map.of())) {
      assertTrue(e.putIfAbsent(b("k"), b("1")));
      assertFalse(e.putIfAbsent(b("k"), b("2")));
      assertEquals("1", s(e.get(b("k"))));
      assertFalse(e.replace(b("k"), b("x"), b("3")));
      assertTrue(e.replace(b("k"), b("1"), b("3")));
      assertEquals("3", s(e.get(b("k"))));
      assertFalse(e.deleteIfEquals(b("k"), b("1")));
      assertTrue(e.deleteIfEquals(b("k"), b("3")));
      assertNull(e.get(b("k")));
      assertTrue(e.putIfAbsent(b("k"), b("again")), "a deleted key is absent");
    }
  }

  @Test
  void aBatchWithAFailedPreconditionAppliesNothingAndNamesTheKey() {
    try (LsmEngine e = open(dir, Map.of())) {
      e.put(b("a"), b("1"));
      WriteBatch batch =
          new WriteBatch()
              .requireValue(b("a"), b("1"))
              .requireAbsent(b("a"))
              .put(b("b"), b("2"))
              .delete(b("a"));
      ConflictException c = assertThrows(ConflictException.class, () -> e.write(batch));
      assertArrayEquals(b("a"), c.key());
      assertNull(e.get(b("b")), "nothing of the batch is applied");
      assertEquals("1", s(e.get(b("a"))));
      long seq = e.statistics().details().get("sequence");
      e.put(b("c"), b("3"));
      assertEquals(seq + 1, e.statistics().details().get("sequence"), "no sequence was used");
    }
    try (LsmEngine e = open(dir, Map.of())) {
      assertNull(e.get(b("b")), "nor after recovery");
      assertEquals("3", s(e.get(b("c"))));
    }
  }

  /** Concurrent compare-and-set increments of one counter: none is lost, none applies twice. */
  @Test
  void concurrentIncrementsByReplaceLoseNothing() throws Exception {
    int threads = 8;
    int each = 150;
    AtomicInteger applied = new AtomicInteger();
    try (LsmEngine e = open(dir, Map.of())) {
      e.put(b("counter"), b("0"), Durability.SYNC);
      List<Thread> ts = new ArrayList<>();
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < threads; t++) {
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        for (int i = 0; i < each; ) {
                          byte[] old = e.get(b("counter"));
                          byte[] next = b(Integer.toString(Integer.parseInt(s(old)) + 1));
                          Durability d = i % 3 == 0 ? Durability.SYNC : Durability.BUFFERED;
                          if (e.replace(b("counter"), old, next, d)) {
                            applied.incrementAndGet();
                            i++;
                          }
                        }
                      } catch (Throwable x) {
                        errors.add(x);
                      }
                    }));
      }
      for (Thread t : ts) {
        t.join();
      }
      assertEquals(List.of(), errors);
      assertEquals(threads * each, applied.get());
      assertEquals(Integer.toString(threads * each), s(e.get(b("counter"))));
    }
    try (LsmEngine e = open(dir, Map.of())) {
      assertEquals(Integer.toString(threads * each), s(e.get(b("counter"))));
    }
  }
}
