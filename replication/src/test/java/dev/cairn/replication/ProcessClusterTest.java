package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as three processes ({@link NodeMain}), each killed with {@code kill -9} in turn, the
 * leader among them, while a client writes: no acknowledged write is lost, and every node ends with
 * the same values. A killed node takes no snapshot and loses its store's buffered writes; it
 * recovers them from its Raft log.
 */
class ProcessClusterTest {

  @TempDir Path dir;

  @Test
  void nodesKilledOneAtATimeLoseNoAcknowledgedWrite() throws Exception {
    try {
      killOneAtATime();
    } catch (Exception | AssertionError e) {
      StringBuilder logs = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        Path log = dir.resolve("p" + i + ".log");
        if (Files.exists(log)) {
          // The whole log stays in target/ for a look after the build.
          Path kept = Path.of("target", "process-cluster-logs");
          Files.createDirectories(kept);
          Files.copy(
              log,
              kept.resolve(log.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          List<String> lines = Files.readAllLines(log);
          logs.append("\n--- p").append(i).append(".log (last lines) ---\n");
          logs.append(
              String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
      }
      throw new AssertionError(e.getMessage() + logs, e);
    }
  }

  private void killOneAtATime() throws Exception {
    UUID cluster = UUID.randomUUID();
    String[] engines = {"lsm", "btree", "hash"};
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < engines.length; i++) {
      peers.add(new Peer("p" + i, "127.0.0.1:" + TestCluster.freePort()));
    }
    Map<String, Process> processes = new HashMap<>();
    Map<String, byte[]> expected = new HashMap<>();
    try (ReplicatedStore store = ReplicatedStore.connect(cluster, peers, Duration.ofSeconds(60))) {
      for (int i = 0; i < engines.length; i++) {
        processes.put(peers.get(i).id(), launch(cluster, peers, i, engines[i]));
      }
      int n = 0;
      for (int round = 0; round < engines.length; round++) {
        for (int i = 0; i < 15; i++, n++) {
          byte[] key = ("k" + (n % 20)).getBytes(UTF_8);
          byte[] value = ("v" + n).getBytes(UTF_8);
          store.put(key, value);
          expected.put(new String(key, UTF_8), value);
        }
        // The leader first, then whichever node has not been killed yet.
        String victim =
            round == 0 ? store.leader(peers).orElse(peers.get(0).id()) : nextVictim(processes);
        Process p = processes.get(victim);
        p.destroyForcibly().waitFor();
        killed.add(victim);
        for (int i = 0; i < 5; i++, n++) {
          byte[] key = ("k" + (n % 20)).getBytes(UTF_8);
          byte[] value = ("v" + n).getBytes(UTF_8);
          store.put(key, value);
          expected.put(new String(key, UTF_8), value);
        }
        int index = Integer.parseInt(victim.substring(1));
        processes.put(victim, launch(cluster, peers, index, engines[index]));
      }
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        assertArrayEquals(e.getValue(), store.get(e.getKey().getBytes(UTF_8)), e.getKey());
      }
      for (Peer p : peers) {
        TestCluster.awaitTrue(
            () -> agrees(store, p, expected), Duration.ofSeconds(60), p + " to catch up");
      }
      assertEquals(engines.length, killed.size());
    } finally {
      for (Process p : processes.values()) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  private final List<String> killed = new ArrayList<>();

  private String nextVictim(Map<String, Process> processes) {
    return processes.keySet().stream()
        .filter(id -> !killed.contains(id))
        .sorted()
        .findFirst()
        .orElseThrow();
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

  /** Node processes log Ratis's INFO lines into their log files, shown when the test fails. */
  private String loggingConfig() throws IOException {
    Path file = dir.resolve("logging.properties");
    if (!Files.exists(file)) {
      Files.writeString(
          file,
          "handlers=java.util.logging.ConsoleHandler\n"
              + ".level=INFO\n"
              + "java.util.logging.ConsoleHandler.level=ALL\n"
              + "org.apache.ratis.level=INFO\n");
    }
    return file.toString();
  }

  private Process launch(UUID cluster, List<Peer> peers, int index, String engine)
      throws IOException {
    Peer self = peers.get(index);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-Xmx256m",
            "-Djava.util.logging.config.file=" + loggingConfig(),
            "-cp",
            System.getProperty("java.class.path"),
            NodeMain.class.getName(),
            "--cluster",
            cluster.toString(),
            "--self",
            self.toString(),
            "--members",
            String.join(",", peers.stream().map(Peer::toString).toList()),
            "--engine",
            engine,
            "--directory",
            dir.resolve(self.id()).toString(),
            "--snapshot-threshold",
            "40",
            "--election-timeout-ms",
            "400");
    Path log = dir.resolve(self.id() + ".log");
    Files.createDirectories(dir);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}
