package dev.cairn.replication.cli;

import dev.cairn.replication.Peer;
import dev.cairn.replication.ReplicationNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn cluster start-node}: runs one node in this process until the process is stopped. A
 * {@code SIGTERM} or Ctrl-C closes the node cleanly (it takes a snapshot first when snapshots are
 * on); a {@code kill -9} is a crash it recovers from on its next start with the same directory.
 */
@Command(
    name = "start-node",
    description =
        "Runs one node of a cluster in the foreground until stopped (Ctrl-C or SIGTERM close it"
            + " cleanly). The first start creates its store and Raft log in --dir; later starts"
            + " recover them.")
final class StartNodeCommand implements Callable<Integer> {

  @Mixin ClusterCommand.Help help;

  @Spec CommandSpec spec;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "UUID",
      description = "The cluster's id (its Raft group id), the same on every node.")
  UUID cluster;

  @Option(
      names = "--self",
      required = true,
      paramLabel = "ID=HOST:PORT",
      converter = ClusterCommand.PeerConverter.class,
      description = "This node's id and the address it listens on; one of --members.")
  Peer self;

  @Option(
      names = "--members",
      required = true,
      split = ",",
      paramLabel = "ID=HOST:PORT",
      converter = ClusterCommand.PeerConverter.class,
      description =
          "The cluster's members when this node first starts, comma-separated: with --join the"
              + " running cluster's members, else the new cluster's, this node included.")
  List<Peer> members;

  @Option(
      names = "--join",
      description =
          "This node is to be added to a running cluster (cairn cluster add or replace, run"
              + " after it started): it waits for the leader instead of standing for election.")
  boolean join;

  @Option(
      names = "--engine",
      required = true,
      paramLabel = "NAME",
      description =
          "The engine of this node's store (one with atomic batches and conditional writes;"
              + " nodes of one cluster may differ).")
  String engine;

  @Option(
      names = "--dir",
      required = true,
      paramLabel = "DIR",
      description = "This node's directory: its store in DIR/store, its Raft log in DIR/raft.")
  Path dir;

  @Option(
      names = "--snapshot-threshold",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "Log entries between snapshots, after which the log is purged (default: 100000; 0: no"
              + " snapshots, the whole log is kept).")
  long snapshotThreshold;

  @Option(
      names = "--election-timeout",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = ClusterCommand.DurationConverter.class,
      description =
          "How long a follower waits for its leader before it stands for election (default: 1s;"
              + " at least 50ms; the longest wait is twice this).")
  Duration electionTimeout;

  @Option(
      names = "--setting",
      paramLabel = "NAME=VALUE",
      description = "An engine setting (repeatable), as `cairn engines` lists them.")
  Map<String, String> settings;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ReplicationNode.Builder builder =
        (join
                ? ReplicationNode.joining(cluster, self, members)
                : ReplicationNode.builder(cluster, self, members))
            .engine(engine)
            .directory(dir)
            .snapshotThreshold(snapshotThreshold)
            .electionTimeout(electionTimeout);
    if (settings != null) {
      settings.forEach(builder::setting);
    }
    ReplicationNode node = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    // NB: a node that fail-stops (its watchdog found a step-down that never ends) has closed its
    // server; the process exits with an error, so that whatever supervises it starts it again
    node.whenFailed().thenRun(stopped::countDown);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.close();
                    out.println("node " + self.id() + " stopped");
                  } finally {
                    stopped.countDown();
                  }
                },
                "cairn-node-shutdown"));
    out.println(
        "node "
            + self
            + " ("
            + engine
            + ", "
            + dir.toAbsolutePath()
            + ") is running in cluster "
            + cluster
            + (join ? ", waiting to be added" : "")
            + "; Ctrl-C or SIGTERM stops it");
    stopped.await();
    if (node.failure().isPresent()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(node.failure().get());
      err.flush();
      return ClusterCommand.CLUSTER_ERROR;
    }
    return ClusterCommand.SUCCESS;
  }
}
