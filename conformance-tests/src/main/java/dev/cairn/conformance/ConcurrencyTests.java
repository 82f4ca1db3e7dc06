package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.Arrays;
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
import java.util.concurrent.atomic.AtomicInteger;
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
        if (v == null || !Arrays.equals(v, b("v" + i))) {
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
      if (!Arrays.equals(en.value(), entries.getFirst().value())) {
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
                  int cmp = Arrays.compareUnsigned(previous, k);
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

  /**
   * Several writers race atomic batches over the same keys while readers check that no batch is
   * ever seen in part. Every batch first deletes each key, then puts a placeholder in each, then
   * puts one value into every key: the same (writer, generation) header, then padding of a size
   * chosen for the batch (up to 200 bytes drawn from the seed; 0, 4097 and once 64 KiB + 1 bytes at
   * fixed generations). So a reader's view must hold every key, no placeholder, and one value in
   * all keys; a get must never miss a key or see a placeholder; and one reader's successive gets of
   * a key must never see a writer's generations go back. The readers are those of {@link Reader}
   * whose capability the engine declares.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22})
  @Tag("capability:ATOMIC_BATCHES")
  void racingBatchWritersAreNeverSeenInPart(long seed) throws Exception {
    requires(Capability.ATOMIC_BATCHES);
    StorageEngine e = open();
    List<byte[]> keys = new ArrayList<>();
    for (int k = 0; k < GENERATION_KEYS; k++) {
      keys.add(b("gen-" + k));
    }
    keys.add(Bytes.of(0xFF, 0x80, 0x00));
    keys.add(Sizes.bytes(seed, 4097));
    int writers = 3;
    int batches = 40;
    e.write(generation(keys, -1, 0, 8));
    List<Reader> readers =
        Arrays.stream(Reader.values()).filter(r -> r.needs == null || declares(r.needs)).toList();
    AtomicInteger running = new AtomicInteger(writers);
    List<String> torn = Collections.synchronizedList(new ArrayList<>());
    concurrently(
        writers + readers.size(),
        t -> {
          if (t >= writers) {
            Reader reader = readers.get(t - writers);
            int[][] lastSeen = new int[keys.size()][writers + 1];
            do {
              String problem = reader.read(e, keys, lastSeen, declares(Capability.SNAPSHOTS));
              if (problem != null) {
                torn.add(reader.description + ": " + problem);
              }
            } while (running.get() > 0 && torn.size() < 10);
            return;
          }
          try {
            Random r = new Random(seed * 31 + t);
            for (int g = 1; g <= batches; g++) {
              int padding =
                  g == batches / 2
                      ? 64 * 1024 + 1
                      : g % 10 == 5 ? 4097 : g % 10 == 7 ? 0 : r.nextInt(200);
              e.write(generation(keys, t, g, padding));
            }
          } finally {
            running.decrementAndGet();
          }
        });
    assertEquals(List.of(), torn, "seed " + seed + ": a reader saw part of a batch");
    String last = uniform(keys.stream().map(e::get).toList(), keys.size());
    assertNull(last, "seed " + seed + ": after every writer finished, " + last);
    int generation = ByteBuffer.wrap(e.get(keys.getFirst())).getInt(4);
    assertEquals(
        batches, generation, "seed " + seed + ": the last batch standing is not a last one");
  }

  /** How many of a generation's keys are "gen-" keys, scanned as a range by ordered readers. */
  private static final int GENERATION_KEYS = 10;

  private static final KeyRange GENERATION_RANGE = KeyRange.prefix(b("gen-"));
  private static final byte[] PLACEHOLDER = b("placeholder");

  /** The readers of {@link #racingBatchWritersAreNeverSeenInPart}: each reads once per call. */
  private enum Reader {
    GETS("gets on the live store", null) {
      @Override
      String read(StorageEngine e, List<byte[]> keys, int[][] lastSeen, boolean snapshots) {
        return readGets(e, keys, lastSeen);
      }
    },
    SNAPSHOT_GETS("gets on a snapshot", Capability.SNAPSHOTS) {
      @Override
      String read(StorageEngine e, List<byte[]> keys, int[][] lastSeen, boolean snapshots) {
        try (Snapshot s = e.snapshot()) {
          return uniform(keys.stream().map(s::get).toList(), keys.size());
        }
      }
    },
    CURSOR("a full cursor on the live store", null) {
      @Override
      String read(StorageEngine e, List<byte[]> keys, int[][] lastSeen, boolean snapshots) {
        return uniform(valuesOf(e, KeyRange.all(), Direction.FORWARD), keys.size());
      }
    },
    RANGE_CURSOR("a reverse range cursor", Capability.ORDERED_SCANS) {
      @Override
      String read(StorageEngine e, List<byte[]> keys, int[][] lastSeen, boolean snapshots) {
        if (!snapshots) {
          return uniform(valuesOf(e, GENERATION_RANGE, Direction.REVERSE), GENERATION_KEYS);
        }
        try (Snapshot s = e.snapshot()) {
          return uniform(valuesOf(s, GENERATION_RANGE, Direction.REVERSE), GENERATION_KEYS);
        }
      }
    };

    final String description;
    final Capability needs;

    Reader(String description, Capability needs) {
      this.description = description;
      this.needs = needs;
    }

    /** Reads once; null when all is well, else what was wrong. */
    abstract String read(StorageEngine e, List<byte[]> keys, int[][] lastSeen, boolean snapshots);
  }

  /**
   * The batch of {@code writer}'s generation {@code g}: delete each key, put a placeholder in each,
   * then the value {@code (writer, g)} followed by {@code padding} bytes in each.
   */
  private static WriteBatch generation(List<byte[]> keys, int writer, int g, int padding) {
    byte[] value = new byte[8 + padding];
    ByteBuffer.wrap(value).putInt(writer).putInt(g);
    Arrays.fill(value, 8, value.length, (byte) (writer * 31 + g));
    WriteBatch batch = new WriteBatch();
    for (byte[] k : keys) {
      batch.delete(k);
      batch.put(k, PLACEHOLDER);
    }
    for (byte[] k : keys) {
      batch.put(k, value);
    }
    return batch;
  }

  /** Null when {@code values} are {@code n} equal values of a batch; else what is wrong. */
  private static String uniform(List<byte[]> values, int n) {
    if (values.size() != n) {
      return "saw " + values.size() + " of " + n + " keys";
    }
    for (byte[] v : values) {
      if (v == null) {
        return "a key was missing";
      }
      if (Arrays.equals(v, PLACEHOLDER)) {
        return "saw a placeholder that its batch overwrote";
      }
      if (!Arrays.equals(v, values.getFirst())) {
        return "saw values of different batches: "
            + header(values.getFirst())
            + " and "
            + header(v);
      }
    }
    return null;
  }

  /**
   * Gets of each key, one after another: each must be present and no placeholder, and a writer's
   * generation seen for a key must not go back from what this reader saw before.
   */
  private static String readGets(StorageEngine e, List<byte[]> keys, int[][] lastSeen) {
    for (int k = 0; k < keys.size(); k++) {
      byte[] v = e.get(keys.get(k));
      if (v == null) {
        return "key " + k + " was missing (a batch's delete was seen)";
      }
      if (Arrays.equals(v, PLACEHOLDER)) {
        return "key " + k + " held a placeholder that its batch overwrote";
      }
      ByteBuffer h = ByteBuffer.wrap(v);
      int writer = h.getInt() + 1;
      int g = h.getInt();
      if (g < lastSeen[k][writer]) {
        return "key " + k + " went back from " + lastSeen[k][writer] + " to " + header(v);
      }
      lastSeen[k][writer] = g;
    }
    return null;
  }

  /** Every value of {@code range} in {@code view}, read with one cursor. */
  private static List<byte[]> valuesOf(ReadView view, KeyRange range, Direction d) {
    return Scans.scan(view, range, d).stream().map(Scans.Entry::value).toList();
  }

  private static String header(byte[] v) {
    ByteBuffer h = ByteBuffer.wrap(v);
    return "(writer " + h.getInt() + ", generation " + h.getInt() + ", " + v.length + " bytes)";
  }
}
