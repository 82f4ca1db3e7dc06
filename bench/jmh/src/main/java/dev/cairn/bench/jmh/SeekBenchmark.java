package dev.cairn.bench.jmh;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.StoreBuilder;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the runtime's boundary costs a short scan: db_bench's {@code seekrandom} (a seek to a random
 * loaded key, then {@value #NEXTS} steps reading the key and value of each entry through their
 * views), on the engine's own handle ({@code bare*}) and through the store the runtime opens
 * ({@code boundary*}), in the same run, for the engines {@code memory} and {@code rocksdb}.
 *
 * <ul>
 *   <li>{@code seek}: one cursor per trial, kept open; each operation seeks it and steps {@value
 *       #NEXTS} times. This is the boundary's per-step cost, with nothing per cursor in it.
 *   <li>{@code openSeek}: what {@code cairn bench}'s seekrandom does: each operation opens a cursor
 *       over the keys at or after the random one, steps {@value #NEXTS} times, and closes it; it
 *       adds what opening and closing a cursor costs (leak tracking, and the opening stack when
 *       {@code openingStacks} is on, the builder's default).
 * </ul>
 *
 * <p>Each store holds {@value #RECORDS} records of 16-byte keys (8 bytes big-endian of a mixed
 * record number, then zeros, as {@code cairn bench} writes them) and 100-byte values. RocksDB is
 * opened the same way on both sides, {@code BUFFERED}, with a block cache that holds the data
 * ({@code block-cache.size=64m}) and a 4 MiB memtable so that the load ends in table files and
 * reads go through them, not the memtable. The boundary's parameters are {@link
 * BoundaryBenchmark}'s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class SeekBenchmark {

  static final int RECORDS = 100_000;
  static final int NEXTS = 10;
  static final int VALUE_SIZE = 100;

  /** Settings given to the rocksdb engine on both sides. */
  static final Map<String, String> ROCKSDB =
      Map.of("block-cache.size", "64m", "write-buffer.size", "4m");

  @Param({"memory", "rocksdb"})
  String engine;

  /** The engine's own handle, opened through its provider. */
  StorageEngine bare;

  Cursor bareCursor;
  Path bareDir;
  Keys bareKeys;

  /** The store as a user opens it, through the runtime. */
  @State(Scope.Thread)
  public static class Through {

    @Param({"true", "false"})
    boolean openingStacks;

    @Param({"noop", "simple"})
    String meters;

    StorageEngine store;
    Cursor cursor;
    Path dir;
    Keys keys;

    @Setup(Level.Trial)
    public void open(SeekBenchmark b) throws IOException {
      StoreBuilder builder;
      if (b.engine.equals("memory")) {
        builder = Cairn.inMemory("memory");
      } else {
        dir = Files.createTempDirectory("cairn-jmh-boundary-");
        builder = Cairn.store(dir.resolve("store")).engine(b.engine).settings(ROCKSDB);
      }
      builder.openingStacks(openingStacks).defaultDurability(Durability.BUFFERED);
      if (meters.equals("simple")) {
        builder.meterRegistry(new SimpleMeterRegistry());
      }
      store = builder.open();
      load(store);
      if (dir != null) {
        store.close();
        store = builder.open();
      }
      settle(store);
      cursor = store.cursor();
      keys = new Keys();
    }

    @TearDown(Level.Trial)
    public void close() {
      cursor.close();
      store.close();
      deleteTree(dir);
    }
  }

  /** The record numbers to seek to, drawn once from a fixed seed, and whose turn it is. */
  static final class Keys {
    private static final int[] ORDER = new SplittableRandom(42).ints(1 << 16, 0, RECORDS).toArray();
    private final byte[][] keys = new byte[ORDER.length][];
    private int next;

    Keys() {
      for (int i = 0; i < ORDER.length; i++) {
        keys[i] = key(ORDER[i]);
      }
    }

    byte[] next() {
      byte[] k = keys[next];
      next = (next + 1) & (ORDER.length - 1);
      return k;
    }
  }

  /** Key of record {@code n}: SplitMix64's finalizer of n, big-endian, then 8 zero bytes. */
  static byte[] key(long n) {
    long z = n * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return ByteBuffer.allocate(16).putLong(z ^ (z >>> 31)).array();
  }

  static void load(StorageEngine store) {
    byte[] value = new byte[VALUE_SIZE];
    SplittableRandom random = new SplittableRandom(7);
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < RECORDS; i++) {
      random.nextBytes(value);
      batch.put(key(i), value);
      if (batch.size() == 1_000) {
        store.write(batch, Durability.BUFFERED);
        batch = new WriteBatch();
      }
    }
    if (batch.size() > 0) {
      store.write(batch, Durability.BUFFERED);
    }
    store.flush();
  }

  /**
   * Waits up to 30 s for the compaction that RocksDB starts after recovery to finish, so that the
   * cursors of both sides read the same tree: one table file in the last level.
   */
  static void settle(StorageEngine store) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Map<String, Long> d = store.statistics().details();
      if (d.getOrDefault("compaction.running", 0L) == 0
          && d.getOrDefault("compaction.pending-bytes", 0L) == 0) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Setup(Level.Trial)
  public void openBare() throws IOException {
    StorageEngineProvider provider =
        ServiceLoader.load(StorageEngineProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals(engine))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("engine '" + engine + "' not on the class path"));
    EngineOptions.Builder options = EngineOptions.builder().defaultDurability(Durability.BUFFERED);
    if (!engine.equals("memory")) {
      bareDir = Files.createTempDirectory("cairn-jmh-bare-");
      options.directory(bareDir.resolve("store")).settings(ROCKSDB);
    }
    bare = provider.open(options.build());
    load(bare);
    if (bareDir != null) {
      bare.close();
      bare = provider.open(options.build());
    }
    settle(bare);
    bareCursor = bare.cursor();
    bareKeys = new Keys();
  }

  @TearDown(Level.Trial)
  public void closeBare() {
    bareCursor.close();
    bare.close();
    deleteTree(bareDir);
  }

  /** Seeks {@code c} to {@code key} and reads {@value #NEXTS} entries; returns the bytes read. */
  private static long seekAndStep(Cursor c, byte[] key) {
    c.seek(key);
    return steps(c);
  }

  private static long steps(Cursor c) {
    long bytes = 0;
    for (int i = 0; i < NEXTS && c.next(); i++) {
      bytes += c.keyView().size() + c.valueView().size();
    }
    return bytes;
  }

  private static long openSeekAndStep(StorageEngine store, byte[] key) {
    try (Cursor c = store.cursor(KeyRange.atLeast(key), Direction.FORWARD)) {
      return steps(c);
    }
  }

  @Benchmark
  public long bareSeek() {
    return seekAndStep(bareCursor, bareKeys.next());
  }

  @Benchmark
  public long boundarySeek(Through t) {
    return seekAndStep(t.cursor, t.keys.next());
  }

  @Benchmark
  public long bareOpenSeek() {
    return openSeekAndStep(bare, bareKeys.next());
  }

  @Benchmark
  public long boundaryOpenSeek(Through t) {
    return openSeekAndStep(t.store, t.keys.next());
  }

  // Paired: the bare engine and the boundary measured at the same time, one thread each, in one
  // fork. Whatever else runs on the machine slows both alike, so their ratio holds on a shared
  // machine where runs made one after the other see different loads.

  @Benchmark
  @Group("pairedSeek")
  @GroupThreads(1)
  public long pairedSeekBare() {
    return bareSeek();
  }

  @Benchmark
  @Group("pairedSeek")
  @GroupThreads(1)
  public long pairedSeekBoundary(Through t) {
    return boundarySeek(t);
  }

  @Benchmark
  @Group("pairedOpenSeek")
  @GroupThreads(1)
  public long pairedOpenSeekBare() {
    return bareOpenSeek();
  }

  @Benchmark
  @Group("pairedOpenSeek")
  @GroupThreads(1)
  public long pairedOpenSeekBoundary(Through t) {
    return boundaryOpenSeek(t);
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
