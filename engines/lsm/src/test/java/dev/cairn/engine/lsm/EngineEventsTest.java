package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.spi.BusyException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEvent.Kind;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.Health;
import dev.cairn.spi.RequestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's events, given to the listener of its options: the forces of group commits, log and
 * manifest rolls, flushes, compactions, stalls, checkpoints and recoveries, each naming the request
 * that caused it, even when the work runs on the engine's own threads.
 */
class EngineEventsTest {

  @TempDir Path dir;
  @TempDir Path elsewhere;

  private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

  private List<EngineEvent> of(Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).toList();
  }

  private List<EngineEvent> of(Kind kind, String detailPrefix) {
    return of(kind).stream().filter(e -> e.detail().startsWith(detailPrefix)).toList();
  }

  private LsmEngine open(Map<String, String> settings) {
    return TestStores.open(dir, settings, false, events::add);
  }

  private static void as(String requestId, Runnable work) {
    RequestContext.of(requestId).run(work);
  }

  @Test
  void theForceOfASyncWriteAndTheRecoveryNameTheirRequests() {
    try (LsmEngine e = RequestContext.of("open-1").call(() -> open(Map.of()))) {
      EngineEvent created = of(Kind.RECOVERY).getFirst();
      assertEquals(Optional.of("open-1"), created.requestId(), "the open's own request");
      assertTrue(created.detail().contains("created a new store"), created.detail());

      events.clear();
      as("buffered-1", () -> e.put(b("k0"), new byte[100], Durability.BUFFERED));
      assertEquals(List.of(), of(Kind.FSYNC), "a BUFFERED write forces nothing");

      as("sync-1", () -> e.put(b("k1"), new byte[300], Durability.SYNC));
      List<EngineEvent> fsyncs = of(Kind.FSYNC);
      assertEquals(1, fsyncs.size(), fsyncs.toString());
      EngineEvent f = fsyncs.getFirst();
      assertEquals(Optional.of("sync-1"), f.requestId(), "forced on the fsync thread: " + f);
      assertTrue(
          f.detail().startsWith("fsync of write-ahead log ")
              && f.detail().contains("for a group commit of 1 requests"),
          f.detail());
      assertTrue(f.bytes() > 400, "both writes' bytes, the BUFFERED one's too: " + f);

      events.clear();
      as("flush-1", e::flush);
      assertEquals(Optional.of("flush-1"), of(Kind.FSYNC).getFirst().requestId());
    }
    events.clear();
    try (LsmEngine e = open(Map.of())) {
      EngineEvent recovery = of(Kind.RECOVERY).getFirst();
      assertEquals(Optional.empty(), recovery.requestId(), "an open without a context");
      assertTrue(recovery.detail().contains("replayed 1 write-ahead logs"), recovery.detail());
      assertTrue(recovery.bytes() > 400, "the manifest and the log were read: " + recovery);
      assertEquals(300, e.get(b("k1")).length);
    }
  }

  @Test
  void theFlushOfAFullMemtableAndTheCompactionsAfterItNameTheWriteThatFilledIt() {
    Set<String> issued = new TreeSet<>();
    try (LsmEngine e = open(Map.of())) {
      events.clear();
      // Ten keys written over and over: every flushed table covers them all, so level 0's tables
      // overlap and are merged (never moved).
      for (int i = 0; i < 300; i++) {
        String req = "w-" + i;
        issued.add(req);
        int n = i;
        as(req, () -> e.put(b("k" + n % 10), new byte[400], Durability.BUFFERED));
      }
      TestStores.settle(e);
    }
    List<EngineEvent> rolls = of(Kind.ROLL, "roll of write-ahead log ");
    List<EngineEvent> flushes = of(Kind.FLUSH);
    assertTrue(rolls.size() >= 3, "8 KiB memtables, 120 KB written: " + rolls);
    assertTrue(flushes.size() >= 3, flushes.toString());
    for (EngineEvent roll : rolls) {
      String req = roll.requestId().orElseThrow(() -> new AssertionError("no request: " + roll));
      assertTrue(issued.contains(req), roll.toString());
      assertTrue(roll.detail().endsWith(": the memtable is full"), roll.detail());
    }
    for (EngineEvent flush : flushes) {
      // "flush of the memtable of write-ahead log N (...": the roll of log N names the same write.
      String log = flush.detail().split(" ")[7];
      EngineEvent roll =
          rolls.stream()
              .filter(r -> r.detail().startsWith("roll of write-ahead log " + log + " "))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no roll of log " + log + ": " + rolls));
      assertEquals(
          roll.requestId(),
          flush.requestId(),
          "the flush runs on the flush thread with the context of the write that filled the"
              + " memtable: "
              + flush);
      assertTrue(flush.bytes() > 0, flush.toString());
      assertTrue(flush.detail().contains("to level-0 table "), flush.detail());
    }
    Set<String> flushers = new TreeSet<>();
    flushes.forEach(f -> flushers.add(f.requestId().orElseThrow()));
    List<EngineEvent> manifestForces = of(Kind.FSYNC, "fsync of manifest ");
    assertFalse(manifestForces.isEmpty(), events.toString());
    for (EngineEvent m : manifestForces) {
      assertTrue(
          flushers.contains(m.requestId().orElse("none")),
          "a version edit is logged by a flush or a compaction it set off: " + m + " in " + events);
    }
    List<EngineEvent> compactions = of(Kind.COMPACTION, "compaction of level 0 to level 1");
    assertFalse(compactions.isEmpty(), "two level-0 tables start a compaction: " + events);
    for (EngineEvent c : compactions) {
      assertTrue(
          flushers.contains(c.requestId().orElseThrow()),
          "a compaction names the write whose flush set it off: " + c);
      assertTrue(c.bytes() > 0, c.toString());
      assertTrue(c.detail().contains("read ") && !c.detail().contains("read 0 "), c.detail());
    }
    List<EngineEvent> manifestRolls = of(Kind.ROLL, "roll of manifest ");
    assertFalse(manifestRolls.isEmpty(), "512-byte manifests roll: " + events);
    manifestRolls.forEach(r -> assertTrue(flushers.contains(r.requestId().orElseThrow())));
  }

  @Test
  void aStalledWriteIsReportedWithItsRequestAndHowItEnded() {
    try (LsmEngine e = open(Map.of("memtable.max.immutable", "1", "write.stall.timeout", "50ms"))) {
      e.pauseBackground(true);
      String refused = null;
      for (int i = 0; i < 1000 && refused == null; i++) {
        String req = "s-" + i;
        try {
          as(req, () -> e.put(b(req), new byte[500], Durability.BUFFERED));
        } catch (BusyException x) {
          refused = req;
        }
      }
      assertNotNull(refused, "no stall with the flush held back");
      List<EngineEvent> stalls = of(Kind.STALL);
      assertEquals(1, stalls.size(), stalls.toString());
      EngineEvent stall = stalls.getFirst();
      assertEquals(Optional.of(refused), stall.requestId());
      assertTrue(stall.duration().compareTo(Duration.ofMillis(50)) >= 0, stall.toString());
      assertTrue(stall.detail().contains("refused the group as busy"), stall.detail());
      assertTrue(stall.detail().contains("memtables waiting: 1 of at most 1"), stall.detail());
      e.pauseBackground(false);
    }
  }

  @Test
  void aCheckpointIsReportedWithItsRequestAndBytes() throws Exception {
    try (LsmEngine e = open(Map.of())) {
      for (int i = 0; i < 40; i++) {
        e.put(b("k" + i), new byte[400], Durability.BUFFERED);
      }
      events.clear();
      Path cp = elsewhere.resolve("cp");
      as("cp-1", () -> e.checkpoint(cp));
      EngineEvent checkpoint = of(Kind.CHECKPOINT).getFirst();
      assertEquals(Optional.of("cp-1"), checkpoint.requestId());
      long bytes;
      try (Stream<Path> files = Files.list(cp)) {
        bytes = files.mapToLong(p -> p.toFile().length()).sum();
      }
      assertEquals(bytes, checkpoint.bytes(), checkpoint.toString());
      assertTrue(bytes > 1000, "tables, manifest, log, CURRENT: " + checkpoint);
    }
  }

  @Test
  void theForcesOfConcurrentSyncWritersEachNameOneOfTheirWriters() throws Exception {
    int threads = 8;
    int each = 40;
    Set<String> issued = Collections.synchronizedSet(new TreeSet<>());
    long syncs;
    try (LsmEngine e = open(Map.of("memtable.size", "1m"))) {
      events.clear();
      long before = e.statistics().details().get("wal.syncs");
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        start.await();
                        for (int i = 0; i < each; i++) {
                          String req = "g-" + id + "-" + i;
                          issued.add(req);
                          as(req, () -> e.put(b(req), b("v"), Durability.SYNC));
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
      syncs = e.statistics().details().get("wal.syncs") - before;
    }
    List<EngineEvent> forces = of(Kind.FSYNC, "fsync of write-ahead log ");
    List<EngineEvent> groupForces =
        forces.stream().filter(f -> f.detail().contains("for a group commit of")).toList();
    assertTrue(syncs > 0 && groupForces.size() <= syncs, syncs + " " + groupForces);
    assertTrue(forces.size() >= syncs, "every force of the log is reported: " + forces);
    long forced = 0;
    for (EngineEvent f : groupForces) {
      assertTrue(issued.contains(f.requestId().orElseThrow()), f.toString());
      // NB: 0 when an earlier force already covered the group (it was written meanwhile).
      assertTrue(f.bytes() >= 0, f.toString());
      forced += f.bytes();
    }
    assertTrue(forced >= threads * each * 20L, "every write was forced once: " + forced);
  }

  @Test
  void aFailedFlushReportsItAndItsFailureNamesTheWriteThatFilledTheMemtable() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path store = fs.root().resolve("store");
      try (LsmEngine e = TestStores.open(store, Map.of(), false, events::add)) {
        fs.faults().failAlways(Faults.Op.WRITE, p -> p.getFileName().toString().endsWith(".sst"));
        for (int i = 0; i < 200 && !e.failStop().failed(); i++) {
          try {
            as("f-" + i, () -> e.put(b("k"), new byte[200], Durability.BUFFERED));
          } catch (EngineFailedException stopped) {
            break;
          }
        }
        for (int i = 0; i < 500 && !e.failStop().failed(); i++) {
          Thread.sleep(10);
        }
        assertEquals(Health.Status.FAILED, e.health().status());
        EngineEvent roll = of(Kind.ROLL, "roll of write-ahead log ").getFirst();
        EngineEvent flush = of(Kind.FLUSH).getFirst();
        assertTrue(flush.detail().contains("(failed: "), flush.detail());
        assertEquals(roll.requestId(), flush.requestId(), flush.toString());
        EngineFailedException failure = e.failStop().failure();
        assertEquals(
            roll.requestId(),
            failure.requestId(),
            "the store's failure was met in the flush of that write's memtable: " + failure);
        assertThrows(EngineFailedException.class, () -> e.put(b("b"), b("2")));
      }
    }
  }

  @Test
  void aListenerThatThrowsBreaksNothing() {
    EngineEventListener faulty =
        ev -> {
          events.add(ev);
          throw new IllegalStateException("listener bug");
        };
    try (LsmEngine e = TestStores.open(dir, Map.of(), false, faulty)) {
      for (int i = 0; i < 100; i++) {
        e.put(b("k" + i % 10), new byte[400], i % 7 == 0 ? Durability.SYNC : Durability.BUFFERED);
      }
      TestStores.settle(e);
      e.checkpoint(elsewhere.resolve("cp"));
      assertTrue(e.statistics().details().get("compaction.count") > 0);
      assertEquals(Health.Status.OK, e.health().status());
    }
    for (Kind k : List.of(Kind.RECOVERY, Kind.FSYNC, Kind.ROLL, Kind.FLUSH, Kind.COMPACTION)) {
      assertFalse(of(k).isEmpty(), "the listener was called, and threw, for " + k + ": " + events);
    }
    assertEquals(1, of(Kind.CHECKPOINT).size());
    try (LsmEngine e = TestStores.open(dir, Map.of(), false, faulty)) {
      assertEquals(400, e.get(b("k9")).length);
      assertEquals(Health.Status.OK, e.health().status());
    }
  }
}
