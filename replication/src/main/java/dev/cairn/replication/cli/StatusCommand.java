package dev.cairn.replication.cli;

import dev.cairn.replication.NodeStatus;
import dev.cairn.replication.Peer;
import dev.cairn.replication.ReplicatedStore;
import dev.cairn.replication.ReplicationException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cairn cluster status}: asks every node named on the command line, and every member those
 * nodes know of, what it is (leader, follower, candidate), which engine it runs and how far it
 * applied the log; prints the leader and the configuration first.
 */
@Command(
    name = "status",
    description =
        "Prints the cluster's leader and members, then one line per node: its role, its engine,"
            + " the log indexes it applied and knows committed, its latest snapshot. Exit 3 when"
            + " no node answered.")
final class StatusCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Help help;

  /** How long to wait for each node: a node that is down must not hold up the others' lines. */
  private static final Duration PER_NODE = Duration.ofSeconds(2);

  @Spec CommandSpec spec;

  @Mixin ClusterCommand.Target target;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Duration wait = target.timeout.compareTo(PER_NODE) < 0 ? target.timeout : PER_NODE;
    Map<String, Peer> toAsk = new LinkedHashMap<>();
    target.members.forEach(p -> toAsk.putIfAbsent(p.id(), p));
    Map<String, NodeStatus> answers = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    // NB: a client reaches only the peers it was built with: members learnt from an answer are
    // asked through a new client that knows them too
    while (answers.size() + failures.size() < toAsk.size()) {
      try (ReplicatedStore store = target.connect(toAsk.values().toArray(Peer[]::new))) {
        for (Peer p : List.copyOf(toAsk.values())) {
          if (answers.containsKey(p.id()) || failures.containsKey(p.id())) {
            continue;
          }
          try {
            NodeStatus s = store.status(p, wait);
            answers.put(p.id(), s);
            s.members().forEach(m -> toAsk.putIfAbsent(m.id(), m));
          } catch (ReplicationException e) {
            failures.put(p.id(), rootMessage(e));
          }
        }
      }
    }
    if (answers.isEmpty()) {
      throw new ReplicationException(
          "no node of cluster " + target.cluster + " answered within " + wait + ": " + failures,
          false,
          null);
    }
    Optional<NodeStatus> leader =
        answers.values().stream().filter(s -> s.role().equals("LEADER")).findFirst();
    NodeStatus reference = leader.orElse(answers.values().iterator().next());
    out.println("cluster " + target.cluster);
    out.println(
        "leader:  " + leader.map(s -> s.node().id()).orElse("none (an election may be under way)"));
    out.println(
        "members: "
            + String.join(",", reference.members().stream().map(Peer::toString).toList())
            + (leader.isPresent() ? "" : " (as " + reference.node().id() + " knows them)"));
    out.printf(
        "%-24s %-10s %-8s %9s %9s %9s%n",
        "NODE", "ROLE", "ENGINE", "APPLIED", "COMMITTED", "SNAPSHOT");
    for (Peer p : toAsk.values()) {
      NodeStatus s = answers.get(p.id());
      if (s == null) {
        out.printf("%-24s unreachable: %s%n", p, failures.get(p.id()));
        continue;
      }
      boolean member = reference.members().stream().anyMatch(m -> m.id().equals(p.id()));
      out.printf(
          "%-24s %-10s %-8s %9d %9d %9s%s%n",
          p,
          s.role().toLowerCase(java.util.Locale.ROOT),
          s.engine(),
          s.appliedIndex(),
          s.commitIndex(),
          s.snapshotIndex() < 0 ? "-" : Long.toString(s.snapshotIndex()),
          member ? "" : "  (not a member)");
    }
    return ClusterCommand.SUCCESS;
  }

  private static String rootMessage(Throwable t) {
    Throwable last = t;
    for (Throwable c = t; c != null; c = c.getCause()) {
      last = c;
    }
    String m = last.getMessage();
    return m == null ? last.getClass().getSimpleName() : m;
  }
}
