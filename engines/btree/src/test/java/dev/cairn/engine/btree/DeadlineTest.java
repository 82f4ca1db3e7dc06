package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.b;
import static dev.cairn.engine.btree.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.Durability;
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
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines at the engine: a request already late is refused before it is queued; one whose
 * deadline passes while it waits to be taken into a commit group is refused by the committer as it
 * forms the group; one taken into a group is committed whole. Never part of a batch.
 */
class DeadlineTest {

  @TempDir Path dir;

  private static final int KEYS_PER_BATCH = 4;

  private static long stat(BtreeEngine e, String name) {
    return e.statistics().details().get(name);
  }

  @Test
  void aRequestAlreadyLateIsRefusedWithNothingWritten() {
    RequestContext late = RequestContext.of("late-1").withDeadline(Instant.now().minusMillis(1));
    try (BtreeEngine e = TestStores.open(dir)) {
      e.put(b("kept"), b("old"), Durability.SYNC);
      long txid = stat(e, "txid");
      long syncs = stat(e, "syncs");
      long requests = stat(e, "commit.requests");

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
          DeadlineExceededException.class, () -> late.run(() -> e.createKeyspace("other")));
      DeadlineExceededException flush =
          assertThrows(DeadlineExceededException.class, () -> late.run(e::flush));
      assertTrue(flush.getMessage().startsWith("flush not started"), flush.getMessage());

      assertNull(e.get(b("k")));
      assertNull(e.get(b("a")));
      assertEquals("old", s(e.get(b("kept"))));
      assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
      assertEquals(txid, stat(e, "txid"), "no transaction was committed");
      assertEquals(syncs, stat(e, "syncs"), "nothing was forced");
      assertEquals(requests, stat(e, "commit.requests"), "nothing reached the committer");

      RequestContext inTime = RequestContext.of("ok-2").withTimeout(Duration.ofMinutes(5));
      inTime.run(() -> e.write(batch, Durability.SYNC));
      assertEquals("2", s(e.get(b("b"))));
    }
    try (BtreeEngine e = TestStores.open(dir)) {
      assertNull(e.get(b("k")));
      assertEquals("old", s(e.get(b("kept"))));
      assertEquals("1", s(e.get(b("a"))));
    }
  }

  @Test
  void aCheckpointIsNotCutShortByItsCallersDeadline() {
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < 200; i++) {
        e.put(b("k" + i), new byte[100], Durability.BUFFERED);
      }
      // Time enough to start; the copy's own commits are the engine's and never refused.
      RequestContext.of("cp-1")
          .withTimeout(Duration.ofMillis(1))
          .run(
              () -> {
                try {
                  e.checkpoint(dir.resolveSibling(dir.getFileName() + "-cp"));
                } catch (DeadlineExceededException x) {
                  fail("the checkpoint was refused half-way: " + x);
                }
              });
    }
    try (BtreeEngine copy = TestStores.open(dir.resolveSibling(dir.getFileName() + "-cp"))) {
      assertEquals(100, copy.get(b("k199")).length);
      TestStores.assertConsistent(copy);
    }
  }

  private enum Outcome {
    APPLIED,
    REFUSED_BEFORE,
    REFUSED_QUEUED
  }

  /**
   * Many writers race short deadlines (some passed at once, some passing while they wait in the
   * queue, some met) against group commit; every batch is applied whole or not at all, and a
   * refused one left nothing, before and after a reopen.
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
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int round = 0; round < 20 && queued == 0; round++) {
        Outcome[] outcomes = race(e, round, threads, each, seeds.split());
        rounds.add(outcomes);
        checkAllOrNothing(e, round, outcomes);
        queued += (int) Arrays.stream(outcomes).filter(o -> o == Outcome.REFUSED_QUEUED).count();
      }
      TestStores.assertConsistent(e);
    }
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int round = 0; round < rounds.size(); round++) {
        checkAllOrNothing(e, round, rounds.get(round));
      }
      TestStores.assertConsistent(e);
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
      BtreeEngine e, int round, int threads, int each, SplittableRandom random) throws Exception {
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
                          outcomes[n] =
                              Arrays.stream(x.getStackTrace())
                                      .anyMatch(f -> f.getMethodName().equals("takeGroup"))
                                  ? Outcome.REFUSED_QUEUED
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

  private static void checkAllOrNothing(BtreeEngine e, int round, Outcome[] outcomes) {
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
