package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.conformance.linearizability.Call;
import dev.cairn.conformance.linearizability.LinearizabilityChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded Jepsen-style test on loopback: clients do plain and conditional writes and linearizable
 * reads on a few keys while a seeded nemesis stops the leader (and sometimes a follower) and starts
 * it again; after each round every running node must apply what the cluster committed within a
 * minute (else the run fails there, naming the node, its role and applied index, and the round);
 * the history must be linearizable, which also means no acknowledged write was lost, and every node
 * must end with the same entries.
 *
 * <p>The clients and how a call of unknown outcome is recorded: {@link Workload}. {@code
 * -Dcairn.replication.seed=N} replays a schedule (timing differs run to run, the choices do not);
 * nodes take a snapshot every 50 entries (so that restarted nodes catch up by snapshot install, and
 * restart from a snapshot that holds calls a client may still retry); the stress profile ({@code
 * cairn.crash.scale=100}) stops the leader 100 times.
 */
class NemesisTest {

  @TempDir Path dir;

  @Test
  void historiesStayLinearizableWhileLeadersAndFollowersStop() throws Exception {
    long seed = Long.getLong("cairn.replication.seed", System.nanoTime());
    int scale = Integer.getInteger("cairn.crash.scale", 1);
    int leaderKills = scale >= 100 ? 100 : 3;
    System.out.println(
        "NemesisTest seed "
            + seed
            + " (replay: -Dcairn.replication.seed="
            + seed
            + "), "
            + leaderKills
            + " leader stops, a snapshot every 50 entries");
    Random nemesisRandom = new Random(seed);
    List<String> schedule = Collections.synchronizedList(new ArrayList<>());
    List<Call> history = Collections.synchronizedList(new ArrayList<>());
    long origin = System.nanoTime();
    try (TestCluster cluster =
        new TestCluster(
                dir, b -> b.snapshotThreshold(50).logSegmentSize(8192), "lsm", "btree", "hash")
            .startAll()) {
      cluster.awaitLeader();
      cluster.awaitFirstEntryEverywhere();
      AtomicBoolean done = new AtomicBoolean();
      List<Future<?>> clients = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(Workload.CLIENTS)) {
        for (int c = 0; c < Workload.CLIENTS; c++) {
          int client = c;
          clients.add(
              pool.submit(
                  () ->
                      Workload.runClient(cluster.id, cluster.peers, client, seed, done, history)));
        }
        try {
          runNemesis(cluster, nemesisRandom, leaderKills, schedule, origin);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(
              "seed "
                  + seed
                  + " (replay: -Dcairn.replication.seed="
                  + seed
                  + ")\nnemesis schedule:\n  "
                  + String.join("\n  ", schedule)
                  + "\n"
                  + e.getMessage(),
              e);
        } finally {
          done.set(true);
          for (Future<?> f : clients) {
            f.get();
          }
        }
      }
      // Heal, then read every key once more so that the final state is part of the history.
      for (Peer p : cluster.peers) {
        if (cluster.node(p.id()) == null) {
          schedule.add(at(origin) + " start " + p.id() + " (heal)");
          cluster.start(p.id());
        }
      }
      try (ReplicatedStore store = cluster.client()) {
        for (int k = 0; k < Workload.KEYS; k++) {
          long start = System.nanoTime();
          byte[] v = store.get(Workload.key(k));
          history.add(
              new Call(
                  Workload.CLIENTS,
                  Call.Kind.GET,
                  k,
                  Workload.decode(v),
                  start,
                  System.nanoTime()));
        }
      }
      List<Call> calls = List.copyOf(history);
      assertTrue(
          calls.stream()
                  .filter(c -> c.kind() != Call.Kind.GET && c.returnedNanos() != Long.MAX_VALUE)
                  .count()
              >= Workload.CLIENTS,
          "seed " + seed + ": too few writes completed to check anything: " + calls.size());
      Optional<String> problem = LinearizabilityChecker.check(calls);
      problem.ifPresent(
          p ->
              fail(
                  "seed "
                      + seed
                      + " (replay: -Dcairn.replication.seed="
                      + seed
                      + ")\nnemesis schedule:\n  "
                      + String.join("\n  ", schedule)
                      + "\n"
                      + p));
      cluster.awaitConverged();
      System.out.println(
          "NemesisTest seed "
              + seed
              + ": "
              + leaderKills
              + " leader stops; "
              + cluster.installSummary());
      String digest = cluster.running().getFirst().contentDigest();
      for (ReplicationNode n : cluster.running()) {
        assertEquals(
            digest, n.contentDigest(), "seed " + seed + ": " + n + " differs; " + schedule);
        assertEquals(List.of(), n.checkConsistency(), "seed " + seed + ": " + n);
      }
    }
  }

  private static void runNemesis(
      TestCluster cluster, Random r, int leaderKills, List<String> schedule, long origin)
      throws InterruptedException {
    for (int kill = 0; kill < leaderKills; kill++) {
      Thread.sleep(200 + r.nextInt(600));
      ReplicationNode leader = cluster.awaitLeader();
      String id = leader.self().id();
      schedule.add(at(origin) + " stop leader " + id);
      cluster.stop(id);
      if (r.nextInt(3) == 0) {
        // A follower stops and starts while the cluster is down to two: writes stall, then resume.
        Thread.sleep(100 + r.nextInt(400));
        cluster.start(id);
        schedule.add(at(origin) + " start " + id);
        // A restarted node catches up (by log or snapshot) within a minute, and so does the
        // follower about to stop (one restarted by an earlier round may still be installing).
        cluster.awaitCaughtUp(id);
        List<ReplicationNode> up = cluster.running();
        String follower = up.get(r.nextInt(up.size())).self().id();
        cluster.awaitCaughtUp(follower);
        schedule.add(at(origin) + " stop " + follower);
        cluster.stop(follower);
        Thread.sleep(100 + r.nextInt(400));
        schedule.add(at(origin) + " start " + follower);
        cluster.start(follower);
      } else {
        Thread.sleep(200 + r.nextInt(800));
        schedule.add(at(origin) + " start " + id);
        cluster.start(id);
      }
      // Healed: every node keeps up. A wedged node fails the run here, in the round that wedged it,
      // rather than the final check after every round.
      cluster.awaitEveryNodeApplied("round " + kill, CATCH_UP);
    }
    Thread.sleep(300);
  }

  /** How long every node has, after a round's fault healed, to apply what the cluster committed. */
  static final java.time.Duration CATCH_UP = java.time.Duration.ofSeconds(60);

  static String at(long origin) {
    return String.format("%6d ms", (System.nanoTime() - origin) / 1_000_000);
  }
}
