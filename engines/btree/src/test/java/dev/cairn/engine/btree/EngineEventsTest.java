package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEvent.Kind;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.RequestContext;
import java.io.RandomAccessFile;
import java.nio.file.Files;
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
 * The engine's events, given to the listener of its options: the forces of each commit (data, then
 * meta), checkpoints and recoveries, each naming the request that caused it, even though commits
 * run on the engine's own thread.
 */
class EngineEventsTest {

  @TempDir Path dir;
  @TempDir Path elsewhere;

  private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

  private List<EngineEvent> of(Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).toList();
  }

  private BtreeEngine open() {
    return TestStores.open(dir, Map.of(), false, events::add);
  }

  private static void as(String requestId, Runnable work) {
    RequestContext.of(requestId).run(work);
  }

  @Test
  void commitsCheckpointsAndRecoveryAreReportedWithTheirRequests() throws Exception {
    try (BtreeEngine e = RequestContext.of("open-1").call(this::open)) {
      EngineEvent recovery = of(Kind.RECOVERY).getFirst();
      assertTrue(recovery.bytes() > 0, "the metas were read: " + recovery);
      assertEquals(Optional.of("open-1"), recovery.requestId(), "the open's own request");
      assertTrue(
          recovery.detail().contains("opened at the meta of transaction 1 in slot"),
          recovery.detail());
      assertFalse(recovery.detail().contains("falling back"), recovery.detail());

      events.clear();
      as("buffered-1", () -> e.put(b("k0"), new byte[100], Durability.BUFFERED));
      assertEquals(List.of(), of(Kind.FSYNC), "a BUFFERED commit forces nothing");

      as("sync-1", () -> e.put(b("k1"), new byte[3000], Durability.SYNC));
      List<EngineEvent> fsyncs = of(Kind.FSYNC);
      assertEquals(2, fsyncs.size(), "data, then meta: " + fsyncs);
      EngineEvent data = fsyncs.get(0);
      EngineEvent meta = fsyncs.get(1);
      for (EngineEvent f : fsyncs) {
        assertEquals(Optional.of("sync-1"), f.requestId(), f.toString());
        assertTrue(f.detail().contains("group commit of 1 requests"), f.detail());
      }
      assertTrue(data.detail().startsWith("fsync of data of transaction "), data.detail());
      assertTrue(
          data.bytes() >= 2 * 4096,
          "the pages of this commit and of the BUFFERED one before it: " + data);
      assertTrue(meta.detail().startsWith("fsync of meta of transaction "), meta.detail());
      assertTrue(meta.bytes() > 0 && meta.bytes() <= 4096, meta.toString());

      events.clear();
      as("flush-1", e::flush);
      assertEquals(List.of(), of(Kind.FSYNC), "all durable already: nothing to force");

      Path cp = elsewhere.resolve("cp");
      as("cp-1", () -> e.checkpoint(cp));
      EngineEvent checkpoint = of(Kind.CHECKPOINT).getFirst();
      assertEquals(Optional.of("cp-1"), checkpoint.requestId());
      assertEquals(
          Files.size(cp.resolve(PageFile.NAME)), checkpoint.bytes(), checkpoint.toString());
      assertEquals(List.of(), of(Kind.FSYNC), "the copy's forces are not the store's");
    }

    // Tear the newest meta: the next open falls back to the other slot and says so.
    int newest = newestSlot();
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(PageFile.NAME).toFile(), "rw")) {
      f.seek((long) newest * 4096 + 60);
      f.write(new byte[Meta.LENGTH - 60]);
    }
    events.clear();
    try (BtreeEngine e = open()) {
      EngineEvent recovery = of(Kind.RECOVERY).getFirst();
      assertEquals(Optional.empty(), recovery.requestId());
      assertTrue(
          recovery.detail().contains("falling back from the meta in slot " + newest),
          recovery.detail());
      assertTrue(recovery.bytes() > 0, recovery.toString());
      assertEquals(1L, e.statistics().details().get("recovery.fell.back"));
    }
  }

  private int newestSlot() throws Exception {
    Meta[] m = new Meta[2];
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(PageFile.NAME).toFile(), "r")) {
      for (int slot = 0; slot < 2; slot++) {
        byte[] page = new byte[4096];
        f.seek((long) slot * 4096);
        f.readFully(page);
        m[slot] = Meta.decode(page, slot, new StringBuilder());
      }
    }
    return m[1].txid() > m[0].txid() ? 1 : 0;
  }

  @Test
  void theForcesOfAGroupNameOneOfItsWritersAndEveryForceIsReported() throws Exception {
    int threads = 8;
    int each = 40;
    Set<String> issued = Collections.synchronizedSet(new TreeSet<>());
    long syncs;
    long groups;
    try (BtreeEngine e = open()) {
      events.clear();
      long syncsBefore = e.statistics().details().get("syncs");
      long groupsBefore = e.statistics().details().get("commit.groups");
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
      syncs = e.statistics().details().get("syncs") - syncsBefore;
      groups = e.statistics().details().get("commit.groups") - groupsBefore;
    }
    List<EngineEvent> metas =
        of(Kind.FSYNC).stream().filter(f -> f.detail().startsWith("fsync of meta of")).toList();
    List<EngineEvent> datas =
        of(Kind.FSYNC).stream().filter(f -> f.detail().startsWith("fsync of data of")).toList();
    assertEquals(syncs, metas.size(), "one meta force for each durable commit");
    assertEquals(syncs, datas.size(), "one data force for each durable commit");
    assertEquals(groups, syncs, "every group held a SYNC write");
    for (EngineEvent f : metas) {
      assertTrue(issued.contains(f.requestId().orElseThrow()), f.toString());
    }
    for (EngineEvent f : datas) {
      assertTrue(issued.contains(f.requestId().orElseThrow()), f.toString());
      assertTrue(f.bytes() > 0, f.toString());
    }
  }

  @Test
  void aListenerThatThrowsBreaksNothing() {
    EngineEventListener faulty =
        ev -> {
          throw new IllegalStateException("listener bug");
        };
    try (BtreeEngine e = TestStores.open(dir, Map.of(), false, faulty)) {
      for (int i = 0; i < 20; i++) {
        e.put(b("k" + i), new byte[600], Durability.SYNC);
      }
      e.checkpoint(elsewhere.resolve("cp"));
      assertEquals("OK", e.health().status().name());
    }
    try (BtreeEngine e = TestStores.open(dir, Map.of(), false, faulty)) {
      assertEquals(600, e.get(b("k19")).length);
    }
  }
}
