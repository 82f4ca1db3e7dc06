package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEvent.Kind;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.RequestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's events, given to the listener of its options: fsyncs, rolls, hints, merges,
 * checkpoints and recoveries, each naming the request that caused it when one did, even when the
 * work ran on the engine's own threads.
 */
class EngineEventsTest {

  private static final Map<String, String> SMALL_FILES =
      Map.of("file.size", "4096", "merge.small.files", "0", "merge.threshold", "0.5");

  @TempDir Path dir;
  @TempDir Path elsewhere;

  private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

  private List<EngineEvent> of(Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).toList();
  }

  private static Set<String> ids(List<EngineEvent> es) {
    Set<String> ids = new TreeSet<>();
    es.forEach(e -> ids.add(e.requestId().orElse("<none>")));
    return ids;
  }

  private static void as(String requestId, Runnable write) {
    RequestContext.of(requestId).run(write);
  }

  @Test
  void writesRollsHintsMergesCheckpointsAndRecoveryAreReportedWithTheirRequests() {
    byte[] value = new byte[500];
    try (HashEngine e = open(dir, SMALL_FILES, false, events::add)) {
      EngineEvent recovery = of(Kind.RECOVERY).getFirst();
      assertEquals(0, recovery.bytes(), "a new store reads nothing: " + recovery);

      as("sync-1", () -> e.put(b("k"), value, Durability.SYNC));
      List<EngineEvent> fsyncs = of(Kind.FSYNC);
      EngineEvent groupForce = fsyncs.getLast();
      assertEquals(Optional.of("sync-1"), groupForce.requestId(), fsyncs.toString());
      assertTrue(groupForce.bytes() >= value.length, groupForce.toString());
      assertTrue(groupForce.detail().contains("group commit"), groupForce.detail());

      // Hold the background thread so that the seals below only queue their hints, then consume
      // the seals it has seen: the merge later is due to the trigger's seal alone.
      e.merger().hold(true);
      for (int i = 0; i < 30; i++) {
        int n = i;
        as("w-" + n, () -> e.put(b("k"), value, Durability.BUFFERED));
      }
      e.runBackgroundCycle();
      List<EngineEvent> rolls = of(Kind.ROLL);
      assertTrue(rolls.size() >= 3, "30 writes of 500 bytes into 4 KiB files: " + rolls);
      for (EngineEvent r : rolls) {
        assertTrue(r.requestId().orElseThrow().startsWith("w-"), r.toString());
        assertTrue(r.bytes() > 3000 && r.bytes() <= 4096, r.toString());
      }
      assertEquals(List.of(), of(Kind.COMPACTION), "held: no merge yet");
      assertEquals(List.of(), of(Kind.FLUSH), "held: no hint yet");

      e.merger().hold(false);
      as("trigger-9", () -> e.put(b("k"), new byte[3500], Durability.BUFFERED));
      e.runBackgroundCycle();
      Set<String> sealers = ids(of(Kind.ROLL));
      assertTrue(sealers.contains("trigger-9"), sealers.toString());
      assertEquals(
          sealers, ids(of(Kind.FLUSH)), "each hint names the request that sealed its file");
      for (EngineEvent h : of(Kind.FLUSH)) {
        assertTrue(h.detail().startsWith("hint of "), h.detail());
        assertTrue(h.bytes() > 0, h.toString());
      }
      List<EngineEvent> merges = of(Kind.COMPACTION);
      assertFalse(merges.isEmpty(), "every sealed file is stale: a merge is due");
      for (EngineEvent m : merges) {
        assertEquals(Optional.of("trigger-9"), m.requestId(), m.toString());
        assertTrue(m.bytes() > 0, m.toString());
        assertTrue(m.detail().startsWith("merge of "), m.detail());
      }
      List<EngineEvent> mergeForces =
          of(Kind.FSYNC).stream()
              .filter(f -> f.requestId().equals(Optional.of("trigger-9")))
              .toList();
      assertFalse(
          mergeForces.isEmpty(), "the merge syncs the log first, for its request: " + events);

      events.clear();
      as("cp-1", () -> e.checkpoint(elsewhere.resolve("cp")));
      EngineEvent cp = of(Kind.CHECKPOINT).getFirst();
      assertEquals(Optional.of("cp-1"), cp.requestId());
      assertTrue(cp.bytes() > 3500, cp.toString());
      assertEquals(Optional.of("cp-1"), of(Kind.ROLL).getFirst().requestId(), "its roll too");
    }
    events.clear();
    try (HashEngine e = open(dir, SMALL_FILES, false, events::add)) {
      EngineEvent recovery = of(Kind.RECOVERY).getFirst();
      assertTrue(recovery.bytes() > 0, "recovery read the hints and files: " + recovery);
      assertEquals(Optional.empty(), recovery.requestId());
      assertEquals(3500, e.get(b("k")).length);
    }
  }

  @Test
  void theForceOfAGroupNamesOneOfItsWritersAndEveryForceIsReported() throws Exception {
    int threads = 8;
    int each = 40;
    Set<String> issued = Collections.synchronizedSet(new TreeSet<>());
    long syncs;
    try (HashEngine e = open(dir, Map.of(), false, events::add)) {
      events.clear();
      long before = e.statistics().details().get("write.syncs");
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
                          int n = i;
                          as(req, () -> e.put(b(req), b("v" + n), Durability.SYNC));
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
    }
    List<EngineEvent> forces =
        of(Kind.FSYNC).stream().filter(f -> f.detail().contains("group commit")).toList();
    assertEquals(syncs, forces.size(), "one event for each force of a group: " + forces.size());
    for (EngineEvent f : forces) {
      assertTrue(issued.contains(f.requestId().orElseThrow()), f.toString());
      assertTrue(f.bytes() >= 0, f.toString());
    }
  }

  @Test
  void aListenerThatThrowsBreaksNothing() {
    EngineEventListener faulty =
        ev -> {
          throw new IllegalStateException("listener bug");
        };
    try (HashEngine e = open(dir, SMALL_FILES, false, faulty)) {
      for (int i = 0; i < 20; i++) {
        e.put(b("k" + i), new byte[600], Durability.SYNC);
      }
      e.runBackgroundCycle();
      assertEquals("OK", e.health().status().name());
    }
    try (HashEngine e = open(dir, SMALL_FILES, false, faulty)) {
      assertEquals(600, e.get(b("k19")).length);
      assertEquals(null, s(e.get(b("nothing"))));
    }
  }
}
