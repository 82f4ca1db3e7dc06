package dev.cairn.bench.jmh;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a plain {@code put} and {@code get} cost on the {@code rocksdb} engine's own handle (no
 * runtime boundary), one store shared by every benchmark thread: run with {@code -t 1} and {@code
 * -t 2} to see whether the write lock that makes conditional writes atomic (every plain write holds
 * it shared) costs plain writes anything, alone or contended. Compare builds of the engine with the
 * same command ({@code docs/engines/rocksdb.md}, "Conditional writes").
 *
 * <ul>
 *   <li>{@code put}: a {@code BUFFERED} put of 100 bytes over one of {@value #ENTRIES} present
 *       keys, so the memtable stays small and no flush runs.
 *   <li>{@code get}: a get of one of them.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RocksDbPointBenchmark {

  static final int ENTRIES = 1000;

  Path directory;
  StorageEngine store;
  final byte[][] keys = new byte[ENTRIES][];
  final byte[] value = new byte[100];

  /** Each thread's turn through the keys. */
  @State(Scope.Thread)
  public static class Turn {
    int next;

    byte[] key(RocksDbPointBenchmark b) {
      byte[] k = b.keys[next];
      next = next == ENTRIES - 1 ? 0 : next + 1;
      return k;
    }
  }

  @Setup(Level.Trial)
  public void open() throws IOException {
    StorageEngineProvider rocksdb =
        ServiceLoader.load(StorageEngineProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("rocksdb"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("engine 'rocksdb' not on the class path"));
    directory = Files.createTempDirectory("rocksdb-point");
    store = rocksdb.open(EngineOptions.builder().directory(directory.resolve("db")).build());
    new SplittableRandom(5).nextBytes(value);
    for (int i = 0; i < ENTRIES; i++) {
      keys[i] = ByteBuffer.allocate(16).putLong(0x6b6579L).putLong(i * 0x9E3779B97F4A7C15L).array();
      store.put(keys[i], value, Durability.BUFFERED);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public void put(Turn turn) {
    store.put(turn.key(this), value, Durability.BUFFERED);
  }

  @Benchmark
  public byte[] get(Turn turn) {
    return store.get(turn.key(this));
  }
}
