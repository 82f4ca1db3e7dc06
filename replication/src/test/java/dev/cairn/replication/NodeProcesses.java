package dev.cairn.replication;

import dev.cairn.replication.cli.ClusterCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Nodes of one cluster as processes of their own, each started with {@code cairn cluster
 * start-node} (the class path of this test JVM, which holds the replication module and every
 * engine), on 127.0.0.1 and free ports, each logging into {@code <root>/<id>.log} (Ratis's lines at
 * INFO). A node can be killed ({@code kill -9}), paused ({@code kill -STOP}) and resumed, and
 * started again on the same port and directory.
 */
final class NodeProcesses implements AutoCloseable {

  final UUID id = UUID.randomUUID();
  final List<Peer> peers = new ArrayList<>();
  private final Map<String, String> engines = new LinkedHashMap<>();
  private final Map<String, Process> running = new LinkedHashMap<>();
  private final Path root;
  private final List<String> options;

  /**
   * A cluster of one node per engine name, named p0, p1, ...; {@code options} are added to every
   * {@code start-node} line (a snapshot threshold, an election timeout).
   */
  NodeProcesses(Path root, List<String> options, String... nodeEngines) {
    this.root = root;
    this.options = List.copyOf(options);
    for (String engine : nodeEngines) {
      addPeer(engine);
    }
  }

  /** Adds a peer (not started, not a member until the cluster's configuration says so). */
  Peer addPeer(String engine) {
    Peer p = new Peer("p" + peers.size(), "127.0.0.1:" + TestCluster.freePort());
    peers.add(p);
    engines.put(p.id(), engine);
    return p;
  }

  Peer peer(String id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  /** The first {@code n} peers, as a {@code --members} value. */
  String members(int n) {
    return String.join(",", peers.subList(0, n).stream().map(Peer::toString).toList());
  }

  /** Starts every peer as a member of a cluster of all of them; waits until each runs. */
  NodeProcesses startAll() throws IOException {
    for (Peer p : peers) {
      start(p.id(), members(peers.size()), false);
    }
    for (Peer p : peers) {
      awaitRunning(p.id());
    }
    return this;
  }

  /**
   * Starts (or restarts) node {@code id} with {@code members}, joining a running cluster or not.
   */
  Process start(String id, String members, boolean join) throws IOException {
    Peer self = peer(id);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ClusterCommand.class.getName());
    command.add("start-node");
    // --verbose: Ratis's INFO lines go into the node's log, shown when a test fails
    command.addAll(
        List.of(
            "--verbose",
            "--cluster",
            this.id.toString(),
            "--self",
            self.toString(),
            "--members",
            members,
            "--engine",
            engines.get(id),
            "--dir",
            root.resolve(id).toString()));
    if (join) {
      command.add("--join");
    }
    command.addAll(options);
    Files.createDirectories(root);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile()))
            .start();
    running.put(id, p);
    startCount.merge(id, 1, Integer::sum);
    return p;
  }

  Path log(String id) {
    return root.resolve(id + ".log");
  }

  /** Waits until node {@code id}'s log says it runs (the log holds one such line per start). */
  void awaitRunning(String id) {
    int starts = startCount.getOrDefault(id, 0);
    TestCluster.awaitTrue(
        () -> {
          Process p = running.get(id);
          if (p == null || !p.isAlive()) {
            throw new AssertionError(
                id + " is not running" + (p == null ? "" : ": exit " + p.exitValue()));
          }
          return countRunning(id) >= starts;
        },
        Duration.ofSeconds(60),
        id + " to start");
  }

  private final Map<String, Integer> startCount = new LinkedHashMap<>();

  private long countRunning(String id) {
    return lines(id).stream().filter(l -> l.contains("is running in cluster")).count();
  }

  private List<String> lines(String id) {
    try {
      return Files.exists(log(id)) ? Files.readAllLines(log(id)) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  Process process(String id) {
    return running.get(id);
  }

  /**
   * Why node {@code id}'s process ended by itself after a fail-stop (it exited with 3 and its log
   * says why), or empty when it runs, was killed, or ended otherwise.
   */
  java.util.Optional<String> failStopped(String id) {
    Process p = running.get(id);
    if (p == null || p.isAlive() || p.exitValue() != 3) {
      return java.util.Optional.empty();
    }
    return lines(id).reversed().stream().filter(l -> l.contains("fail-stopped")).findFirst();
  }

  /** Whether node {@code id}'s process was started and has ended by itself, with its exit code. */
  java.util.Optional<Integer> exited(String id) {
    Process p = running.get(id);
    return p == null || p.isAlive()
        ? java.util.Optional.empty()
        : java.util.Optional.of(p.exitValue());
  }

  /** {@code kill -9}: a crash. */
  void kill(String id) throws InterruptedException {
    Process p = running.remove(id);
    if (p != null) {
      p.destroyForcibly().waitFor();
    }
  }

  /** {@code SIGTERM}, and waits for the node to close: a clean stop. */
  int stop(String id) throws InterruptedException {
    Process p = running.remove(id);
    if (p == null) {
      return -1;
    }
    p.destroy();
    return p.waitFor();
  }

  /** {@code kill -STOP} (pause) or {@code kill -CONT} (resume) of node {@code id}'s process. */
  void signal(String id, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(running.get(id).pid()))
            .redirectErrorStream(true)
            .start();
    int code = kill.waitFor();
    if (code != 0) {
      throw new IOException(
          "kill -"
              + signal
              + " "
              + id
              + " exited "
              + code
              + ": "
              + new String(kill.getInputStream().readAllBytes()));
    }
  }

  /**
   * Copies every node's log into {@code target/<directory>} and returns the last lines of each, for
   * a failure's message.
   */
  String logs(String directory) throws IOException {
    StringBuilder out = new StringBuilder();
    Path kept = Path.of("target", directory);
    Files.createDirectories(kept);
    for (Peer p : peers) {
      Path log = log(p.id());
      if (Files.exists(log)) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        List<String> lines = Files.readAllLines(log);
        out.append("\n--- ")
            .append(p.id())
            .append(".log (last lines; whole in ")
            .append(kept)
            .append(") ---\n");
        out.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
      }
    }
    return out.toString();
  }

  /** Kills every node still running (a crash; their directories stay for a look). */
  @Override
  public void close() {
    for (Process p : running.values()) {
      p.destroyForcibly();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    running.clear();
  }
}
