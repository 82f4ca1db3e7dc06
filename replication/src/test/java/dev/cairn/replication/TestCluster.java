package dev.cairn.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Nodes of one cluster in this JVM, on 127.0.0.1 and free ports, each in its own directory; a node
 * can be stopped and started again on the same port and directory.
 */
final class TestCluster implements AutoCloseable {

  /**
   * Ratis logs every refused connection and stopped peer, which these tests cause on purpose: its
   * lines stay out of the build log (the logger is held so that the level stays set). {@code
   * -Dcairn.replication.ratisLog=FILE} writes them, at INFO, to {@code FILE} instead.
   */
  static final java.util.logging.Logger RATIS_LOG =
      java.util.logging.Logger.getLogger("org.apache.ratis");

  static {
    String file = System.getProperty("cairn.replication.ratisLog");
    if (file == null) {
      RATIS_LOG.setLevel(java.util.logging.Level.OFF);
    } else {
      try {
        java.util.logging.FileHandler handler = new java.util.logging.FileHandler(file);
        handler.setFormatter(
            new java.util.logging.Formatter() {
              @Override
              public String format(java.util.logging.LogRecord r) {
                java.io.StringWriter thrown = new java.io.StringWriter();
                if (r.getThrown() != null) {
                  r.getThrown().printStackTrace(new java.io.PrintWriter(thrown));
                }
                return String.format(
                    "%1$tT.%1$tL %2$s %3$s %4$s%n%5$s",
                    r.getMillis(),
                    r.getLevel(),
                    r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1),
                    formatMessage(r),
                    thrown);
              }
            });
        RATIS_LOG.addHandler(handler);
        RATIS_LOG.setUseParentHandlers(false);
        RATIS_LOG.setLevel(java.util.logging.Level.INFO);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write Ratis's log to " + file, e);
      }
    }
  }

  final UUID id = UUID.randomUUID();
  final List<Peer> peers = new ArrayList<>();
  private final Map<String, String> engines = new LinkedHashMap<>();
  private final Map<String, ReplicationNode> running = new LinkedHashMap<>();
  private final Path root;
  private final UnaryOperator<ReplicationNode.Builder> setup;

  /** A cluster of one node per engine name, named n0, n1, ... */
  TestCluster(Path root, UnaryOperator<ReplicationNode.Builder> setup, String... nodeEngines) {
    this.root = root;
    this.setup = setup;
    for (int i = 0; i < nodeEngines.length; i++) {
      Peer p = new Peer("n" + i, "127.0.0.1:" + freePort());
      peers.add(p);
      engines.put(p.id(), nodeEngines[i]);
    }
  }

  TestCluster(Path root, String... nodeEngines) {
    this(root, b -> b, nodeEngines);
  }

  /**
   * Ports below the kernel's ephemeral range (32768 and up on Linux), so that no outgoing
   * connection of this or another process takes one between now and the node's bind, and never the
   * same one twice in this JVM: an ephemeral port from {@code new ServerSocket(0)} is free only
   * until it is closed, and was handed out twice in one CI run (two nodes on one port, one failed
   * to bind).
   */
  private static final int FIRST_PORT = 20_000;

  private static final int PORT_COUNT = 12_000;
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static int freePort() {
    java.util.random.RandomGenerator random = java.util.concurrent.ThreadLocalRandom.current();
    IOException last = null;
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = FIRST_PORT + random.nextInt(PORT_COUNT);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new java.net.InetSocketAddress("0.0.0.0", port), 1);
        return port;
      } catch (IOException e) {
        last = e; // in use by some other process: try another
      }
    }
    throw new UncheckedIOException(
        "no free port in " + FIRST_PORT + ".." + (FIRST_PORT + PORT_COUNT), last);
  }

  TestCluster startAll() {
    for (Peer p : peers) {
      start(p.id());
    }
    return this;
  }

  /**
   * Waits for a leader and, if it is {@code avoided}, hands leadership to {@code instead}.
   *
   * @return the node that leads
   */
  ReplicationNode awaitLeaderOtherThan(ReplicatedStore store, String avoided, String instead) {
    ReplicationNode leader = awaitLeader();
    if (leader.self().id().equals(avoided)) {
      store.transferLeadership(instead);
      awaitTrue(() -> node(instead).isLeader(), Duration.ofSeconds(30), instead + " to lead");
      leader = node(instead);
    }
    return leader;
  }

  Peer peer(String id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  /** Adds a peer (not started, not a member until the cluster's configuration says so). */
  Peer addPeer(String id, String engine) {
    Peer p = new Peer(id, "127.0.0.1:" + freePort());
    peers.add(p);
    engines.put(id, engine);
    return p;
  }

  ReplicationNode start(String id) {
    return start(id, peers);
  }

  /** Starts node {@code id}, set up as the cluster's nodes are and then by {@code extra}. */
  ReplicationNode start(String id, UnaryOperator<ReplicationNode.Builder> extra) {
    return start(id, peers, extra);
  }

  ReplicationNode start(String id, List<Peer> members) {
    return start(id, members, b -> b);
  }

  private ReplicationNode start(
      String id, List<Peer> members, UnaryOperator<ReplicationNode.Builder> extra) {
    ReplicationNode node =
        extra
            .apply(
                setup.apply(
                    ReplicationNode.builder(this.id, peer(id), members)
                        .engine(engines.get(id))
                        .directory(root.resolve(id))
                        .electionTimeout(Duration.ofMillis(400))))
            .start();
    running.put(id, node);
    return node;
  }

  void stop(String id) {
    ReplicationNode node = running.remove(id);
    if (node != null) {
      count(node);
      node.close();
    }
  }

  /** Snapshot installs of nodes stopped so far: loaded, waited for a previous one, refused. */
  private long installed;

  private long deferred;
  private long refused;

  private void count(ReplicationNode node) {
    installed += node.installedSnapshots();
    deferred += node.deferredInstalls();
    refused += node.refusedInstalls();
  }

  /**
   * What every node of this cluster did with snapshots from the leader so far, stopped nodes
   * included: how many it loaded into its store, how many waited for the previous one to load, and
   * how many it refused after that wait.
   */
  String installSummary() {
    long i = installed;
    long d = deferred;
    long r = refused;
    for (ReplicationNode n : running.values()) {
      i += n.installedSnapshots();
      d += n.deferredInstalls();
      r += n.refusedInstalls();
    }
    return i
        + " snapshots loaded from installs or on start, "
        + d
        + " installs waited for the previous one to load, "
        + r
        + " refused after that wait";
  }

  ReplicationNode node(String id) {
    return running.get(id);
  }

  List<ReplicationNode> running() {
    return List.copyOf(running.values());
  }

  Optional<ReplicationNode> leader() {
    return running.values().stream().filter(ReplicationNode::isLeader).findFirst();
  }

  ReplicationNode awaitLeader() {
    awaitTrue(() -> leader().isPresent(), Duration.ofSeconds(30), "a leader");
    return leader().orElseThrow();
  }

  ReplicatedStore client() {
    return ReplicatedStore.connect(id, peers, Duration.ofSeconds(30));
  }

  /** Waits until node {@code id} applied as far as the furthest running node had when called. */
  void awaitCaughtUp(String id) {
    long target =
        running.values().stream().mapToLong(ReplicationNode::appliedIndex).max().orElse(0);
    ReplicationNode node = running.get(id);
    awaitTrue(() -> node.appliedIndex() >= target, Duration.ofSeconds(60), id + " to catch up");
  }

  /**
   * Waits until every running node applied the cluster's first entry (the first leader's
   * configuration). NB: a node that won the first election and stopped before that entry was
   * committed keeps its own entry 0, and Ratis (3.1.3 to 3.3.0) lets a heartbeat commit it
   * (docs/replication.md, failure modes not handled): that node never catches up again. Tests that
   * stop leaders start after this.
   */
  void awaitFirstEntryEverywhere() {
    awaitTrue(
        () -> running.values().stream().allMatch(n -> n.appliedIndex() >= 0),
        Duration.ofSeconds(60),
        "every node to apply the cluster's first entry");
  }

  /**
   * Waits until every running node applied up to the cluster's commit index as it is when called
   * (the highest commit index a running node knows: every entry up to it is committed, so every
   * node must apply it). A node that does not within {@code limit} is wedged (a step-down that
   * never ends, a follower the leader cannot append to; docs/replication.md).
   *
   * @throws AssertionError naming {@code when} and each node behind: its role, applied index and
   *     why it fail-stopped, if it did, with the stacks of its threads ({@link #threadsOf})
   */
  void awaitEveryNodeApplied(String when, Duration limit) {
    long target =
        running.values().stream().mapToLong(ReplicationNode::commitIndex).max().orElse(-1);
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      List<ReplicationNode> behind =
          running.values().stream().filter(n -> n.appliedIndex() < target).toList();
      if (behind.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        StringBuilder nodes = new StringBuilder();
        for (ReplicationNode n : behind) {
          nodes
              .append("\n  ")
              .append(n.self().id())
              .append(": ")
              .append(n.role())
              .append(", applied index ")
              .append(n.appliedIndex())
              .append(", commit index ")
              .append(n.commitIndex())
              .append(n.failure().map(f -> ", " + f).orElse(""));
        }
        throw new AssertionError(
            when
                + ": not every node applied up to the cluster's commit index "
                + target
                + " within "
                + limit
                + nodes
                + "\n"
                + threadsOf(behind));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for every node to apply " + target, e);
      }
    }
  }

  /**
   * The stacks that say why a node stopped applying: each Ratis thread of {@code nodes} (named
   * {@code <id>@group-...}: its apply thread {@code ...-StateMachineUpdater} first, its log
   * appenders, ...), and every thread of this JVM inside an engine's code (engines name their
   * threads without the node's id).
   */
  static String threadsOf(List<ReplicationNode> nodes) {
    List<String> prefixes = new ArrayList<>();
    for (ReplicationNode n : nodes) {
      prefixes.add(n.self().id() + "@");
    }
    StringBuilder out = new StringBuilder("threads of the nodes behind, and in engine code:");
    List<Map.Entry<Thread, StackTraceElement[]>> all =
        new ArrayList<>(Thread.getAllStackTraces().entrySet());
    all.sort(
        java.util.Comparator.comparing(
                (Map.Entry<Thread, StackTraceElement[]> e) ->
                    !e.getKey().getName().endsWith("StateMachineUpdater"))
            .thenComparing(e -> e.getKey().getName()));
    for (Map.Entry<Thread, StackTraceElement[]> e : all) {
      String name = e.getKey().getName();
      boolean ofNode = prefixes.stream().anyMatch(name::startsWith);
      boolean inEngine =
          java.util.Arrays.stream(e.getValue())
              .anyMatch(f -> f.getClassName().startsWith("dev.cairn.engine."));
      if (!ofNode && !inEngine) {
        continue;
      }
      out.append("\n  \"").append(name).append("\" ").append(e.getKey().getState());
      StackTraceElement[] frames = e.getValue();
      for (int i = 0; i < Math.min(frames.length, 40); i++) {
        out.append("\n      at ").append(frames[i]);
      }
      if (frames.length > 40) {
        out.append("\n      ... ").append(frames.length - 40).append(" more");
      }
    }
    return out.toString();
  }

  /** Waits until every running node applied as far as the furthest one. */
  void awaitConverged() {
    awaitTrue(
        () -> {
          long max =
              running.values().stream().mapToLong(ReplicationNode::appliedIndex).max().orElse(0);
          return running.values().stream().allMatch(n -> n.appliedIndex() == max);
        },
        Duration.ofSeconds(60),
        "every node applied the same index");
  }

  static void awaitTrue(BooleanSupplier condition, Duration limit, String what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  @Override
  public void close() {
    for (String id : List.copyOf(running.keySet())) {
      stop(id);
    }
  }
}
