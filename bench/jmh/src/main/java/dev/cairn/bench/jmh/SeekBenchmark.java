package dev.cairn.bench.jmh;

import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.StoreBuilder;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.SpiVersion;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
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
 * views), on the engine's own handle ({@code bare*}) and through the runtime's boundary around the
 * very same handle ({@code boundary*}), for the engines {@code memory} and {@code rocksdb}.
 *
 * <ul>
 *   <li>{@code seek}: one cursor per trial, kept open; each operation seeks it and steps {@value
 *       #NEXTS} times. This is the boundary's per-step cost, with nothing per cursor in it.
 *   <li>{@code openSeek}: what {@code cairn bench}'s seekrandom does: each operation opens a cursor
 *       over the keys at or after the random one, steps {@value #NEXTS} times, and closes it; it
 *       adds what opening and closing a cursor costs (leak tracking, and the opening stack when
 *       {@code openingStacks} is on, the builder's default).
 *   <li>{@code pairedSeek} and {@code pairedOpenSeek}: the same two, bare and boundary run at the
 *       same time, one thread each, on the same store: whatever else runs on the machine slows both
 *       alike, so their ratio, iteration by iteration, holds on a shared machine.
 * </ul>
 *
 * <p>One store per fork, shared: the engine is opened through its provider and loaded with {@value
 * #RECORDS} records of 16-byte keys (8 bytes big-endian of a mixed record number, then zeros, as
 * {@code cairn bench} writes them) and 100-byte values; the bare side calls that handle, the
 * boundary side a store the runtime opens around the same handle (through a provider that lends
 * it), so both read the same data in the same shape. RocksDB gets a block cache that holds the data
 * ({@code block-cache.size=64m}); after the load it is closed and opened again, so that recovery
 * writes the records to one table file, and its compaction is waited for. The boundary's parameters
 * are {@link BoundaryBenchmark}'s.
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

  /** Settings given to the rocksdb engine. */
  static final Map<String, String> ROCKSDB = Map.of("block-cache.size", "64m");

  /** The one store of a fork, opened through the engine's provider and loaded. */
  @State(Scope.Benchmark)
  public static class Store {

    @Param({"memory", "rocksdb"})
    String engine;

    StorageEngineProvider provider;
    StorageEngine bare;
    Path dir;

    @Setup(Level.Trial)
    public void open() throws IOException {
      provider =
          ServiceLoader.load(StorageEngineProvider.class).stream()
              .map(ServiceLoader.Provider::get)
              .filter(p -> p.name().equals(engine))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("engine '" + engine + "' not on the class path"));
      EngineOptions.Builder options =
          EngineOptions.builder().defaultDurability(Durability.BUFFERED);
      if (provider.capabilities().contains(Capability.DURABLE)) {
        dir = Files.createTempDirectory("cairn-jmh-seek-");
        options.directory(dir.resolve("store")).settings(ROCKSDB);
      }
      bare = provider.open(options.build());
      load(bare);
      if (dir != null) {
        bare.close();
        bare = provider.open(options.build());
      }
      settle(bare);
    }

    @TearDown(Level.Trial)
    public void close() {
      bare.close();
      deleteTree(dir);
    }
  }

  /** The bare side's cursor and keys. */
  @State(Scope.Thread)
  public static class Bare {
    Cursor cursor;
    final Keys keys = new Keys();

    @Setup(Level.Trial)
    public void open(Store s) {
      cursor = s.bare.cursor();
    }

    @TearDown(Level.Trial)
    public void close() {
      cursor.close();
    }
  }

  /** The boundary side: the runtime's store around the same handle, its cursor and keys. */
  @State(Scope.Thread)
  public static class Through {

    @Param({"true", "false"})
    boolean openingStacks;

    @Param({"noop", "simple"})
    String meters;

    StorageEngine store;
    Cursor cursor;
    final Keys keys = new Keys();

    @Setup(Level.Trial)
    public void open(Store s) {
      StoreBuilder builder =
          EngineRegistry.of(List.of(new Lending(s.provider, s.bare)))
              .store()
              .engine(Lending.NAME)
              .openingStacks(openingStacks)
              .defaultDurability(Durability.BUFFERED);
      if (meters.equals("simple")) {
        builder.meterRegistry(new SimpleMeterRegistry());
      }
      store = builder.open();
      cursor = store.cursor();
    }

    @TearDown(Level.Trial)
    public void close() {
      cursor.close();
      store.close(); // closes the lent view only: the Store closes the engine
    }
  }

  /**
   * A provider that lends an open engine to the runtime, so that the boundary wraps the very handle
   * the bare side calls: it opens nothing, and what it returns does not close the engine. It
   * declares the engine's capabilities without {@code DURABLE}, so the runtime asks it for no
   * directory.
   */
  static final class Lending implements StorageEngineProvider {
    static final String NAME = "lent";

    private final StorageEngineProvider engine;
    private final StorageEngine handle;

    Lending(StorageEngineProvider engine, StorageEngine handle) {
      this.engine = engine;
      this.handle = handle;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String version() {
      return engine.version();
    }

    @Override
    public SpiVersion spiVersion() {
      return engine.spiVersion();
    }

    @Override
    public Set<Capability> capabilities() {
      Set<Capability> c = EnumSet.noneOf(Capability.class);
      c.addAll(engine.capabilities());
      c.remove(Capability.DURABLE);
      return c;
    }

    @Override
    public List<EngineSetting> settings() {
      return List.of();
    }

    @Override
    public StorageEngine open(EngineOptions options) {
      return new Lent(handle);
    }
  }

  /** An open engine, every call passed on, except that closing it leaves the engine open. */
  record Lent(StorageEngine engine) implements StorageEngine {
    @Override
    public Durability defaultDurability() {
      return engine.defaultDurability();
    }

    @Override
    public byte[] get(byte[] key) {
      return engine.get(key);
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      return engine.cursor(range, direction);
    }

    @Override
    public void put(byte[] key, byte[] value, Durability durability) {
      engine.put(key, value, durability);
    }

    @Override
    public void delete(byte[] key, Durability durability) {
      engine.delete(key, durability);
    }

    @Override
    public void write(WriteBatch batch, Durability durability) {
      engine.write(batch, durability);
    }

    @Override
    public Snapshot snapshot() {
      return engine.snapshot();
    }

    @Override
    public void flush() {
      engine.flush();
    }

    @Override
    public void checkpoint(Path target) {
      engine.checkpoint(target);
    }

    @Override
    public EngineStatistics statistics() {
      return engine.statistics();
    }

    @Override
    public ConsistencyReport checkConsistency() {
      return engine.checkConsistency();
    }

    @Override
    public void close() {
      // The engine is the Store's to close.
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
   * Waits up to 30 s for the compaction that RocksDB starts after recovery to finish, so that every
   * fork reads the same tree: one table file in the last level.
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
  public long bareSeek(Bare b) {
    return seekAndStep(b.cursor, b.keys.next());
  }

  @Benchmark
  public long boundarySeek(Through t) {
    return seekAndStep(t.cursor, t.keys.next());
  }

  @Benchmark
  public long bareOpenSeek(Store s, Bare b) {
    return openSeekAndStep(s.bare, b.keys.next());
  }

  @Benchmark
  public long boundaryOpenSeek(Through t) {
    return openSeekAndStep(t.store, t.keys.next());
  }

  @Benchmark
  @Group("pairedSeek")
  @GroupThreads(1)
  public long pairedSeekBare(Bare b) {
    return bareSeek(b);
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
  public long pairedOpenSeekBare(Store s, Bare b) {
    return bareOpenSeek(s, b);
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
