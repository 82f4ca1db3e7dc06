package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.runtime.Cairn;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replicated put and get throughput and latency, three nodes on loopback in this JVM, against the
 * single-node store of the same engine: a benchmark, not a test (docs/benchmarks.md,
 * "Replication").
 *
 * <pre>
 * ./mvnw -pl replication -am package -DskipTests
 * java -cp "replication/target/test-classes:replication/target/cairn-replication-0.1.0-SNAPSHOT.jar:replication/target/lib/*" \
 *     dev.cairn.replication.ReplicationBench [ops] [threads] [engine] [value size]
 * </pre>
 *
 * <p>Defaults: 20,000 operations per workload, 16 threads, {@code lsm}, 100-byte values over 10,000
 * keys. Workloads, each after a warm-up of a tenth of its operations: single-node {@code SYNC} put
 * and get; replicated put (committed on a majority, fsynced there), linearizable get (read index
 * through the leader) and stale get (from a follower). Prints one line per workload: operations per
 * second and latency percentiles.
 */
public final class ReplicationBench {

  private ReplicationBench() {}

  /** A workload's operation number {@code i}. */
  private interface Op {
    void run(int i);
  }

  public static void main(String[] args) throws Exception {
    int ops = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    String engine = args.length > 2 ? args[2] : "lsm";
    int valueSize = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    int keys = 10_000;
    byte[] value = "v".repeat(valueSize).getBytes(UTF_8);
    Path root = Files.createTempDirectory("cairn-replication-bench");
    TestCluster.RATIS_LOG.getName(); // NB: Ratis's logging off, as in the tests
    System.out.printf(
        Locale.ROOT,
        "%d ops per workload, %d threads, engine %s, %d-byte values, %d keys; cores %d%n",
        ops,
        threads,
        engine,
        valueSize,
        keys,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-34s %10s %10s %10s %10s%n",
        "workload",
        "ops/s",
        "p50 ms",
        "p99 ms",
        "max ms");
    try (StorageEngine single =
        Cairn.store(root.resolve("single")).engine(engine).createIfMissing(true).open()) {
      measure(
          "single-node put SYNC",
          ops,
          threads,
          i -> single.put(key(i % keys), value, Durability.SYNC));
      measure("single-node get", ops, threads, i -> single.get(key(i % keys)));
    }
    try (TestCluster cluster =
            new TestCluster(root.resolve("cluster"), b -> b, engine, engine, engine).startAll();
        ReplicatedStore store =
            ReplicatedStore.connect(cluster.id, cluster.peers, Duration.ofSeconds(60))) {
      ReplicationNode leader = cluster.awaitLeader();
      String follower =
          cluster.peers.stream()
              .map(Peer::id)
              .filter(id -> !id.equals(leader.self().id()))
              .findFirst()
              .orElseThrow();
      measure("replicated put (3 nodes)", ops, threads, i -> store.put(key(i % keys), value));
      measure("replicated get, linearizable", ops, threads, i -> store.get(key(i % keys)));
      measure(
          "replicated get, stale (follower)",
          ops,
          threads,
          i -> store.staleGet(follower, key(i % keys)));
    } finally {
      delete(root);
    }
  }

  private static void measure(String name, int ops, int threads, Op op) throws Exception {
    run(Math.max(1, ops / 10), threads, op);
    long started = System.nanoTime();
    long[] latencies = run(ops, threads, op);
    long elapsed = System.nanoTime() - started;
    Arrays.sort(latencies);
    System.out.printf(
        Locale.ROOT,
        "%-34s %10.0f %10.2f %10.2f %10.2f%n",
        name,
        ops * 1e9 / elapsed,
        latencies[latencies.length / 2] / 1e6,
        latencies[(int) (latencies.length * 0.99)] / 1e6,
        latencies[latencies.length - 1] / 1e6);
  }

  private static long[] run(int ops, int threads, Op op) throws Exception {
    long[] latencies = new long[ops];
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i; (i = next.getAndIncrement()) < ops; ) {
                    long start = System.nanoTime();
                    op.run(i);
                    latencies[i] = System.nanoTime() - start;
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    return latencies;
  }

  private static byte[] key(int i) {
    return String.format(Locale.ROOT, "key%08d", i).getBytes(UTF_8);
  }

  private static void delete(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
