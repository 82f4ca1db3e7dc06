package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as three processes ({@code cairn cluster start-node}), each killed with {@code kill
 * -9} in turn, the leader first, while a client writes: no acknowledged write is lost, and every
 * node ends with the same values. A killed node takes no snapshot and loses its store's buffered
 * writes; it recovers them from its Raft log, or from a snapshot when the others purged theirs.
 *
 * <p>Design. The nodes run the default election timeout (1 to 2 s), not the 400 ms of the in-JVM
 * tests: three freshly started JVMs on a shared two-core machine answered their first vote and
 * append requests only after one to three seconds (cold gRPC streams, the JIT, the host's other
 * work; their logs showed pauses of 0.3 to 0.7 s), so with 400 to 800 ms every leader stepped down
 * for lost heartbeats before its first commit, and the cluster churned through elections past the
 * client's deadline. Raft needs the broadcast time well below the election timeout. The test also
 * waits until every node says it runs before its first write.
 */
class ProcessClusterTest {

  @TempDir Path dir;

  @Test
  void nodesKilledOneAtATimeLoseNoAcknowledgedWrite() throws Exception {
    try (NodeProcesses cluster =
        new NodeProcesses(dir, List.of("--snapshot-threshold", "40"), "lsm", "btree", "hash")) {
      try {
        killOneAtATime(cluster);
      } catch (Exception | AssertionError e) {
        throw new AssertionError(e.getMessage() + cluster.logs("process-cluster-logs"), e);
      }
    }
  }

  private static void killOneAtATime(NodeProcesses cluster) throws Exception {
    cluster.startAll();
    String members = cluster.members(cluster.peers.size());
    Map<String, byte[]> expected = new HashMap<>();
    try (ReplicatedStore store =
        ReplicatedStore.connect(cluster.id, cluster.peers, Duration.ofSeconds(60))) {
      int n = 0;
      String first = null;
      for (int round = 0; round < cluster.peers.size(); round++) {
        for (int i = 0; i < 15; i++, n++) {
          put(store, expected, n);
        }
        // The leader first, then the nodes not killed yet, in order.
        if (round == 0) {
          first = store.leader(cluster.peers).orElse("p0");
        }
        String victim = round == 0 ? first : next(cluster, first, round);
        cluster.kill(victim);
        for (int i = 0; i < 5; i++, n++) {
          put(store, expected, n);
        }
        cluster.start(victim, members, false);
        cluster.awaitRunning(victim);
      }
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        assertArrayEquals(e.getValue(), store.get(e.getKey().getBytes(UTF_8)), e.getKey());
      }
      for (Peer p : cluster.peers) {
        TestCluster.awaitTrue(
            () -> agrees(store, p, expected), Duration.ofSeconds(60), p + " to catch up");
      }
    }
  }

  /** The node to kill in round {@code round} (1 or 2): the others than the first, in order. */
  private static String next(NodeProcesses cluster, String leader, int round) {
    List<String> others =
        cluster.peers.stream().map(Peer::id).filter(id -> !id.equals(leader)).sorted().toList();
    return others.get(round - 1);
  }

  private static void put(ReplicatedStore store, Map<String, byte[]> expected, int n) {
    byte[] key = ("k" + (n % 20)).getBytes(UTF_8);
    byte[] value = ("v" + n).getBytes(UTF_8);
    store.put(key, value);
    expected.put(new String(key, UTF_8), value);
  }

  private static boolean agrees(ReplicatedStore store, Peer p, Map<String, byte[]> expected) {
    try {
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        if (!Arrays.equals(e.getValue(), store.staleGet(p.id(), e.getKey().getBytes(UTF_8)))) {
          return false;
        }
      }
      return true;
    } catch (ReplicationException e) {
      return false;
    }
  }
}
