package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.linearizability.Call;
import dev.cairn.conformance.linearizability.LinearizabilityChecker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jepsen-style test with node processes: clients in this JVM do plain and conditional writes
 * and linearizable reads on a few keys while a seeded nemesis kills the leader's process ({@code
 * kill -9}) and starts it again, and pauses a node ({@code kill -STOP}, the leader or a follower,
 * sometimes longer than the election timeout, so that a deposed leader wakes up believing it leads)
 * and resumes it ({@code kill -CONT}). The history must pass the suite's linearizability checker
 * (so no acknowledged write was lost), and every node must end with the same values. After each
 * round every node must apply what the cluster committed within a minute, else the run fails there,
 * naming the round, the node, its role and applied index; a node that fail-stopped (its watchdog
 * found it wedged: {@link ReplicationNode#failure()}) is started again first, as a supervisor
 * would.
 *
 * <p>CI runs it with two rounds, without snapshots: a leader kill and a pause of the leader past
 * the election timeout; the stress profile ({@code cairn.crash.scale=100}) makes it 100 kills and
 * 100 pauses with a snapshot every 50 entries, the paused node and the pause's length drawn from
 * the seed. On failure it prints the seed, the nemesis schedule, the offending key's history and
 * the end of each node's log; {@code -Dcairn.replication.seed=N} replays the nemesis's and the
 * clients' choices (timing differs run to run).
 */
class ProcessNemesisTest {

  @TempDir Path dir;

  @Test
  void historiesStayLinearizableWhileLeadersAreKilledAndNodesPaused() throws Exception {
    long seed = Long.getLong("cairn.replication.seed", System.nanoTime());
    int scale = Integer.getInteger("cairn.crash.scale", 1);
    int rounds = scale >= 100 ? 200 : 2;
    System.out.println(
        "ProcessNemesisTest seed "
            + seed
            + " (replay: -Dcairn.replication.seed="
            + seed
            + "), "
            + rounds
            + " rounds");
    List<String> schedule = Collections.synchronizedList(new ArrayList<>());
    List<Call> history = Collections.synchronizedList(new ArrayList<>());
    // NB: CI's two rounds take no snapshots: Ratis (3.1.3 to 3.3.0) can wedge a leader that steps
    // down while it streams a snapshot to a restarted follower (docs/replication.md, "Failure
    // modes not handled"), which one CI run here hit in its first round; the node's watchdog then
    // fail-stops it after 30 s and the round restarts it, too long for CI. Installs are covered in
    // CI by SnapshotCatchUpTest and BackToBackSnapshotInstallTest; the stress run snapshots every
    // 50.
    List<String> options = scale >= 100 ? List.of("--snapshot-threshold", "50") : List.of();
    try (NodeProcesses cluster = new NodeProcesses(dir, options, "lsm", "btree", "hash")) {
      try {
        run(cluster, seed, rounds, schedule, history);
      } catch (Exception | AssertionError e) {
        throw new AssertionError(
            "seed "
                + seed
                + " (replay: -Dcairn.replication.seed="
                + seed
                + ")\nnemesis schedule:\n  "
                + String.join("\n  ", schedule)
                + "\n"
                + e.getMessage()
                + cluster.logs("process-nemesis-logs"),
            e);
      }
    }
  }

  private static void run(
      NodeProcesses cluster, long seed, int rounds, List<String> schedule, List<Call> history)
      throws Exception {
    cluster.startAll();
    long origin = System.nanoTime();
    AtomicBoolean done = new AtomicBoolean();
    try (ReplicatedStore admin =
        ReplicatedStore.connect(cluster.id, cluster.peers, Duration.ofSeconds(30))) {
      awaitLeader(admin, cluster);
      // NB: not before the first leader's entry is on every node
      // (TestCluster.awaitFirstEntryEverywhere)
      TestCluster.awaitTrue(
          () -> appliedIndexes(admin, cluster).stream().allMatch(i -> i >= 0),
          Duration.ofSeconds(60),
          "every node to apply the cluster's first entry");
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
          runNemesis(cluster, admin, new Random(seed), rounds, schedule, origin);
        } finally {
          done.set(true);
          for (Future<?> f : clients) {
            f.get();
          }
        }
      }
      // Every node is running and resumed; read every key once more, so that the final state is
      // part of the history.
      int[] last = new int[Workload.KEYS];
      for (int k = 0; k < Workload.KEYS; k++) {
        long start = System.nanoTime();
        last[k] = Workload.decode(admin.get(Workload.key(k)));
        history.add(
            new Call(Workload.CLIENTS, Call.Kind.GET, k, last[k], start, System.nanoTime()));
      }
      List<Call> calls = List.copyOf(history);
      long writes =
          calls.stream()
              .filter(c -> c.kind() != Call.Kind.GET && c.returnedNanos() != Long.MAX_VALUE)
              .count();
      assertTrue(
          writes >= Workload.CLIENTS, "too few writes completed to check anything: " + writes);
      Optional<String> problem = LinearizabilityChecker.check(calls);
      assertEquals(Optional.empty(), problem, "the history is not linearizable");
      // Every node applies what the leader applied, and holds the same values.
      TestCluster.awaitTrue(
          () -> appliedIndexes(admin, cluster).size() == 1,
          Duration.ofSeconds(60),
          "every node to apply the same index");
      for (Peer p : cluster.peers) {
        for (int k = 0; k < Workload.KEYS; k++) {
          assertEquals(
              last[k],
              Workload.decode(admin.staleGet(p.id(), Workload.key(k))),
              p.id() + " key" + k);
        }
      }
    }
  }

  /**
   * Each round stops a node and lets it come back: even rounds kill the leader's process and start
   * it again; odd ones pause a node (the leader or a follower, for 0.3 to 3.3 s: past the election
   * timeout (1 to 2 s) as often as not) and resume it.
   */
  private static void runNemesis(
      NodeProcesses cluster,
      ReplicatedStore admin,
      Random r,
      int rounds,
      List<String> schedule,
      long origin)
      throws Exception {
    String members = cluster.members(cluster.peers.size());
    for (int round = 0; round < rounds; round++) {
      Thread.sleep(300 + r.nextInt(700));
      String leader = awaitLeader(admin, cluster);
      if (round % 2 == 0) {
        schedule.add(NemesisTest.at(origin) + " kill -9 leader " + leader);
        cluster.kill(leader);
        Thread.sleep(200 + r.nextInt(800));
        schedule.add(NemesisTest.at(origin) + " start " + leader);
        cluster.start(leader, members, false);
        cluster.awaitRunning(leader);
      } else {
        // NB: the first pause is the leader's, past the election timeout: a deposed leader wakes
        boolean first = round == 1;
        String victim =
            first || r.nextBoolean()
                ? leader
                : cluster.peers.get(r.nextInt(cluster.peers.size())).id();
        int pause = first ? 2_500 : 300 + r.nextInt(3000);
        schedule.add(
            NemesisTest.at(origin)
                + " kill -STOP "
                + (victim.equals(leader) ? "leader " : "")
                + victim
                + " for "
                + pause
                + " ms");
        cluster.signal(victim, "STOP");
        try {
          Thread.sleep(pause);
        } finally {
          cluster.signal(victim, "CONT");
        }
        schedule.add(NemesisTest.at(origin) + " kill -CONT " + victim);
      }
      // Healed: every node keeps up. A wedged node fails the run here, in the round that wedged it,
      // rather than the final check after every round.
      awaitEveryNodeApplied(cluster, admin, members, "round " + round, schedule, origin);
    }
    Thread.sleep(500);
  }

  /**
   * Waits until every node applied up to the cluster's commit index as it is when called (the
   * highest any node reports), for {@link NemesisTest#CATCH_UP} at most. A node whose process
   * fail-stopped (its watchdog found it wedged, and it exited with 3) is started again, as a
   * supervisor would, and must catch up too; the restart is in the schedule and printed.
   *
   * @throws AssertionError naming {@code when} and each node behind: its role and applied index, or
   *     why it did not answer
   */
  private static void awaitEveryNodeApplied(
      NodeProcesses cluster,
      ReplicatedStore admin,
      String members,
      String when,
      List<String> schedule,
      long origin)
      throws IOException, InterruptedException {
    long target = -1;
    for (Peer p : cluster.peers) {
      try {
        target = Math.max(target, admin.status(p, Duration.ofSeconds(2)).commitIndex());
      } catch (ReplicationException e) {
        // not answering now: it must catch up below all the same
      }
    }
    long deadline = System.nanoTime() + NemesisTest.CATCH_UP.toNanos();
    while (true) {
      for (Peer p : cluster.peers) {
        Optional<String> failStop = cluster.failStopped(p.id());
        if (failStop.isPresent()) {
          String line = NemesisTest.at(origin) + " " + when + ": " + p.id() + " " + failStop.get();
          schedule.add(line + "; supervisor starts it again");
          System.out.println("ProcessNemesisTest: " + line + "; started again");
          cluster.start(p.id(), members, false);
          cluster.awaitRunning(p.id());
        }
      }
      List<String> behind = new ArrayList<>();
      for (Peer p : cluster.peers) {
        Optional<Integer> exit = cluster.exited(p.id());
        if (exit.isPresent()) {
          behind.add(p.id() + ": its process exited with " + exit.get());
          continue;
        }
        try {
          NodeStatus s = admin.status(p, Duration.ofSeconds(2));
          if (s.appliedIndex() < target) {
            behind.add(
                p.id()
                    + ": "
                    + s.role()
                    + ", applied index "
                    + s.appliedIndex()
                    + ", commit index "
                    + s.commitIndex());
          }
        } catch (ReplicationException e) {
          behind.add(p.id() + ": did not answer (" + e.getMessage() + ")");
        }
      }
      if (behind.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            when
                + ": not every node applied up to the cluster's commit index "
                + target
                + " within "
                + NemesisTest.CATCH_UP
                + "\n  "
                + String.join("\n  ", behind));
      }
      Thread.sleep(100);
    }
  }

  private static String awaitLeader(ReplicatedStore admin, NodeProcesses cluster) {
    String[] leader = new String[1];
    TestCluster.awaitTrue(
        () -> {
          leader[0] = admin.leader(cluster.peers).orElse(null);
          return leader[0] != null;
        },
        Duration.ofSeconds(60),
        "a leader");
    return leader[0];
  }

  /** The distinct applied indexes of the nodes; a node that does not answer counts as -1. */
  private static Set<Long> appliedIndexes(ReplicatedStore admin, NodeProcesses cluster) {
    Set<Long> out = new LinkedHashSet<>();
    for (Peer p : cluster.peers) {
      try {
        out.add(admin.status(p, Duration.ofSeconds(2)).appliedIndex());
      } catch (ReplicationException e) {
        out.add(-1L);
      }
    }
    return out;
  }
}
