package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

  @TempDir Path dir;

  @Test
  void concurrentSyncWritersShareFsyncsAndAllTheirWritesSurvive() throws Exception {
    int threads = 16;
    int each = 100;
    long syncs;
    try (HashEngine e = open(dir, Map.of())) {
      long before = e.statistics().details().get("write.syncs");
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        start.await();
                        for (int i = 0; i < each; i++) {
                          e.put(b("t" + id + "-" + i), b("v" + i), Durability.SYNC);
                        }
                      } catch (Throwable x) {
                        errors.add(x);
                      }
                    }));
      }
      start.countDown();
      for (Thread t : ts) {
        t.join();
      }
      assertEquals(List.of(), errors);
      syncs = e.statistics().details().get("write.syncs") - before;
      assertTrue(syncs >= 1, "SYNC writes without any fsync");
      assertTrue(
          syncs < threads * each,
          "every one of " + threads * each + " SYNC writes had its own fsync");
    }
    try (HashEngine e = open(dir, Map.of())) {
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < each; i++) {
          assertEquals("v" + i, s(e.get(b("t" + t + "-" + i))));
        }
      }
    }
  }

  @Test
  void bufferedWritesAreVisibleAtOnceAndSyncWritesForce() {
    try (HashEngine e = open(dir, Map.of())) {
      long before = e.statistics().details().get("write.syncs");
      e.put(b("a"), b("1"), Durability.BUFFERED);
      assertEquals("1", s(e.get(b("a"))));
      assertEquals(before, e.statistics().details().get("write.syncs"));
      e.put(b("a"), b("2"), Durability.SYNC);
      assertEquals(before + 1, e.statistics().details().get("write.syncs"));
      e.flush();
      assertEquals(before + 2, e.statistics().details().get("write.syncs"));
    }
  }
}
