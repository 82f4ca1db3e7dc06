package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A three-node cluster on loopback, each node on its own engine. */
class ReplicationClusterTest {

  @TempDir Path dir;

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void writesAndReadsReachEveryNodeWhateverItsEngine() {
    try (TestCluster cluster = new TestCluster(dir, "memory", "hash", "lsm").startAll();
        ReplicatedStore store = cluster.client()) {
      cluster.awaitLeader();
      store.put(b("a"), b("1"));
      store.put(b("b"), b("2"));
      store.delete(b("b"));
      store.write(new WriteBatch().put(b("c"), b("3")).put(b("d"), b("4")).delete(b("a")));
      assertTrue(store.putIfAbsent(b("e"), b("5")));
      assertFalse(store.putIfAbsent(b("e"), b("6")));
      assertTrue(store.replace(b("e"), b("5"), b("7")));
      assertFalse(store.replace(b("e"), b("5"), b("8")));
      assertFalse(store.deleteIfEquals(b("c"), b("x")));
      assertTrue(store.deleteIfEquals(b("d"), b("4")));
      ConflictException conflict =
          assertThrows(
              ConflictException.class,
              () -> store.write(new WriteBatch().requireAbsent(b("e")).put(b("f"), b("never"))));
      assertArrayEquals(b("e"), conflict.key());

      assertNull(store.get(b("a")));
      assertNull(store.get(b("b")));
      assertArrayEquals(b("3"), store.get(b("c")));
      assertNull(store.get(b("d")));
      assertArrayEquals(b("7"), store.get(b("e")));
      assertNull(store.get(b("f")));

      cluster.awaitConverged();
      String digest = cluster.leader().orElseThrow().contentDigest();
      for (ReplicationNode n : cluster.running()) {
        assertEquals(digest, n.contentDigest(), n + " differs");
        assertEquals(List.of(), n.checkConsistency(), n + " is not consistent");
        assertArrayEquals(b("7"), store.staleGet(n.self().id(), b("e")), "stale read on " + n);
        assertArrayEquals(b("3"), n.staleGet(b("c")));
      }
      assertTrue(digest.startsWith("2:"), digest);
    }
  }

  @Test
  void writesThatCannotBeReplicatedAreRefused() {
    try (TestCluster cluster = new TestCluster(dir, "memory").startAll();
        ReplicatedStore store = cluster.client()) {
      cluster.awaitLeader();
      byte[] reserved = ReplicatedStore.reservedPrefix();
      InvalidArgumentException e =
          assertThrows(InvalidArgumentException.class, () -> store.put(reserved, b("x")));
      assertTrue(e.getMessage().contains("reservedPrefix"), e.getMessage());
      e =
          assertThrows(
              InvalidArgumentException.class,
              () -> store.write(new WriteBatch().put("other", b("k"), b("v"))));
      assertTrue(e.getMessage().contains("default keyspace"), e.getMessage());
      e =
          assertThrows(
              InvalidArgumentException.class,
              () -> store.write(new WriteBatch().deleteRange(KeyRange.all())));
      assertTrue(e.getMessage().contains("range delete"), e.getMessage());
      assertNull(store.get(reserved), "the reserved key is not readable as a client key");
    }
  }

  /**
   * The stacks the nemesis tests' check after a round prints for a node behind find that node's
   * apply thread by Ratis's thread names, and list it first.
   */
  @Test
  void theStacksOfANodeBehindStartWithItsApplyThread() {
    try (TestCluster cluster = new TestCluster(dir, "memory", "memory").startAll()) {
      cluster.awaitLeader();
      String stacks = TestCluster.threadsOf(List.of(cluster.node("n1")));
      String[] lines = stacks.split("\n");
      assertTrue(
          lines.length > 2
              && lines[1].startsWith("  \"n1@group-")
              && lines[1].contains("-StateMachineUpdater\""),
          stacks);
      assertTrue(lines[2].contains("at "), stacks);
      assertTrue(stacks.contains("org.apache.ratis.server.impl.StateMachineUpdater"), stacks);
      assertFalse(stacks.contains("\"n0@"), "only the nodes asked for: " + stacks);
    }
  }

  @Test
  void aNewLeaderIsElectedWhenTheLeaderStopsAndTheOldOneCatchesUp() {
    try (TestCluster cluster = new TestCluster(dir, "lsm", "btree", "hash").startAll();
        ReplicatedStore store = cluster.client()) {
      ReplicationNode first = cluster.awaitLeader();
      for (int i = 0; i < 20; i++) {
        store.put(b("k" + i), b("v" + i));
      }
      String stopped = first.self().id();
      cluster.stop(stopped);
      ReplicationNode second = cluster.awaitLeader();
      assertNotEquals(stopped, second.self().id());
      for (int i = 20; i < 40; i++) {
        store.put(b("k" + i), b("v" + i));
      }
      for (int i = 0; i < 40; i++) {
        assertArrayEquals(b("v" + i), store.get(b("k" + i)), "k" + i);
      }
      cluster.start(stopped);
      cluster.awaitConverged();
      String digest = second.contentDigest();
      assertTrue(digest.startsWith("40:"), digest);
      assertEquals(digest, cluster.node(stopped).contentDigest());
    }
  }

  /**
   * A follower stopped (without a snapshot, as a crash leaves it) for some writes replays, on
   * restart, the whole log, and applies exactly the entries its store misses: each write is an
   * increment by read-then-replace, so an entry applied twice would be a replace whose precondition
   * fails on that node alone (its counter ahead of the leader's), and a lost one a missing
   * increment.
   */
  @Test
  void aRestartedNodeAppliesExactlyTheEntriesItsStoreMisses() {
    try (TestCluster cluster =
            new TestCluster(
                    dir, b -> b.snapshotThreshold(0).snapshotOnStop(false), "lsm", "hash", "btree")
                .startAll();
        ReplicatedStore store = cluster.client()) {
      ReplicationNode leader = cluster.awaitLeader();
      byte[] counter = b("counter");
      store.put(counter, b("0"));
      int before = 12;
      for (int i = 0; i < before; i++) {
        increment(store, counter);
      }
      cluster.awaitConverged();
      String followerId =
          cluster.running().stream().filter(n -> n != leader).findFirst().orElseThrow().self().id();
      assertEquals(before + 1, cluster.node(followerId).appliedEntries());
      cluster.stop(followerId);
      int missed = 10;
      for (int i = 0; i < missed; i++) {
        increment(store, counter);
      }
      ReplicationNode restarted = cluster.start(followerId);
      cluster.awaitConverged();
      assertEquals(missed, restarted.appliedEntries(), "entries applied after the restart");
      assertEquals(before + 1, restarted.skippedEntries(), "entries replayed and skipped");
      assertArrayEquals(b(Integer.toString(before + missed)), restarted.staleGet(counter));
      assertEquals(leader.contentDigest(), restarted.contentDigest());
    }
  }

  /** With a snapshot taken on stop, a restart replays only what came after it. */
  @Test
  void aNodeRestartedAfterASnapshotAppliesOnlyWhatFollowedIt() {
    try (TestCluster cluster =
            new TestCluster(dir, b -> b.snapshotThreshold(1_000), "lsm", "btree", "lsm")
                .startAll();
        ReplicatedStore store = cluster.client()) {
      ReplicationNode leader = cluster.awaitLeader();
      putConcurrently(store, 0, 20);
      cluster.awaitConverged();
      String followerId =
          cluster.running().stream().filter(n -> n != leader).findFirst().orElseThrow().self().id();
      cluster.stop(followerId);
      putConcurrently(store, 20, 30);
      ReplicationNode restarted = cluster.start(followerId);
      cluster.awaitConverged();
      assertEquals(10, restarted.appliedEntries(), "entries applied after the restart");
      assertEquals(0, restarted.skippedEntries(), "entries replayed and skipped");
      assertEquals(leader.contentDigest(), restarted.contentDigest());
    }
  }

  /** Puts k{from}..k{to - 1} from several threads at once, so the log batches them. */
  static void putConcurrently(ReplicatedStore store, int from, int to) {
    try (java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8)) {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int i = from; i < to; i++) {
        int n = i;
        done.add(pool.submit(() -> store.put(b("k" + (n % 150)), b("v" + n))));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  static void increment(ReplicatedStore store, byte[] key) {
    while (true) {
      byte[] old = store.get(key);
      byte[] next = b(Integer.toString(Integer.parseInt(new String(old, UTF_8)) + 1));
      if (store.replace(key, old, next)) {
        return;
      }
    }
  }

  /**
   * A follower down while the leader snapshots and purges its log cannot catch up from the log: it
   * installs the leader's snapshot (a checkpoint of another engine's store, copied into its own)
   * and ends equal to the leader.
   */
  @Test
  void aFollowerBehindThePurgedLogCatchesUpBySnapshot() {
    try (TestCluster cluster =
            new TestCluster(
                    dir, b -> b.snapshotThreshold(40).logSegmentSize(4096), "lsm", "lsm", "btree")
                .startAll();
        ReplicatedStore store = cluster.client()) {
      ReplicationNode leader = cluster.awaitLeaderOtherThan(store, "n2", "n0");
      store.put(b("early"), b("1"));
      cluster.awaitConverged();
      cluster.stop("n2");
      int writes = 400;
      for (int i = 0; i < writes; i += 50) {
        // NB: in rounds, so that the last value of each key is the highest-numbered write's
        putConcurrently(store, i, i + 50);
      }
      ReplicationNode lead = leader;
      TestCluster.awaitTrue(
          () -> lead.latestSnapshot().isPresent(), Duration.ofSeconds(30), "a leader snapshot");
      ReplicationNode follower = cluster.start("n2");
      cluster.awaitConverged();
      assertTrue(follower.installedSnapshots() >= 1, "n2 installed no snapshot");
      assertTrue(
          follower.appliedEntries() < writes,
          "n2 applied " + follower.appliedEntries() + " entries: it replayed the log");
      assertEquals(leader.contentDigest(), follower.contentDigest());
      assertEquals(List.of(), follower.checkConsistency());
      assertArrayEquals(b("v399"), store.staleGet("n2", b("k" + (399 % 150))));
    }
  }

  @Test
  void membersAreAddedRemovedAndLeadershipMoves() {
    try (TestCluster cluster = new TestCluster(dir, "lsm", "hash", "memory").startAll();
        ReplicatedStore store = cluster.client()) {
      cluster.awaitLeader();
      store.put(b("before"), b("1"));
      Peer added = cluster.addPeer("n3", "btree");
      List<Peer> four = List.copyOf(cluster.peers);
      cluster.start("n3", four);
      store.setMembers(four);
      assertEquals(
          four.stream().map(Peer::id).sorted().toList(),
          store.members("n0").stream().map(Peer::id).sorted().toList());
      store.transferLeadership(added.id());
      TestCluster.awaitTrue(
          () -> cluster.node("n3").isLeader(), Duration.ofSeconds(30), "n3 to lead");
      store.put(b("after"), b("2"));
      List<Peer> three = four.stream().filter(p -> !p.id().equals("n2")).toList();
      store.setMembers(three);
      cluster.stop("n2");
      store.put(b("without n2"), b("3"));
      assertArrayEquals(b("1"), store.get(b("before")));
      cluster.awaitConverged();
      String digest = cluster.node("n3").contentDigest();
      assertTrue(digest.startsWith("3:"), digest);
      for (ReplicationNode n : cluster.running()) {
        assertEquals(digest, n.contentDigest(), n.toString());
      }
    }
  }
}
