package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.files;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path runs on the writers' own threads (one leads a group at a time): interrupts of
 * those threads, rolls under concurrent writers, and mixed durabilities.
 */
class LeaderWriteTest {

  @TempDir Path dir;

  @Test
  void interruptedWritersLoseNothingKeepTheirInterruptAndLeaveTheStoreWorking() throws Exception {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("LeaderWriteTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    int threads = 4;
    int each = 2_000;
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    int[] interruptsKept = new int[threads];
    try (HashEngine e = open(dir, Map.of("file.size", "65536"))) {
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        writers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        for (int i = 0; i < each; i++) {
                          Durability d = i % 50 == 0 ? Durability.SYNC : Durability.BUFFERED;
                          e.put(b("w" + id + "-" + i), b("v" + i), d);
                          if (Thread.interrupted()) {
                            interruptsKept[id]++;
                          }
                        }
                      } catch (Throwable x) {
                        errors.add(x);
                      }
                    }));
      }
      Thread interrupter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (running.get()) {
                      writers.get(random.nextInt(threads)).interrupt();
                      java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(50_000));
                    }
                  });
      for (Thread w : writers) {
        w.join();
      }
      running.set(false);
      interrupter.join();
      assertEquals(List.of(), errors, "seed " + seed);
      int kept = 0;
      for (int k : interruptsKept) {
        kept += k;
      }
      assertTrue(kept > 0, "no writer saw its interrupt again (seed " + seed + ")");
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < each; i++) {
          assertEquals("v" + i, s(e.get(b("w" + t + "-" + i))), "seed " + seed);
        }
      }
      e.put(b("after"), b("ok"), Durability.SYNC);
      assertTrue(files(dir, ".data").size() > 1, "the writes should have rolled files");
    }
    try (HashEngine e = open(dir, Map.of())) {
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < each; i++) {
          assertEquals("v" + i, s(e.get(b("w" + t + "-" + i))), "seed " + seed);
        }
      }
      assertEquals("ok", s(e.get(b("after"))));
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().toString());
    }
  }

  @Test
  void bufferedWritersDoNotWaitForASlowSyncGroupAndEveryWriteSurvivesReopen() throws Exception {
    int threads = 6;
    int each = 1_500;
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    try (HashEngine e = open(dir, Map.of("file.size", "32768"))) {
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        start.await();
                        for (int i = 0; i < each; i++) {
                          Durability d = id % 2 == 0 ? Durability.SYNC : Durability.BUFFERED;
                          e.put(b("k" + (i % 300)), b(id + ":" + i), d);
                          e.put(b("t" + id + "-" + i), b("v" + i), d);
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
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().toString());
    }
    try (HashEngine e = open(dir, Map.of())) {
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < each; i++) {
          assertEquals("v" + i, s(e.get(b("t" + t + "-" + i))));
        }
      }
      for (int k = 0; k < 300; k++) {
        assertTrue(e.get(b("k" + k)) != null, "k" + k);
      }
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().toString());
    }
  }

  @Test
  void closeWithWritersRacingItFailsTheLateOnesCleanlyAndKeepsTheAcknowledgedOnes()
      throws Exception {
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
    HashEngine e = open(dir, Map.of("file.size", "65536"));
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      ts.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; ; i++) {
                      String k = "c" + id + "-" + i;
                      try {
                        e.put(b(k), b(k), i % 7 == 0 ? Durability.SYNC : Durability.BUFFERED);
                        acknowledged.add(k);
                      } catch (dev.cairn.spi.ClosedHandleException x) {
                        return;
                      } catch (Throwable x) {
                        unexpected.add(x);
                        return;
                      }
                    }
                  }));
    }
    Thread.sleep(100);
    e.close();
    for (Thread t : ts) {
      t.join(10_000);
      assertTrue(!t.isAlive(), "a writer still waits after close");
    }
    assertEquals(List.of(), unexpected);
    assertTrue(acknowledged.size() > 0);
    try (HashEngine r = open(dir, Map.of())) {
      for (String k : List.copyOf(acknowledged)) {
        assertEquals(k, s(r.get(b(k))));
      }
    }
  }
}
