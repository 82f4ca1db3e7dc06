package dev.cairn.replication;

import dev.cairn.spi.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one node as a process of its own, until the process is stopped (a {@code SIGTERM} closes the
 * node cleanly; a {@code kill -9} is a crash it recovers from on the next start):
 *
 * <pre>
 * java -cp "replication/target/cairn-replication-0.1.0-SNAPSHOT.jar:replication/target/lib/*" \
 *     dev.cairn.replication.NodeMain --cluster 5f0c...-uuid --self a=127.0.0.1:9871 \
 *     --members a=127.0.0.1:9871,b=127.0.0.1:9872,c=127.0.0.1:9873 \
 *     --engine lsm --directory /var/lib/cairn/a [--snapshot-threshold 100000] \
 *     [--election-timeout-ms 1000] [--setting name=value]...
 * </pre>
 *
 * <p>Bad arguments throw {@link InvalidArgumentException} naming the argument; nothing is printed
 * by this class.
 */
public final class NodeMain {

  private NodeMain() {}

  /**
   * Starts the node and waits until the process ends.
   *
   * @throws InvalidArgumentException if an argument is missing, unknown or malformed
   * @throws IllegalStateException if the node fail-stopped ({@link ReplicationNode#failure()}, the
   *     message says why): its server is closed, and the process is to be started again
   * @throws InterruptedException if the main thread is interrupted while the node runs
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> options = new TreeMap<>();
    Map<String, String> settings = new TreeMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new InvalidArgumentException("option " + name + " needs a value");
      }
      String value = args[i + 1];
      switch (name) {
        case "--cluster",
            "--self",
            "--members",
            "--engine",
            "--directory",
            "--snapshot-threshold",
            "--election-timeout-ms" ->
            options.put(name, value);
        case "--setting" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new InvalidArgumentException("--setting must be name=value: " + value);
          }
          settings.put(value.substring(0, eq), value.substring(eq + 1));
        }
        default ->
            throw new InvalidArgumentException(
                "unknown option "
                    + name
                    + "; known: --cluster --self --members --engine --directory"
                    + " --snapshot-threshold --election-timeout-ms --setting");
      }
    }
    UUID cluster;
    try {
      cluster = UUID.fromString(required(options, "--cluster"));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("--cluster must be a UUID: " + options.get("--cluster"));
    }
    Peer self = Peer.parse(required(options, "--self"));
    List<Peer> members = new ArrayList<>();
    for (String spec : required(options, "--members").split(",")) {
      members.add(Peer.parse(spec.strip()));
    }
    ReplicationNode.Builder builder =
        ReplicationNode.builder(cluster, self, members)
            .engine(required(options, "--engine"))
            .directory(Path.of(required(options, "--directory")));
    if (options.containsKey("--snapshot-threshold")) {
      builder.snapshotThreshold(number(options, "--snapshot-threshold"));
    }
    if (options.containsKey("--election-timeout-ms")) {
      builder.electionTimeout(Duration.ofMillis(number(options, "--election-timeout-ms")));
    }
    settings.forEach(builder::setting);
    ReplicationNode node = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "cairn-node-shutdown"));
    node.whenFailed().thenRun(stopped::countDown);
    stopped.await();
    if (node.failure().isPresent()) {
      // NB: a fail-stopped node has closed its server; the JVM exits with an error (status 1)
      throw new IllegalStateException(node.failure().get());
    }
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null) {
      throw new InvalidArgumentException("missing option " + name);
    }
    return v;
  }

  private static long number(Map<String, String> options, String name) {
    try {
      return Long.parseLong(options.get(name));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(name + " must be a number: " + options.get(name));
    }
  }
}
