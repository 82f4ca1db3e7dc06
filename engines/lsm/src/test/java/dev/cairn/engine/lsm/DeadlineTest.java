package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines at the engine: a request already late is refused before it is queued; one whose
 * deadline passes while it waits to be taken into a commit group, or while its group waits in a
 * write stall, is refused with nothing of it written; one taken into a group that is written is
 * applied whole. Never part of a batch.
 */
class DeadlineTest {

  @TempDir Path dir;

  private static final int KEYS_PER_BATCH = 4;

  private static long stat(LsmEngine e, String name) {
    return e.statistics().details().get(name);
  }

  @Test
  void aRequestAlreadyLateIsRefusedWithNothingWritten() {
    RequestContext late = RequestContext.of("late-1").withDeadline(Instant.now().minusMillis(1));
    try (LsmEngine e = TestStores.open(dir, Map.of())) {
      e.put(b("kept"), b("old"), Durability.SYNC);
      long sequence = stat(e, "sequence");
      long syncs = stat(e, "wal.syncs");
      long walBytes = stat(e, "wal.bytes");
      long groups = stat(e, "write.groups");

      DeadlineExceededException put =
          assertThrows(
              DeadlineExceededException.class,
              () -> late.run(() -> e.put(b("k"), b("v"), Durability.SYNC)));
      assertTrue(put.getMessage().startsWith("write not started"), put.getMessage());
      assertEquals(Optional.of("late-1"), put.requestId());
      assertThrows(
          DeadlineExceededException.class,
          () -> late.run(() -> e.delete(b("kept"), Durability.BUFFERED)));
      WriteBatch batch = new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2"));
      assertThrows(
          DeadlineExceededException.class,
          () -> late.run(() -> e.write(batch, Durability.BUFFERED)));
      assertThrows(
          DeadlineExceededException.class,
          () -> late.run(() -> e.write(new WriteBatch(), Durability.SYNC)));
      DeadlineExceededException create =
          assertThrows(
              DeadlineExceededException.class, () -> late.run(() -> e.createKeyspace("other")));
      assertTrue(create.getMessage().startsWith("createKeyspace not started"), create.getMessage());
      e.createKeyspace("kept");
      assertThrows(DeadlineExceededException.class, () -> late.run(() -> e.dropKeyspace("kept")));
      DeadlineExceededException flush =
          assertThrows(DeadlineExceededException.class, () -> late.run(e::flush));
      assertTrue(flush.getMessage().startsWith("flush not started"), flush.getMessage());

      assertNull(e.get(b("k")));
      assertNull(e.get(b("a")));
      assertEquals("old", s(e.get(b("kept"))));
      assertEquals(List.of(Keyspace.DEFAULT, "kept"), e.keyspaces());
      assertEquals(sequence, stat(e, "sequence"), "no write was applied");
      assertEquals(walBytes, stat(e, "wal.bytes"), "nothing was logged");
      assertEquals(groups + 1, stat(e, "write.groups"), "only createKeyspace's sync was queued");
      assertEquals(syncs + 1, stat(e, "wal.syncs"), "only createKeyspace's sync forced the log");

      RequestContext inTime = RequestContext.of("ok-2").withTimeout(Duration.ofMinutes(5));
      inTime.run(() -> e.write(batch, Durability.SYNC));
      assertEquals("2", s(e.get(b("b"))));
    }
    try (LsmEngine e = TestStores.open(dir, Map.of())) {
      assertNull(e.get(b("k")));
      assertEquals("old", s(e.get(b("kept"))));
      assertEquals("1", s(e.get(b("a"))));
      assertEquals(List.of(Keyspace.DEFAULT, "kept"), e.keyspaces());
    }
  }

  @Test
  void aWriteWhoseDeadlinePassesInAStallIsRefusedBeforeTheStallTimeoutWithNothingWritten() {
    List<EngineEvent> events = new CopyOnWriteArrayList<>();
    try (LsmEngine e =
        TestStores.open(
            dir,
            Map.of("memtable.max.immutable", "1", "write.stall.timeout", "60s"),
            false,
            events::add)) {
      e.pauseBackground(true);
      String refused = null;
      for (int i = 0; i < 1000 && refused == null; i++) {
        String key = "d-" + i;
        RequestContext ctx = RequestContext.of(key).withTimeout(Duration.ofMillis(500));
        long sequence = stat(e, "sequence");
        try {
          ctx.run(() -> e.put(b(key), new byte[500], Durability.BUFFERED));
        } catch (DeadlineExceededException x) {
          assertNull(e.get(b(key)), "a refused write left nothing");
          assertEquals(sequence, stat(e, "sequence"));
          if (x.getMessage().contains("while it waited in a write stall")) {
            refused = key;
            assertEquals(Optional.of(key), x.requestId());
            assertTrue(x.getMessage().startsWith("write not started"), x.getMessage());
          }
        }
      }
      assertNotNull(refused, "no write was refused in a stall with the flush held back");
      EngineEvent stall =
          events.stream().filter(ev -> ev.kind() == EngineEvent.Kind.STALL).findFirst().get();
      assertEquals(Optional.of(refused), stall.requestId());
      assertTrue(
          stall.detail().contains("every write of the group is past its deadline"), stall.detail());
      assertTrue(
          stall.duration().compareTo(Duration.ofSeconds(30)) < 0,
          "the stall ended with the deadline, not the 60 s timeout: " + stall);
      e.pauseBackground(false);
      e.put(b(refused), b("later"), Durability.SYNC);
      assertEquals("later", s(e.get(b(refused))));
    }
  }

  private enum Outcome {
    APPLIED,
    REFUSED_BEFORE,
    REFUSED_QUEUED,
    REFUSED_STALLED
  }

  /**
   * Many writers race short deadlines (some passed at once, some passing while they wait in the
   * queue, some met) against group commit, with tiny memtables rolling often; every batch is
   * applied whole or not at all, and a refused one left nothing, before and after a reopen.
   */
  @Test
  void batchesRacingTheirDeadlinesThroughGroupCommitAreAllOrNothing() throws Exception {
    long seed = Long.getLong("cairn.seed", new SplittableRandom().nextLong());
    System.out.println("DeadlineTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    SplittableRandom seeds = new SplittableRandom(seed);
    int threads = 8;
    int each = 60;
    List<Outcome[]> rounds = new ArrayList<>();
    int queued = 0;
    try (LsmEngine e = TestStores.open(dir, Map.of())) {
      for (int round = 0; round < 20 && queued == 0; round++) {
        Outcome[] outcomes = race(e, round, threads, each, seeds.split());
        rounds.add(outcomes);
        checkAllOrNothing(e, round, outcomes);
        queued += (int) Arrays.stream(outcomes).filter(o -> o == Outcome.REFUSED_QUEUED).count();
      }
      TestStores.settle(e);
      for (int round = 0; round < rounds.size(); round++) {
        checkAllOrNothing(e, round, rounds.get(round));
      }
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems().toString());
    }
    try (LsmEngine e = TestStores.open(dir, Map.of())) {
      for (int round = 0; round < rounds.size(); round++) {
        checkAllOrNothing(e, round, rounds.get(round));
      }
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems().toString());
    }
    List<Outcome> all = rounds.stream().flatMap(Arrays::stream).toList();
    System.out.println(
        "DeadlineTest rounds "
            + rounds.size()
            + ": "
            + all.stream()
                .collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting())));
    assertTrue(all.contains(Outcome.APPLIED), "seed " + seed + ": some batches met their deadline");
    assertTrue(
        all.contains(Outcome.REFUSED_BEFORE), "seed " + seed + ": some were late on arrival");
    assertTrue(
        queued > 0,
        "seed " + seed + ": no batch was refused while queued, in " + rounds.size() + " rounds");
  }

  private static Outcome[] race(
      LsmEngine e, int round, int threads, int each, SplittableRandom random) throws Exception {
    Outcome[] outcomes = new Outcome[threads * each];
    CountDownLatch start = new CountDownLatch(1);
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      SplittableRandom r = random.split();
      ts.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                      for (int i = 0; i < each; i++) {
                        int n = id * each + i;
                        WriteBatch batch = new WriteBatch();
                        for (int k = 0; k < KEYS_PER_BATCH; k++) {
                          batch.put(b(key(round, n, k)), b("v" + n));
                        }
                        // 0 to 2 milliseconds: some late at once, some late in the queue.
                        RequestContext ctx =
                            RequestContext.of("r" + round + "-" + n)
                                .withTimeout(Duration.ofNanos(r.nextLong(0, 2_000_000)));
                        Durability d = r.nextBoolean() ? Durability.SYNC : Durability.BUFFERED;
                        try {
                          ctx.run(() -> e.write(batch, d));
                          outcomes[n] = Outcome.APPLIED;
                        } catch (DeadlineExceededException x) {
                          assertEquals(Optional.of(ctx.requestId()), x.requestId());
                          String m = x.getMessage();
                          outcomes[n] =
                              m.contains("while it waited to be taken into a commit group")
                                  ? Outcome.REFUSED_QUEUED
                                  : m.contains("while it waited in a write stall")
                                      ? Outcome.REFUSED_STALLED
                                      : Outcome.REFUSED_BEFORE;
                        }
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
    return outcomes;
  }

  private static String key(int round, int n, int k) {
    return "b" + round + "-" + n + "-" + k;
  }

  private static void checkAllOrNothing(LsmEngine e, int round, Outcome[] outcomes) {
    for (int n = 0; n < outcomes.length; n++) {
      for (int k = 0; k < KEYS_PER_BATCH; k++) {
        String v = s(e.get(b(key(round, n, k))));
        if (outcomes[n] == Outcome.APPLIED ? !("v" + n).equals(v) : v != null) {
          fail("round " + round + ", batch " + n + " " + outcomes[n] + ": key " + k + " = " + v);
        }
      }
    }
  }
}
