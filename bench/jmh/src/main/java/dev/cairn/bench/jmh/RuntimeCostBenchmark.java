package dev.cairn.bench.jmh;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.StoreBuilder;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * What the runtime adds to an operation with request contexts, meters, events and tracing on,
 * beside the bare engine, for the engines {@code memory} and {@code hash}.
 *
 * <p>Operations, on a store loaded with {@value #RECORDS} records of 16-byte keys and 100-byte
 * values (the keys and their order are {@link SeekBenchmark}'s):
 *
 * <ul>
 *   <li>{@code get}: a get of a present key;
 *   <li>{@code put}: a {@code BUFFERED} put over a present key;
 *   <li>{@code batch}: a {@code BUFFERED} write of a batch of {@value #BATCH} puts over present
 *       keys (the batches built once and reused, as a caller may);
 *   <li>{@code cursor}: on an engine that orders its keys ({@code memory}), a seek of a cursor kept
 *       open to a present key and one {@code next()}, reading the entry's key and value through
 *       their views; on one that cannot seek ({@code hash}: no {@code ORDERED_SCANS}), opening a
 *       cursor, one {@code next()} reading the same, and closing it.
 * </ul>
 *
 * <p>The {@code variant}:
 *
 * <ul>
 *   <li>{@code bare}: the engine opened through its provider, called directly;
 *   <li>{@code runtime}: the store {@link Cairn} opens with the builder's defaults (meters in
 *       Micrometer's global registry, which has no registry added here, so its timers do nothing;
 *       opening stacks on; a generated {@link RequestContext} bound around each write whose caller
 *       bound none; the deadline checked);
 *   <li>{@code context}: as {@code runtime}, each operation inside a caller's {@link
 *       RequestContext} with a deadline an hour away, bound with {@link RequestContext#call} (the
 *       context built once: binding and checking it is measured, not building it);
 *   <li>{@code meters}: as {@code runtime}, with the store's meters in a {@link
 *       SimpleMeterRegistry} that records them, a store name, and an event listener that counts
 *       events given every event (threshold zero);
 *   <li>{@code tracing}: as {@code meters}, with {@link StoreBuilder#tracing(boolean)
 *       tracing(true)} and an OpenTelemetry SDK registered as the global one that samples every
 *       span and exports it, synchronously, to an exporter that drops it: the span's whole cost on
 *       the caller's thread, without an exporter's I/O.
 * </ul>
 *
 * <p>Each benchmark runs alone ({@code get}, {@code put}, {@code batch}, {@code cursor}: the
 * variant's time, and with {@code -prof gc} its allocation per operation), or paired ({@code
 * paired*}: the bare engine and the variant at the same time, one thread and one store each, so
 * that whatever else runs on the machine slows both alike; with {@code variant=bare} both sides are
 * bare, which shows what the pairing itself leaves between two equal sides).
 *
 * <p>One store per side and fork. The hash engine's store is in a temporary directory, deleted
 * after the trial, with {@code merge.interval=1h} on both sides, so that no merge runs in the
 * background of the measurement (the log grows by every put; files still roll).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RuntimeCostBenchmark {

  static final int RECORDS = 10_000;
  static final int BATCH = 4;
  static final int VALUE_SIZE = 100;

  /** Settings given to the hash engine, bare or through the runtime. */
  static final Map<String, String> HASH = Map.of("merge.interval", "1h");

  /** The parameters, shared by the threads of a paired run. */
  @State(Scope.Benchmark)
  public static class Config {
    @Param({"memory", "hash"})
    String engine;

    @Param({"bare", "runtime", "context", "meters", "tracing"})
    String variant;
  }

  /** One store, its keys and batches, and how it was opened. */
  abstract static class Side {
    StorageEngine store;
    Path dir;
    boolean seeks;
    Cursor kept;
    RequestContext context;
    final LongAdder events = new LongAdder();
    SdkTracerProvider tracerProvider;
    final Dropping exporter = new Dropping();

    final byte[] value = new byte[VALUE_SIZE];
    final byte[][] keys = new byte[1 << 14][];
    WriteBatch[] batches;
    int next;
    int nextBatch;
    String variant;

    void open(String engine, String variant) throws IOException {
      this.variant = variant;
      StorageEngineProvider provider =
          ServiceLoader.load(StorageEngineProvider.class).stream()
              .map(ServiceLoader.Provider::get)
              .filter(p -> p.name().equals(engine))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("engine '" + engine + "' not on the class path"));
      boolean durable = provider.capabilities().contains(Capability.DURABLE);
      seeks = provider.capabilities().contains(Capability.ORDERED_SCANS);
      Path storeDir = null;
      if (durable) {
        dir = Files.createTempDirectory("cairn-jmh-cost-");
        storeDir = dir.resolve("store");
      }
      Map<String, String> settings = engine.equals("hash") ? HASH : Map.of();
      if (variant.equals("bare")) {
        EngineOptions.Builder options = EngineOptions.builder().settings(settings);
        if (storeDir != null) {
          options.directory(storeDir);
        }
        store = provider.open(options.build());
      } else {
        StoreBuilder builder =
            storeDir == null ? Cairn.inMemory(engine) : Cairn.store(storeDir).engine(engine);
        builder.settings(settings);
        switch (variant) {
          case "runtime" -> {}
          case "context" ->
              context = RequestContext.of("jmh-request").withTimeout(Duration.ofHours(1));
          case "meters", "tracing" -> {
            EngineEventListener counting = e -> events.increment();
            builder
                .meterRegistry(new SimpleMeterRegistry())
                .storeName("jmh")
                .eventListener(counting)
                .eventThreshold(Duration.ZERO);
            if (variant.equals("tracing")) {
              tracerProvider =
                  SdkTracerProvider.builder()
                      .setSampler(Sampler.alwaysOn())
                      .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                      .build();
              OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).buildAndRegisterGlobal();
              builder.tracing(true);
            }
          }
          default -> throw new IllegalArgumentException("unknown variant '" + variant + "'");
        }
        store = builder.open();
      }
      load();
    }

    private void load() {
      new SplittableRandom(7).nextBytes(value);
      WriteBatch load = new WriteBatch();
      for (int i = 0; i < RECORDS; i++) {
        load.put(SeekBenchmark.key(i), value);
        if (load.size() == 1_000) {
          store.write(load, Durability.BUFFERED);
          load = new WriteBatch();
        }
      }
      SplittableRandom order = new SplittableRandom(42);
      for (int i = 0; i < keys.length; i++) {
        keys[i] = SeekBenchmark.key(order.nextInt(RECORDS));
      }
      batches = new WriteBatch[64];
      for (int i = 0; i < batches.length; i++) {
        batches[i] = new WriteBatch();
        for (int j = 0; j < BATCH; j++) {
          batches[i].put(SeekBenchmark.key(order.nextInt(RECORDS)), value);
        }
      }
    }

    void close() {
      if (kept != null) {
        kept.close();
      }
      store.close();
      if (tracerProvider != null) {
        tracerProvider.close();
      }
      SeekBenchmark.deleteTree(dir);
      if (variant.equals("meters") || variant.equals("tracing")) {
        System.out.println("engine events heard: " + events.sum());
      }
      if (tracerProvider != null) {
        System.out.println("spans exported: " + exporter.spans.sum());
      }
    }

    private byte[] nextKey() {
      byte[] k = keys[next];
      next = (next + 1) & (keys.length - 1);
      return k;
    }

    private WriteBatch nextBatch() {
      WriteBatch b = batches[nextBatch];
      nextBatch = (nextBatch + 1) & (batches.length - 1);
      return b;
    }

    private byte[] doGet(byte[] key) {
      byte[] v = store.get(key);
      if (v == null) {
        throw new IllegalStateException("a loaded key is missing");
      }
      return v;
    }

    private long doCursor(byte[] key) {
      if (seeks) {
        // NB: opened by the first call, not at setup: an open cursor holds a snapshot, which an
        // engine may pay for on every write, so only the cursor benchmark has one.
        if (kept == null) {
          kept = store.cursor();
        }
        kept.seek(key);
        return step(kept);
      }
      try (Cursor c = store.cursor()) {
        return step(c);
      }
    }

    private static long step(Cursor c) {
      if (!c.next()) {
        throw new IllegalStateException("cursor found no entry");
      }
      return c.keyView().size() + c.valueView().size();
    }

    byte[] get() {
      byte[] key = nextKey();
      return context == null ? doGet(key) : context.call(() -> doGet(key));
    }

    void put() {
      byte[] key = nextKey();
      if (context == null) {
        store.put(key, value, Durability.BUFFERED);
      } else {
        context.run(() -> store.put(key, value, Durability.BUFFERED));
      }
    }

    void batch() {
      WriteBatch b = nextBatch();
      if (context == null) {
        store.write(b, Durability.BUFFERED);
      } else {
        context.run(() -> store.write(b, Durability.BUFFERED));
      }
    }

    long cursor() {
      byte[] key = nextKey();
      return context == null ? doCursor(key) : context.call(() -> doCursor(key));
    }
  }

  /** The store opened as {@code variant} says ({@code bare} included). */
  @State(Scope.Thread)
  public static class Through extends Side {
    @Setup(Level.Trial)
    public void setUp(Config c) throws IOException {
      open(c.engine, c.variant);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** The bare engine, the peer of a paired run. */
  @State(Scope.Thread)
  public static class Bare extends Side {
    @Setup(Level.Trial)
    public void setUp(Config c) throws IOException {
      open(c.engine, "bare");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** Drops every span it is given: the SDK's work is measured, not an exporter's. */
  static final class Dropping implements SpanExporter {
    final LongAdder spans = new LongAdder();

    @Override
    public CompletableResultCode export(Collection<SpanData> exported) {
      spans.add(exported.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  // One thread, the variant alone: its time and (-prof gc) its allocation per operation.

  @Benchmark
  public byte[] get(Through t) {
    return t.get();
  }

  @Benchmark
  public void put(Through t) {
    t.put();
  }

  @Benchmark
  public void batch(Through t) {
    t.batch();
  }

  @Benchmark
  public long cursor(Through t) {
    return t.cursor();
  }

  // Paired: the bare engine and the variant at the same time, one thread each, so that the load of
  // a shared machine slows both alike; read the ratio of the two, iteration by iteration.

  @Benchmark
  @Group("pairedGet")
  @GroupThreads(1)
  public byte[] pairedGetBare(Bare b) {
    return b.get();
  }

  @Benchmark
  @Group("pairedGet")
  @GroupThreads(1)
  public byte[] pairedGetThrough(Through t) {
    return t.get();
  }

  @Benchmark
  @Group("pairedPut")
  @GroupThreads(1)
  public void pairedPutBare(Bare b) {
    b.put();
  }

  @Benchmark
  @Group("pairedPut")
  @GroupThreads(1)
  public void pairedPutThrough(Through t) {
    t.put();
  }

  @Benchmark
  @Group("pairedBatch")
  @GroupThreads(1)
  public void pairedBatchBare(Bare b) {
    b.batch();
  }

  @Benchmark
  @Group("pairedBatch")
  @GroupThreads(1)
  public void pairedBatchThrough(Through t) {
    t.batch();
  }

  @Benchmark
  @Group("pairedCursor")
  @GroupThreads(1)
  public long pairedCursorBare(Bare b) {
    return b.cursor();
  }

  @Benchmark
  @Group("pairedCursor")
  @GroupThreads(1)
  public long pairedCursorThrough(Through t) {
    return t.cursor();
  }
}
