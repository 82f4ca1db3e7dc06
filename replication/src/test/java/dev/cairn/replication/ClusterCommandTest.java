package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.replication.cli.ClusterCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn cluster} against real node processes: three nodes started with {@code start-node}
 * (on {@code lsm}, {@code btree}, {@code hash}), then {@code status}, {@code transfer-leader}, a
 * fourth node started with {@code --join} and added with {@code add}, a fifth put in the place of a
 * first one with {@code replace}, a member taken out with {@code remove}; each command's output and
 * exit code are checked, and the cluster's data reaches every member. Refusals (unknown member, a
 * member added twice, an unreachable cluster) are usage errors (2) or cluster errors (3).
 */
class ClusterCommandTest {

  @TempDir Path dir;

  /** What one command printed, and its exit code. */
  record Run(int code, String out, String err) {
    String describe() {
      return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  static Run cairnCluster(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ClusterCommand.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void nodesAreStartedAddedReplacedRemovedAndLeadershipMoves() throws Exception {
    try (NodeProcesses cluster = new NodeProcesses(dir, List.of(), "lsm", "btree", "hash")) {
      try {
        drive(cluster);
      } catch (Exception | AssertionError e) {
        throw new AssertionError(e.getMessage() + cluster.logs("cluster-command-logs"), e);
      }
    }
  }

  private void drive(NodeProcesses cluster) throws Exception {
    // NB: the two nodes to be added start with the others (with --join), which saves two waits
    // for a JVM to start
    Peer p3 = cluster.addPeer("btree");
    Peer p4 = cluster.addPeer("lsm");
    String three = cluster.members(3);
    for (String node : List.of("p0", "p1", "p2")) {
      cluster.start(node, three, false);
    }
    cluster.start("p3", three, true);
    cluster.start("p4", three, true);
    for (Peer p : cluster.peers) {
      cluster.awaitRunning(p.id());
    }
    String id = cluster.id.toString();
    // A joining node answers nothing until it is added: Ratis keeps it STARTING until the leader
    // sends it a configuration.
    Run joining =
        cairnCluster("status", "--cluster", id, "--members", p3.toString(), "--timeout", "1s");
    assertEquals(3, joining.code(), joining.describe());
    assertTrue(joining.err().contains("{p3="), joining.describe());

    Run status = awaitLeaderInStatus(id, cluster.peers.get(0).toString());
    for (String line :
        List.of("p0=" + cluster.peer("p0").address() + " ", "lsm", "btree", "hash")) {
      assertTrue(status.out().contains(line), line + " in\n" + status.describe());
    }
    assertTrue(status.out().contains("members: " + three), status.describe());

    try (ReplicatedStore store =
        ReplicatedStore.connect(cluster.id, cluster.peers, Duration.ofSeconds(30))) {
      for (int i = 0; i < 20; i++) {
        store.put(("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8));
      }
      String leader = leaderOf(status);
      String other = leader.equals("p1") ? "p2" : "p1";
      Run transfer = cairnCluster("transfer-leader", "--cluster", id, "--members", three, other);
      assertEquals(0, transfer.code(), transfer.describe());
      assertEquals("leader: " + other + "\n", transfer.out());
      assertEquals(other, leaderOf(awaitLeaderInStatus(id, three)));

      // add: a node started with --join waits for the leader; add makes it a member
      Run add = cairnCluster("add", "--cluster", id, "--members", three, p3.toString());
      assertEquals(0, add.code(), add.describe());
      String four = cluster.members(4);
      assertEquals("members: " + four + "\n", add.out());
      Run again = cairnCluster("add", "--cluster", id, "--members", three, p3.toString());
      assertEquals(2, again.code(), again.describe());
      assertTrue(again.err().contains("'p3' is a member already"), again.describe());

      // replace: p0 leaves, p4 (another engine) takes its place in one change
      Run replace =
          cairnCluster("replace", "--cluster", id, "--members", four, "p0", p4.toString());
      assertEquals(0, replace.code(), replace.describe());
      assertEquals(
          "members: " + String.join(",", p(cluster, "p1", "p2", "p3", "p4")) + "\n", replace.out());
      cluster.stop("p0");

      // remove
      String now = String.join(",", p(cluster, "p1", "p2", "p3", "p4"));
      Run remove = cairnCluster("remove", "--cluster", id, "--members", now, "p2");
      assertEquals(0, remove.code(), remove.describe());
      assertEquals(
          "members: " + String.join(",", p(cluster, "p1", "p3", "p4")) + "\n", remove.out());
      Run unknown = cairnCluster("remove", "--cluster", id, "--members", now, "p2");
      assertEquals(2, unknown.code(), unknown.describe());
      assertTrue(unknown.err().contains("'p2' is not a member"), unknown.describe());
      cluster.stop("p2");

      store.put("after".getBytes(UTF_8), "changes".getBytes(UTF_8));
      Run last = awaitLeaderInStatus(id, cluster.peer("p3").toString());
      assertTrue(
          last.out().contains("members: " + String.join(",", p(cluster, "p1", "p3", "p4"))),
          last.describe());
      // Every member applied the same index, and holds every entry.
      TestCluster.awaitTrue(
          () -> appliedIndexes(awaitLeaderInStatus(id, now)).stream().distinct().count() == 1,
          Duration.ofSeconds(30),
          "every member to apply the same index");
    }
    // NB: a client reaches the nodes it was connected with; p3 and p4 came later
    try (ReplicatedStore store =
        ReplicatedStore.connect(cluster.id, cluster.peers, Duration.ofSeconds(30))) {
      for (String member : List.of("p1", "p3", "p4")) {
        for (int i = 0; i < 20; i++) {
          assertArrayEquals(
              ("v" + i).getBytes(UTF_8),
              store.staleGet(member, ("k" + i).getBytes(UTF_8)),
              member + " k" + i);
        }
        assertArrayEquals(
            "changes".getBytes(UTF_8), store.staleGet(member, "after".getBytes(UTF_8)), member);
      }
    }
    // A clean stop: SIGTERM closes the node, which says so (the JVM exits 128 + 15 after its
    // shutdown hooks ran).
    assertEquals(143, cluster.stop("p4"));
    assertTrue(
        java.nio.file.Files.readString(cluster.log("p4")).contains("node p4 stopped"),
        "p4's log says it stopped");
  }

  @Test
  void refusalsAreUsageOrClusterErrors() {
    String id = java.util.UUID.randomUUID().toString();
    String nobody = "x=127.0.0.1:" + TestCluster.freePort();
    Run down = cairnCluster("status", "--cluster", id, "--members", nobody, "--timeout", "1s");
    assertEquals(3, down.code(), down.describe());
    assertTrue(
        down.err().startsWith("cairn cluster status: no node of cluster " + id), down.describe());
    Run noMembers = cairnCluster("status", "--cluster", id);
    assertEquals(2, noMembers.code(), noMembers.describe());
    assertTrue(noMembers.err().contains("--members"), noMembers.describe());
    Run badPeer = cairnCluster("add", "--cluster", id, "--members", nobody, "no-port");
    assertEquals(2, badPeer.code(), badPeer.describe());
    assertTrue(badPeer.err().contains("id=host:port"), badPeer.describe());
    Run badTimeout =
        cairnCluster("status", "--cluster", id, "--members", nobody, "--timeout", "soon");
    assertEquals(2, badTimeout.code(), badTimeout.describe());
    Run notSelf =
        cairnCluster(
            "start-node",
            "--cluster",
            id,
            "--self",
            "a=127.0.0.1:1",
            "--members",
            nobody,
            "--engine",
            "lsm",
            "--dir",
            dir.toString());
    assertEquals(2, notSelf.code(), notSelf.describe());
    assertTrue(notSelf.err().contains("must include this node"), notSelf.describe());
    Run none = cairnCluster();
    assertEquals(2, none.code(), none.describe());
    Run help = cairnCluster("--help");
    assertEquals(0, help.code(), help.describe());
    for (String command :
        List.of("start-node", "status", "add", "remove", "replace", "transfer-leader")) {
      assertTrue(help.out().contains("  " + command + " "), command + " in\n" + help.out());
    }
  }

  private static List<String> p(NodeProcesses cluster, String... ids) {
    return Arrays.stream(ids).map(i -> cluster.peer(i).toString()).toList();
  }

  private static final Pattern LEADER = Pattern.compile("(?m)^leader:  (\\S+)$");
  private static final Pattern APPLIED =
      Pattern.compile("(?m)^\\S+=\\S+\\s+(?:leader|follower)\\s+\\S+\\s+(\\d+)\\s");

  private static String leaderOf(Run status) {
    Matcher m = LEADER.matcher(status.out());
    assertTrue(m.find(), status.describe());
    return m.group(1);
  }

  private static List<Long> appliedIndexes(Run status) {
    List<Long> out = new java.util.ArrayList<>();
    Matcher m = APPLIED.matcher(status.out());
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }

  /** {@code status} until it names a leader (an election may be under way). */
  private static Run awaitLeaderInStatus(String id, String members) {
    Run[] last = new Run[1];
    TestCluster.awaitTrue(
        () -> {
          last[0] = cairnCluster("status", "--cluster", id, "--members", members);
          return last[0].code() == 0 && LEADER.matcher(last[0].out()).find();
        },
        Duration.ofSeconds(60),
        "a leader in cairn cluster status");
    return last[0];
  }
}
