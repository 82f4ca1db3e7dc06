package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.conformance.linearizability.Call;
import dev.cairn.conformance.linearizability.LinearizabilityChecker;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several threads at once: no write lost, every history linearizable, batches and cursors atomic to
 * concurrent readers.
 *
 * <p>Worker failures are rethrown on the test thread. The generous waits guard against hangs only;
 * nothing here asserts on timing.
 */
abstract class ConcurrencyTests extends ConformanceGroup {

  private static final int THREADS = 4;

  /** Runs {@code work} on {@code n} threads released together; rethrows the first failure. */
  static void concurrently(int n, Worker work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  work.run(thread);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        try {
          f.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw (Exception) e.getCause();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The body of one thread. */
  @FunctionalInterface
  interface Worker {
    void run(int thread) throws Exception;
  }

  @Test
  void concurrentPutsOfDistinctKeysAllLand() throws Exception {
    StorageEngine e = open();
    int perThread = 1000;
    concurrently(
        THREADS,
        t -> {
          for (int i = 0; i < perThread; i++) {
            e.put(b("t" + t + "-" + i), b("v" + i));
          }
        });
    List<String> missing = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < perThread; i++) {
        byte[] v = e.get(b("t" + t + "-" + i));
        if (v == null || !java.util.Arrays.equals(v, b("v" + i))) {
          missing.add("t" + t + "-" + i);
        }
      }
    }
    assertEquals(List.of(), missing, missing.size() + " acknowledged puts were lost");
    assertEquals(THREADS * perThread, Scans.all(e).size());
  }

  @Test
  void concurrentOverwritesLeaveOneOfTheWrittenValues() throws Exception {
    StorageEngine e = open();
    concurrently(
        THREADS,
        t -> {
          for (int i = 0; i < 500; i++) {
            e.put(b("shared" + (i % 5)), b("t" + t + "i" + i));
          }
        });
    for (int k = 0; k < 5; k++) {
      String v = new String(e.get(b("shared" + k)), java.nio.charset.StandardCharsets.UTF_8);
      // Each thread's last write to shared<k> is its write number 495 + k.
      assertTrue(
          v.matches("t[0-3]i" + (495 + k)), "shared" + k + " holds " + v + ", not a last write");
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14})
  void historiesOnASmallKeySetAreLinearizable(long seed) throws Exception {
    StorageEngine e = open();
    int keys = 3;
    int calls = 150;
    List<List<Call>> perThread = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      perThread.add(new ArrayList<>());
    }
    concurrently(
        THREADS,
        t -> {
          Random r = new Random(seed * 31 + t);
          List<Call> mine = perThread.get(t);
          for (int i = 0; i < calls; i++) {
            int key = r.nextInt(keys);
            byte[] k = b("lin" + key);
            int roll = r.nextInt(10);
            long start = System.nanoTime();
            if (roll < 5) {
              byte[] v = e.get(k);
              long end = System.nanoTime();
              int value = v == null ? Call.ABSENT : ByteBuffer.wrap(v).getInt();
              mine.add(new Call(t, Call.Kind.GET, key, value, start, end));
            } else if (roll < 9) {
              int value = t * 100_000 + i;
              e.put(k, ByteBuffer.allocate(4).putInt(value).array());
              mine.add(new Call(t, Call.Kind.PUT, key, value, start, System.nanoTime()));
            } else {
              e.delete(k);
              mine.add(new Call(t, Call.Kind.DELETE, key, Call.ABSENT, start, System.nanoTime()));
            }
          }
        });
    List<Call> history = new ArrayList<>();
    perThread.forEach(history::addAll);
    Optional<String> problem = LinearizabilityChecker.check(history);
    problem.ifPresent(p -> fail("seed " + seed + ": " + p));
  }

  @Test
  @Tag("capability:ATOMIC_BATCHES")
  void readersNeverSeePartOfABatch() throws Exception {
    requires(Capability.ATOMIC_BATCHES);
    StorageEngine e = open();
    int width = 8;
    WriteBatch first = new WriteBatch();
    for (int k = 0; k < width; k++) {
      first.put(b("batch" + k), b("0"));
    }
    e.write(first);
    AtomicBoolean done = new AtomicBoolean();
    List<String> torn = Collections.synchronizedList(new ArrayList<>());
    concurrently(
        3,
        t -> {
          if (t == 0) {
            for (int round = 1; round <= 400; round++) {
              WriteBatch batch = new WriteBatch();
              for (int k = 0; k < width; k++) {
                batch.put(b("batch" + k), b("" + round));
              }
              e.write(batch);
            }
            done.set(true);
            return;
          }
          while (!done.get()) {
            if (t == 2 && declares(Capability.SNAPSHOTS)) {
              try (Snapshot s = e.snapshot()) {
                checkUniform(s, width, torn);
              }
            } else {
              checkUniform(e, width, torn);
            }
          }
        });
    assertEquals(List.of(), torn, "a reader saw part of a batch");
  }

  private static void checkUniform(ReadView view, int width, List<String> torn) {
    List<Scans.Entry> entries = Scans.allSorted(view);
    if (entries.size() != width) {
      torn.add("saw " + entries.size() + " of " + width + " keys");
      return;
    }
    for (Scans.Entry en : entries) {
      if (!java.util.Arrays.equals(en.value(), entries.getFirst().value())) {
        torn.add("saw mixed values " + entries);
        return;
      }
    }
  }

  @Test
  @Tag("capability:ORDERED_SCANS")
  void cursorsStayOrderedWhileOtherThreadsWrite() throws Exception {
    requires(Capability.ORDERED_SCANS);
    StorageEngine e = open();
    for (int i = 0; i < 500; i++) {
      e.put(b(String.format("stable%04d", i)), b("s"));
    }
    AtomicBoolean done = new AtomicBoolean();
    concurrently(
        3,
        t -> {
          if (t == 0) {
            Random r = new Random(5);
            for (int i = 0; i < 3000; i++) {
              byte[] k =
                  b(String.format("%s%04d", r.nextBoolean() ? "moving" : "zz", r.nextInt(500)));
              if (r.nextInt(3) == 0) {
                e.delete(k);
              } else {
                e.put(k, b("m" + i));
              }
            }
            done.set(true);
            return;
          }
          Direction d = t == 1 ? Direction.FORWARD : Direction.REVERSE;
          while (!done.get()) {
            int stable = 0;
            byte[] previous = null;
            try (Cursor c = e.cursor(KeyRange.all(), d)) {
              while (c.next()) {
                byte[] k = c.key();
                if (previous != null) {
                  int cmp = java.util.Arrays.compareUnsigned(previous, k);
                  assertTrue(d == Direction.FORWARD ? cmp < 0 : cmp > 0, "out of order: " + d);
                }
                if (new String(k, java.nio.charset.StandardCharsets.UTF_8).startsWith("stable")) {
                  stable++;
                }
                previous = k;
              }
            }
            assertEquals(500, stable, "a cursor missed keys untouched while it ran");
          }
        });
  }

  @Test
  @Tag("capability:SNAPSHOTS")
  void aSnapshotReadsTheSameWhileOtherThreadsWrite() throws Exception {
    requires(Capability.SNAPSHOTS);
    StorageEngine e = open();
    for (int i = 0; i < 200; i++) {
      e.put(b("k" + i), b("before"));
    }
    try (Snapshot s = e.snapshot()) {
      List<Scans.Entry> expected = Scans.allSorted(s);
      concurrently(
          3,
          t -> {
            if (t == 0) {
              for (int i = 0; i < 2000; i++) {
                e.put(b("k" + (i % 250)), b("after" + i));
                e.delete(b("k" + (i % 7)));
              }
            } else {
              for (int i = 0; i < 20; i++) {
                assertEquals(expected, Scans.allSorted(s), "a snapshot changed");
                assertArrayEquals(b("before"), s.get(b("k3")));
              }
            }
          });
    }
  }
}
