package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.shadow.ShadowEngine;
import dev.cairn.runtime.shadow.ShadowReport;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shadow engine over the test engine: correct candidates agree, broken ones are caught, and a
 * candidate that throws or hangs changes nothing the primary's callers see.
 */
class ShadowEngineTest {

  private static final long SEED = Long.getLong("shadow.seed", 20261206L);

  private final EngineRegistry registry =
      EngineRegistry.of(List.of(TinyProvider.spi11("tiny"), TinyProvider.spi11("tiny2")));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @TempDir Path dir;

  private StorageEngine open(String engine) {
    return registry.store().engine(engine).meterRegistry(meters).open();
  }

  private ShadowEngine.Builder shadow(StorageEngine candidate) {
    return ShadowEngine.builder(open("tiny"), candidate)
        .names("test", "tiny", "tiny2")
        .sampleRate(1.0)
        .seed(SEED)
        .meterRegistry(meters);
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A seeded random workload of puts, deletes, batches, conditional writes and reads against {@code
   * store}, each read checked against a map kept beside it: the store's callers see exactly what a
   * correct store shows, whatever the candidate does.
   */
  static void workload(StorageEngine store, long seed, int ops, int keys) {
    System.out.println("shadow workload seed " + seed + " (replay: -Dshadow.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, byte[]> model = new HashMap<>();
    for (int i = 0; i < ops; i++) {
      int k = random.nextInt(keys);
      byte[] key = key(k);
      byte[] value = new byte[1 + random.nextInt(40)];
      random.nextBytes(value);
      int what = random.nextInt(100);
      String s = new String(key, StandardCharsets.UTF_8);
      if (what < 30) {
        store.put(key, value);
        model.put(s, value);
      } else if (what < 36) {
        store.delete(key);
        model.remove(s);
      } else if (what < 40) {
        WriteBatch b = new WriteBatch();
        for (int j = 0; j < 3; j++) {
          byte[] bk = key(random.nextInt(keys));
          b.put(bk, value);
          model.put(new String(bk, StandardCharsets.UTF_8), value);
        }
        store.write(b);
      } else if (what < 43) {
        boolean applied = store.putIfAbsent(key, value);
        assertEquals(!model.containsKey(s), applied, "putIfAbsent of " + s);
        model.putIfAbsent(s, value);
      } else if (what < 45) {
        List<byte[]> got = store.multiGet(List.of(key, key(random.nextInt(keys))));
        assertArrayEquals(model.get(s), got.get(0), "multiGet of " + s);
      } else {
        assertArrayEquals(model.get(s), store.get(key), "get of " + s);
      }
    }
  }

  @Test
  void aCorrectCandidateAgreesOnEveryRead() {
    try (ShadowEngine shadow = shadow(open("tiny2")).start()) {
      workload(shadow, SEED, 5_000, 300);
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertEquals(0, r.mismatches(), () -> "mismatches: " + r.examples());
      assertEquals(r.writes(), r.writesMirrored());
      assertEquals(0, r.writesDropped() + r.writesFailed() + r.readsFailed());
      assertTrue(r.readsCompared() > 2_000, () -> "compared " + r.readsCompared());
      assertEquals(r.readsSampled(), r.readsCompared() + r.readsSkipped());
      assertTrue(r.candidateReads().count() > 0 && r.primaryReads().p99Nanos() > 0);
      double matched =
          meters
              .get("cairn.shadow.reads")
              .tags("shadow", "test", "outcome", "match")
              .functionCounter()
              .count();
      assertEquals(r.readsCompared(), (long) matched);
    }
  }

  /**
   * A seeded workload through a keyspace handle: puts, deletes, conditional writes, range deletes
   * and reads, each read checked against a map kept beside it.
   */
  static void keyspaceWorkload(Keyspace ks, long seed, int ops, int keys) {
    System.out.println(
        "shadow keyspace workload seed " + seed + " (replay: -Dshadow.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    java.util.TreeMap<String, byte[]> model = new java.util.TreeMap<>();
    for (int i = 0; i < ops; i++) {
      int k = random.nextInt(keys);
      byte[] key = key(k);
      String s = new String(key, StandardCharsets.UTF_8);
      byte[] value = new byte[1 + random.nextInt(40)];
      random.nextBytes(value);
      int what = random.nextInt(100);
      if (what < 35) {
        ks.put(key, value);
        model.put(s, value);
      } else if (what < 42) {
        ks.delete(key);
        model.remove(s);
      } else if (what < 46) {
        boolean applied = ks.putIfAbsent(key, value, Durability.BUFFERED);
        assertEquals(!model.containsKey(s), applied, "putIfAbsent of " + s);
        model.putIfAbsent(s, value);
      } else if (what < 47) {
        String to = s + "~"; // the key and the keys it prefixes ("key-1": "key-10".."key-199")
        ks.deleteRange(
            KeyRange.between(key, to.getBytes(StandardCharsets.UTF_8)), Durability.BUFFERED);
        model.subMap(s, to).clear();
      } else if (what < 50) {
        List<byte[]> got = ks.multiGet(List.of(key, key(random.nextInt(keys))));
        assertArrayEquals(model.get(s), got.get(0), "multiGet of " + s);
      } else {
        assertArrayEquals(model.get(s), ks.get(key), "get of " + s);
      }
    }
  }

  @Test
  void writesAndReadsThroughAKeyspaceHandleAreMirroredAndCompared() {
    try (ShadowEngine shadow = shadow(open("tiny2")).start()) {
      Keyspace events = shadow.createKeyspace("events");
      keyspaceWorkload(events, SEED, 4_000, 200);
      shadow.createKeyspace("audit");
      keyspaceWorkload(shadow.keyspace("audit"), SEED + 1, 1_000, 200);
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertEquals(0, r.mismatches(), () -> "mismatches: " + r.examples());
      assertTrue(r.writes() > 2_000, () -> "writes through the handle counted: " + r.writes());
      assertEquals(r.writes(), r.writesMirrored());
      assertEquals(0, r.writesDropped() + r.writesFailed() + r.readsFailed());
      assertTrue(r.readsCompared() > 1_000, () -> "compared " + r.readsCompared());
    }
  }

  @Test
  void aCandidateThatLosesKeyspaceWritesIsCaughtAndTheKeyspaceNamed() {
    FaultyCandidate candidate = new FaultyCandidate(open("tiny2"));
    candidate.dropEveryBatch = 7;
    try (ShadowEngine shadow = shadow(candidate).start()) {
      keyspaceWorkload(shadow.createKeyspace("events"), SEED, 4_000, 200);
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertTrue(r.mismatches() > 0, () -> "no mismatch caught: " + r);
      assertTrue(
          r.examples().stream().allMatch(m -> m.keyspace().equals("events")),
          () -> "examples " + r.examples());
    }
  }

  @Test
  void concurrentWritersOfHotKeysRaiseNoFalseMismatch() throws Exception {
    try (ShadowEngine shadow = shadow(open("tiny2")).start()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          long seed = SEED + t;
          done.add(
              pool.submit(
                  () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 4_000; i++) {
                      byte[] key = key(random.nextInt(8)); // NB: 8 hot keys, 4 threads
                      int what = random.nextInt(10);
                      if (what < 4) {
                        shadow.put(key, ("v" + seed + "-" + i).getBytes(StandardCharsets.UTF_8));
                      } else if (what < 5) {
                        shadow.delete(key);
                      } else {
                        shadow.get(key);
                      }
                    }
                  }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdown();
      }
      // Quiet reads after the storm: every key written once more, then read.
      for (int k = 0; k < 8; k++) {
        shadow.put(key(k), key(k));
        shadow.get(key(k));
      }
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertEquals(0, r.mismatches(), () -> "false mismatches: " + r.examples());
      assertTrue(r.readsCompared() >= 8, () -> "compared " + r.readsCompared());
    }
  }

  @Test
  void aCandidateThatLosesWritesIsCaught() {
    FaultyCandidate candidate = new FaultyCandidate(open("tiny2"));
    candidate.dropEveryPut = 7;
    try (ShadowEngine shadow = shadow(candidate).start()) {
      workload(shadow, SEED, 5_000, 300);
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertTrue(r.mismatches() > 0, () -> "no mismatch caught: " + r);
      ShadowReport.Mismatch m = r.examples().getFirst();
      assertTrue(m.keyHex().startsWith("6b65792d"), m.keyHex()); // "key-"
      assertTrue(
          r.examples().stream().anyMatch(x -> x.kind() != ShadowReport.Kind.EXTRA),
          () -> "examples " + r.examples());
      assertEquals(
          r.mismatches(),
          (long)
              meters
                  .get("cairn.shadow.reads")
                  .tags("outcome", "mismatch")
                  .functionCounter()
                  .count());
    }
  }

  @Test
  void aCandidateThatCorruptsReadsIsCaught() {
    FaultyCandidate candidate = new FaultyCandidate(open("tiny2"));
    candidate.corruptEveryGet = 5;
    try (ShadowEngine shadow = shadow(candidate).start()) {
      workload(shadow, SEED, 3_000, 100);
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertTrue(r.mismatches() > 0, () -> "no mismatch caught: " + r);
      assertTrue(
          r.examples().stream().allMatch(x -> x.kind() == ShadowReport.Kind.DIFFERENT),
          () -> "examples " + r.examples());
    }
  }

  @Test
  void aThrowingCandidateChangesNothingTheCallerSees() {
    FaultyCandidate candidate = new FaultyCandidate(open("tiny2"));
    candidate.throwing = true;
    try (ShadowEngine shadow = shadow(candidate).start()) {
      workload(shadow, SEED, 3_000, 100); // asserts every read against the model
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertEquals(r.writes(), r.writesFailed());
      assertEquals(r.readsSampled() - r.readsSkipped(), r.readsFailed());
      assertEquals(0, r.mismatches());
      assertFalse(r.failures().isEmpty());
      assertTrue(
          r.failures().getFirst().contains("injected candidate failure"), r.failures()::toString);
      assertEquals("running", r.mirrorState());
    }
  }

  @Test
  void aHungCandidateNeitherBlocksThePrimaryNorGrowsItsQueue() throws Exception {
    FaultyCandidate candidate = new FaultyCandidate(open("tiny2"));
    CountDownLatch release = new CountDownLatch(1);
    candidate.hang = release;
    ShadowEngine shadow =
        shadow(candidate).queueCapacity(100).closePatience(Duration.ofMillis(200)).start();
    try {
      shadow.put(key(-1), key(-1));
      assertTrue(candidate.hanging.await(10, TimeUnit.SECONDS)); // the mirror is stuck in it
      workload(shadow, SEED, 3_000, 100); // the primary answers as ever
      ShadowReport r = shadow.report();
      assertTrue(r.queued() <= 100, () -> "queue " + r.queued());
      assertTrue(r.writesDropped() > 0, () -> "nothing dropped: " + r);
      assertEquals(0, r.mismatches());
      long t0 = System.nanoTime();
      shadow.close();
      assertTrue(
          System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "close waited for the candidate");
      assertTrue(
          shadow.report().failures().stream().anyMatch(f -> f.contains("still busy")),
          () -> shadow.report().failures().toString());
    } finally {
      release.countDown();
      shadow.close();
    }
  }

  @Test
  void thePrimarysOwnErrorsReachTheCaller() {
    try (ShadowEngine shadow = shadow(open("tiny2")).start()) {
      assertThrows(InvalidArgumentException.class, () -> shadow.put(null, key(1)));
      assertThrows(InvalidArgumentException.class, () -> shadow.get(null));
      shadow.put(key(1), key(1));
      assertFalse(shadow.putIfAbsent(key(1), key(2)));
      assertTrue(shadow.replace(key(1), key(1), key(3)));
      assertTrue(shadow.deleteIfEquals(key(1), key(3)));
      assertNull(shadow.get(key(1)));
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      ShadowReport r = shadow.report();
      assertEquals(3, r.writes()); // put, replace, deleteIfEquals: the refused one is not mirrored
      assertEquals(0, r.mismatches());
    }
  }

  @Test
  void theSamplerIsSeededAndKeepsItsRate() {
    long[] sampled = new long[2];
    for (int run = 0; run < 2; run++) {
      try (ShadowEngine shadow =
          ShadowEngine.builder(open("tiny"), open("tiny2"))
              .sampleRate(0.1)
              .seed(SEED)
              .meterRegistry(meters)
              .start()) {
        for (int i = 0; i < 10_000; i++) {
          shadow.get(key(i));
        }
        sampled[run] = shadow.report().readsSampled();
      }
    }
    assertEquals(sampled[0], sampled[1]);
    assertTrue(sampled[0] > 800 && sampled[0] < 1200, () -> Arrays.toString(sampled));
    assertThrows(InvalidArgumentException.class, () -> ShadowEngine.builder(null, null));
  }

  @Test
  void theReportIsPublishedWhileTheShadowRunsAndRemovedAfter() throws Exception {
    Path file = dir.resolve("CAIRN-SHADOW.json");
    try (ShadowEngine shadow =
        shadow(open("tiny2")).reportFile(dir, Duration.ofMillis(20)).start()) {
      shadow.put(key(1), key(1));
      shadow.get(key(1));
      assertTrue(shadow.awaitMirrored(Duration.ofSeconds(30)));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String json = "";
      while (!json.contains("\"compared\": 1") && System.nanoTime() < end) {
        Thread.sleep(20);
        json = Files.exists(file) ? Files.readString(file) : "";
      }
      assertTrue(json.contains("\"format\": \"cairn-shadow-report\""), json);
      assertTrue(json.contains("\"compared\": 1"), json);
      assertTrue(json.contains("\"pid\": " + ProcessHandle.current().pid()), json);
    }
    assertFalse(Files.exists(file));
  }
}
