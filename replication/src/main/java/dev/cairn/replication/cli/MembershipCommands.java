package dev.cairn.replication.cli;

import dev.cairn.replication.Peer;
import dev.cairn.replication.ReplicatedStore;
import dev.cairn.replication.ReplicationException;
import dev.cairn.spi.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that change a running cluster: {@code add}, {@code remove} and {@code replace} a
 * node (each one Raft configuration change through the leader, which commits once the new
 * configuration's majority holds it), and {@code transfer-leader}.
 *
 * <p>Each reads the configuration from the node that leads now, checks the change against it (a
 * node added must not be a member, one removed must be), and prints the new configuration. A node
 * being added must already run ({@code cairn cluster start-node}, with the new member list).
 */
final class MembershipCommands {

  private MembershipCommands() {}

  /** The current members, as the leader knows them; waits for a leader within the timeout. */
  static List<Peer> currentMembers(ReplicatedStore store, ClusterCommand.Target target) {
    long deadline = System.nanoTime() + target.timeout.toNanos();
    while (true) {
      Optional<String> leader = store.leader(target.members);
      if (leader.isPresent()) {
        return store.members(leader.get());
      }
      if (System.nanoTime() > deadline) {
        throw new ReplicationException(
            "no node of "
                + target.members
                + " leads cluster "
                + target.cluster
                + " after "
                + target.timeout,
            false,
            null);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReplicationException("interrupted while looking for the leader", false, e);
      }
    }
  }

  static boolean isMember(List<Peer> members, String id) {
    return members.stream().anyMatch(p -> p.id().equals(id));
  }

  static List<Peer> without(List<Peer> members, String id) {
    return members.stream().filter(p -> !p.id().equals(id)).toList();
  }

  static String describe(List<Peer> members) {
    return String.join(",", members.stream().map(Peer::toString).toList());
  }

  /** {@code cairn cluster add ID=HOST:PORT}. */
  @Command(
      name = "add",
      description =
          "Adds a running node to the cluster's members (start it first with start-node and the"
              + " new member list); returns once it caught up and the change committed.")
  static final class Add implements Callable<Integer> {
    @Mixin ClusterCommand.Help help;
    @Spec CommandSpec spec;
    @Mixin ClusterCommand.Target target;

    @Parameters(
        paramLabel = "ID=HOST:PORT",
        converter = ClusterCommand.PeerConverter.class,
        description = "The node to add.")
    Peer node;

    @Override
    public Integer call() {
      try (ReplicatedStore store = target.connect(node)) {
        List<Peer> members = currentMembers(store, target);
        if (isMember(members, node.id())) {
          throw new InvalidArgumentException(
              "'" + node.id() + "' is a member already: " + describe(members));
        }
        List<Peer> next = new ArrayList<>(members);
        next.add(node);
        store.setMembers(next);
        spec.commandLine().getOut().println("members: " + describe(next));
      }
      return ClusterCommand.SUCCESS;
    }
  }

  /** {@code cairn cluster remove ID}. */
  @Command(
      name = "remove",
      description =
          "Removes a node from the cluster's members (it may be down); the leader itself may be"
              + " removed, and a new one is elected. Stop the node's process afterwards.")
  static final class Remove implements Callable<Integer> {
    @Mixin ClusterCommand.Help help;
    @Spec CommandSpec spec;
    @Mixin ClusterCommand.Target target;

    @Parameters(paramLabel = "ID", description = "The id of the node to remove.")
    String id;

    @Override
    public Integer call() {
      try (ReplicatedStore store = target.connect()) {
        List<Peer> members = currentMembers(store, target);
        if (!isMember(members, id)) {
          throw new InvalidArgumentException("'" + id + "' is not a member: " + describe(members));
        }
        List<Peer> next = without(members, id);
        if (next.isEmpty()) {
          throw new InvalidArgumentException(
              "'" + id + "' is the only member; a cluster needs one");
        }
        store.setMembers(next);
        spec.commandLine().getOut().println("members: " + describe(next));
      }
      return ClusterCommand.SUCCESS;
    }
  }

  /** {@code cairn cluster replace OLD_ID NEW_ID=HOST:PORT}. */
  @Command(
      name = "replace",
      description =
          "Replaces one member by a running node in one configuration change (start the new node"
              + " first with start-node and the new member list).")
  static final class Replace implements Callable<Integer> {
    @Mixin ClusterCommand.Help help;
    @Spec CommandSpec spec;
    @Mixin ClusterCommand.Target target;

    @Parameters(index = "0", paramLabel = "OLD_ID", description = "The member to remove.")
    String old;

    @Parameters(
        index = "1",
        paramLabel = "NEW_ID=HOST:PORT",
        converter = ClusterCommand.PeerConverter.class,
        description = "The node to add in its place.")
    Peer node;

    @Override
    public Integer call() {
      try (ReplicatedStore store = target.connect(node)) {
        List<Peer> members = currentMembers(store, target);
        if (!isMember(members, old)) {
          throw new InvalidArgumentException("'" + old + "' is not a member: " + describe(members));
        }
        if (isMember(members, node.id())) {
          throw new InvalidArgumentException(
              "'" + node.id() + "' is a member already: " + describe(members));
        }
        List<Peer> next = new ArrayList<>(without(members, old));
        next.add(node);
        store.setMembers(next);
        spec.commandLine().getOut().println("members: " + describe(next));
      }
      return ClusterCommand.SUCCESS;
    }
  }

  /** {@code cairn cluster transfer-leader ID}. */
  @Command(
      name = "transfer-leader",
      description = "Hands leadership to a member that has caught up; returns once it leads.")
  static final class TransferLeader implements Callable<Integer> {
    @Mixin ClusterCommand.Help help;
    @Spec CommandSpec spec;
    @Mixin ClusterCommand.Target target;

    @Parameters(paramLabel = "ID", description = "The member to lead.")
    String id;

    @Override
    public Integer call() {
      try (ReplicatedStore store = target.connect()) {
        List<Peer> members = currentMembers(store, target);
        if (!isMember(members, id)) {
          throw new InvalidArgumentException("'" + id + "' is not a member: " + describe(members));
        }
        store.transferLeadership(id);
        spec.commandLine().getOut().println("leader: " + id);
      }
      return ClusterCommand.SUCCESS;
    }
  }
}
