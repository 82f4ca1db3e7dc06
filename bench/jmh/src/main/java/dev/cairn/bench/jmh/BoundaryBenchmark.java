package dev.cairn.bench.jmh;

import dev.cairn.runtime.Cairn;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What the runtime's boundary costs a call: the same operations on the in-memory engine {@code
 * memory}, once on the engine's own handle ({@code direct*}) and once through the store the runtime
 * opens ({@code boundary*}: checks, Micrometer timers, and for snapshots and cursors the leak
 * tracking), in the same run.
 *
 * <ul>
 *   <li>{@code get}: a get of a present key (one of {@value #ENTRIES}, in turn).
 *   <li>{@code put}: a {@code BUFFERED} put over a present key, so the store stays at {@value
 *       #ENTRIES} entries.
 *   <li>{@code scan}: open a snapshot, a cursor on it over all {@value #ENTRIES} entries (key and
 *       value of each), close both.
 *   <li>{@code open}: open a snapshot and a cursor on it, close both: {@code scan} without the
 *       entries, so that what opening costs (the opening stacks among it) stands alone.
 * </ul>
 *
 * <p>The boundary's parameters: {@code openingStacks}, whether each snapshot and cursor records
 * where it was opened ({@code StoreBuilder.openingStacks}); {@code meters}, {@code noop} for the
 * builder's default registry ({@code Metrics.globalRegistry}, to which nothing is added here, so
 * its timers do nothing) or {@code simple} for a {@link SimpleMeterRegistry} that records them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BoundaryBenchmark {

  static final int ENTRIES = 100;

  /** The engine's own handle, opened through its provider as the runtime would. */
  StorageEngine direct;

  Entries entries;

  /** The store as a user opens it, through the runtime. */
  @State(Scope.Thread)
  public static class Through {

    @Param({"true", "false"})
    boolean openingStacks;

    @Param({"noop", "simple"})
    String meters;

    StorageEngine store;
    Entries entries;

    @Setup(Level.Trial)
    public void open() {
      var builder = Cairn.inMemory("memory").openingStacks(openingStacks);
      if (meters.equals("simple")) {
        builder.meterRegistry(new SimpleMeterRegistry());
      }
      store = builder.open();
      entries = Entries.load(store);
    }

    @TearDown(Level.Trial)
    public void close() {
      store.close();
    }
  }

  /** {@value #ENTRIES} keys of 16 bytes and values of 100, and whose turn it is. */
  static final class Entries {
    final byte[][] keys = new byte[ENTRIES][];
    final byte[] value = new byte[100];
    int next;

    static Entries load(StorageEngine store) {
      Entries e = new Entries();
      new SplittableRandom(3).nextBytes(e.value);
      for (int i = 0; i < ENTRIES; i++) {
        e.keys[i] =
            ByteBuffer.allocate(16).putLong(0x6b6579L).putLong(i * 0x9E3779B97F4A7C15L).array();
        store.put(e.keys[i], e.value, Durability.BUFFERED);
      }
      return e;
    }

    byte[] nextKey() {
      byte[] k = keys[next];
      next = next == ENTRIES - 1 ? 0 : next + 1;
      return k;
    }
  }

  @Setup(Level.Trial)
  public void openDirect() {
    StorageEngineProvider memory =
        ServiceLoader.load(StorageEngineProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("memory"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("engine 'memory' not on the class path"));
    direct = memory.open(EngineOptions.builder().build());
    entries = Entries.load(direct);
  }

  @TearDown(Level.Trial)
  public void closeDirect() {
    direct.close();
  }

  private static long scan(StorageEngine store) {
    long bytes = 0;
    try (Snapshot s = store.snapshot();
        Cursor c = s.cursor()) {
      while (c.next()) {
        bytes += c.key().length + c.value().length;
      }
    }
    if (bytes != ENTRIES * (16L + 100)) {
      throw new IllegalStateException("scanned " + bytes + " bytes");
    }
    return bytes;
  }

  private static boolean open(StorageEngine store) {
    try (Snapshot s = store.snapshot();
        Cursor c = s.cursor()) {
      return c == null;
    }
  }

  @Benchmark
  public byte[] directGet() {
    return direct.get(entries.nextKey());
  }

  @Benchmark
  public byte[] boundaryGet(Through t) {
    return t.store.get(t.entries.nextKey());
  }

  @Benchmark
  public void directPut() {
    direct.put(entries.nextKey(), entries.value, Durability.BUFFERED);
  }

  @Benchmark
  public void boundaryPut(Through t) {
    t.store.put(t.entries.nextKey(), t.entries.value, Durability.BUFFERED);
  }

  @Benchmark
  public long directScan() {
    return scan(direct);
  }

  @Benchmark
  public long boundaryScan(Through t) {
    return scan(t.store);
  }

  @Benchmark
  public boolean directOpen() {
    return open(direct);
  }

  @Benchmark
  public boolean boundaryOpen(Through t) {
    return open(t.store);
  }
}
