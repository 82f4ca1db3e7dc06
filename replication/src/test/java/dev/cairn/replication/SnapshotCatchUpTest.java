package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower down while the cluster takes many writes catches up by installing a snapshot, not by
 * replaying the log: the leader snapshots and purges its log past the follower's last entry (so no
 * replay is possible), and the follower's store, on another engine than the leader's, ends
 * consistent and digest-equal to the leader's.
 *
 * <p>1,000 writes in CI; 100,000 with the stress profile ({@code cairn.crash.scale=100}) or {@code
 * -Dcairn.replication.catchUpWrites=N}. The time the writes took is printed.
 */
class SnapshotCatchUpTest {

  private static final int THREADS = 16;

  @TempDir Path dir;

  @Test
  void aFollowerDownForManyWritesCatchesUpBySnapshot() throws Exception {
    int scale = Integer.getInteger("cairn.crash.scale", 1);
    int writes =
        Integer.getInteger("cairn.replication.catchUpWrites", scale >= 100 ? 100_000 : 1_000);
    try (TestCluster cluster =
            new TestCluster(
                    dir,
                    b -> b.snapshotThreshold(Math.max(500, writes / 10)).logSegmentSize(64 * 1024),
                    "lsm",
                    "hash",
                    "btree")
                .startAll();
        ReplicatedStore store = cluster.client()) {
      ReplicationNode leader = cluster.awaitLeader();
      if (leader.self().id().equals("n2")) {
        store.transferLeadership("n0");
        TestCluster.awaitTrue(
            () -> cluster.node("n0").isLeader(), Duration.ofSeconds(30), "n0 to lead");
      }
      for (int i = 0; i < 100; i++) {
        store.put(key(-1 - i), value(-1 - i));
      }
      cluster.awaitConverged();
      long downAt = cluster.node("n2").appliedIndex();
      cluster.stop("n2");

      long started = System.nanoTime();
      putConcurrently(store, writes);
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf(
          "SnapshotCatchUpTest: %,d writes by %d threads while n2 was down: %,d ms (%,d/s)%n",
          writes, THREADS, millis, writes * 1000L / Math.max(1, millis));

      // NB: both remaining nodes purge past n2's last entry, so whichever leads cannot replay
      for (String id : List.of("n0", "n1")) {
        ReplicationNode n = cluster.node(id);
        TestCluster.awaitTrue(
            () -> n.logStartIndex() > downAt + 1,
            Duration.ofSeconds(60),
            id + " to purge its log past index " + downAt);
      }
      ReplicationNode follower = cluster.start("n2");
      cluster.awaitConverged();
      assertTrue(follower.installedSnapshots() >= 1, "n2 installed no snapshot");
      assertTrue(
          follower.appliedEntries() < writes / 2,
          "n2 applied " + follower.appliedEntries() + " of " + writes + " entries: a log replay");
      ReplicationNode lead = cluster.leader().orElseThrow();
      String digest = lead.contentDigest();
      assertTrue(digest.startsWith((writes + 100) + ":"), digest);
      assertEquals(digest, follower.contentDigest(), "n2 (btree) against " + lead);
      assertEquals(List.of(), follower.checkConsistency());
      assertEquals(List.of(), lead.checkConsistency());
    }
  }

  private static void putConcurrently(ReplicatedStore store, int writes) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      for (int t = 0; t < THREADS; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i; (i = next.getAndIncrement()) < writes; ) {
                    store.put(key(i), value(i));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
  }

  private static byte[] key(int i) {
    return String.format("key%08d", i).getBytes(UTF_8);
  }

  private static byte[] value(int i) {
    return ("value " + i + " " + "x".repeat(80)).getBytes(UTF_8);
  }
}
