package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failed write or fsync of the active file while many writers are queued behind the leader or
 * waiting for the fsync thread: every writer gets an answer (none hangs), the failure stops the
 * store for every later write, and every write acknowledged before it is still there on reopen.
 */
class ConcurrentFaultTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = Faults.Op.class,
      names = {"WRITE", "FORCE"})
  void aFailureUnderConcurrentWritersAnswersEveryoneStopsTheStoreAndLosesNothingAcknowledged(
      Faults.Op failing) throws Exception {
    int threads = 8;
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> refusals = Collections.synchronizedList(new ArrayList<>());
    try (FaultyFileSystem fs = FaultyFileSystem.create(dir)) {
      Path store = fs.root().resolve("store");
      HashEngine e = open(store, Map.of("file.size", "65536"));
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          writers.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          start.await();
                          for (int i = 0; ; i++) {
                            String k = "w" + id + "-" + i;
                            Durability d =
                                (id + i) % 3 == 0 ? Durability.SYNC : Durability.BUFFERED;
                            e.put(b(k), b(k), d);
                            acknowledged.add(k);
                          }
                        } catch (StorageException x) {
                          refusals.add(x);
                        } catch (Throwable x) {
                          refusals.add(new AssertionError("unexpected " + x, x));
                        }
                      }));
        }
        start.countDown();
        while (acknowledged.size() < 2_000) {
          Thread.onSpinWait();
        }
        fs.faults().failNth(failing, 1, p -> p.getFileName().toString().endsWith(".data"));
        for (Thread w : writers) {
          w.join(30_000);
          assertFalse(w.isAlive(), "a writer still waits after the " + failing + " failed");
        }
        assertEquals(threads, refusals.size());
        for (Throwable x : refusals) {
          assertInstanceOf(StorageException.class, x, () -> "refused with " + x);
        }
        EngineFailedException later =
            org.junit.jupiter.api.Assertions.assertThrows(
                EngineFailedException.class, () -> e.put(b("after"), b("x"), Durability.BUFFERED));
        assertTrue(later.getMessage().contains("reopen"), later.getMessage());
      } finally {
        e.close();
      }
      fs.faults().clear();
      try (HashEngine reopened = open(store, Map.of())) {
        for (String k : List.copyOf(acknowledged)) {
          assertEquals(k, s(reopened.get(b(k))), "acknowledged " + k + " is gone");
        }
        assertTrue(
            reopened.checkConsistency().isConsistent(),
            reopened.checkConsistency().problems()::toString);
      }
    }
  }
}
