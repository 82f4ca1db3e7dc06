package dev.cairn.bench;

import dev.cairn.bench.store.StoreSpec;
import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a benchmark run measures. Immutable; build with {@link #builder()}.
 *
 * @param targets engine and peer names, in the order given; empty for every Cairn engine found
 * @param workloads the workloads to run (run in {@link Workload} order, see there)
 * @param records records loaded for {@link Workload.Kind#LOADED} workloads and written by fills
 * @param operations measured operations per loaded workload
 * @param threads client threads for every workload but the syncput ones
 * @param keySize bytes per key (at least 8)
 * @param valueSize bytes per value
 * @param durability durability of writes outside the syncput workloads
 * @param seed the seed every random choice derives from
 * @param warmupOperations unmeasured operations run before each loaded workload
 * @param syncOperations operations of each syncput workload (fsyncs are slow)
 * @param syncWriters writer threads of syncput-concurrent
 * @param directory where stores are created; null for a temporary directory deleted afterwards
 * @param cacheBytes the size of every store's own cache (RocksDB's block cache, MVStore's page
 *     cache), the same for all so that comparisons give each the same memory; {@link
 *     #DEFAULT_CACHES} leaves each at its own default. The builder's default is {@link
 *     #dataSetCacheBytes}: a cache that holds the data the run may write, as the stores that map
 *     their files (the hash engine, LMDB, Chronicle Map) have all of it in memory
 * @param repeat rounds of the whole run, each on fresh stores, targets interleaved in every round;
 *     each figure is then reported as the median and the min–max over the rounds
 * @param settings engine settings by name ({@code --setting}), each given to every engine of the
 *     run that declares it, so that engines compare under the same configuration (compression)
 * @param timeline true to record latency over time (per second) for every workload; the workloads
 *     about tails ({@link Workload#tails()}) always record it
 * @param readRate reads per second, over all reader threads, of readwhilebursting
 * @param burstMillis how long each write burst of readwhilebursting lasts
 * @param burstEveryMillis how often a burst starts: every this many milliseconds, the first one
 *     {@code burstEveryMillis - burstMillis} after the start (so the run begins quiet)
 */
public record BenchConfig(
    List<String> targets,
    List<Workload> workloads,
    long records,
    long operations,
    int threads,
    int keySize,
    int valueSize,
    Durability durability,
    long seed,
    long warmupOperations,
    long syncOperations,
    int syncWriters,
    Path directory,
    long cacheBytes,
    int repeat,
    Map<String, String> settings,
    boolean timeline,
    long readRate,
    long burstMillis,
    long burstEveryMillis) {

  /**
   * @throws IllegalArgumentException naming the first value out of range
   */
  public BenchConfig {
    targets = List.copyOf(targets);
    workloads = List.copyOf(workloads);
    settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    if (workloads.isEmpty()) {
      throw new IllegalArgumentException("no workload chosen");
    }
    positive("records", records);
    positive("ops", operations);
    positive("threads", threads);
    if (threads > 1024) {
      throw new IllegalArgumentException("threads must be at most 1024, got " + threads);
    }
    if (keySize < 8 || keySize > 65_535) {
      throw new IllegalArgumentException("key size must be in [8, 65535], got " + keySize);
    }
    if (valueSize < 0 || valueSize > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("value size must be in [0, 16 MiB], got " + valueSize);
    }
    if (durability == null) {
      throw new IllegalArgumentException("durability is required");
    }
    if (warmupOperations < 0) {
      throw new IllegalArgumentException("warm-up must be >= 0, got " + warmupOperations);
    }
    positive("sync ops", syncOperations);
    positive("sync writers", syncWriters);
    if (cacheBytes != DEFAULT_CACHES && cacheBytes < MIN_CACHE_BYTES) {
      throw new IllegalArgumentException("cache size must be at least 1 MiB, got " + cacheBytes);
    }
    positive("read rate", readRate);
    if (readRate > 10_000_000) {
      throw new IllegalArgumentException("read rate must be at most 10,000,000/s, got " + readRate);
    }
    positive("burst length", burstMillis);
    if (burstEveryMillis <= burstMillis) {
      throw new IllegalArgumentException(
          "bursts must start further apart ("
              + burstEveryMillis
              + " ms) than they last ("
              + burstMillis
              + " ms)");
    }
    positive("repeat", repeat);
    if (repeat > MAX_REPEAT) {
      throw new IllegalArgumentException(
          "repeat must be at most " + MAX_REPEAT + ", got " + repeat);
    }
  }

  /** The most rounds a run accepts. */
  public static final int MAX_REPEAT = 1000;

  /** {@link #cacheBytes} that leaves every store's cache at the store's own default. */
  public static final long DEFAULT_CACHES = StoreSpec.DEFAULT_CACHE;

  /** The smallest cache size a run accepts. */
  public static final long MIN_CACHE_BYTES = 1L << 20;

  /**
   * The default cache size: the logical bytes of the most records a run may hold at once (the
   * loaded records, every insert and every fill: records + operations + warm-up, each key and
   * value), and a quarter more for what stores keep beside each entry (RocksDB's blocks add a
   * sequence number, lengths and restart points), rounded up to a whole MiB, at least 8 MiB.
   */
  public static long dataSetCacheBytes(
      long records, long operations, long warmupOperations, int keySize, int valueSize) {
    try {
      long most = Math.addExact(Math.addExact(records, operations), warmupOperations);
      long logical = Math.multiplyExact(most, (long) keySize + valueSize);
      long wanted = Math.addExact(logical, logical / 4);
      long mib = 1L << 20;
      return Math.max(8 * mib, Math.addExact(wanted, mib - 1) / mib * mib);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "records + ops + warm-up of "
              + keySize
              + " + "
              + valueSize
              + " bytes do not fit a long: "
              + records
              + " records, "
              + operations
              + " ops",
          e);
    }
  }

  private static void positive(String what, long v) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be >= 1, got " + v);
    }
  }

  /**
   * The workloads in the order they run: {@link Workload}'s order (read-only first, then updates,
   * inserts, and deletes last), each once.
   */
  public List<Workload> runOrder() {
    return workloads.stream().distinct().sorted().toList();
  }

  /** Logical bytes of the loaded records: records × (key size + value size). */
  public long logicalBytes() {
    return records * (keySize + (long) valueSize);
  }

  /** A builder with the quick defaults of {@code cairn bench}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BenchConfig}; not thread-safe. */
  public static final class Builder {
    private List<String> targets = List.of();
    private List<Workload> workloads = List.of(Workload.values());
    private long records = 50_000;
    private long operations = 50_000;
    private int threads = 1;
    private int keySize = 16;
    private int valueSize = 100;
    private Durability durability = Durability.BUFFERED;
    private long seed = 42;
    private long warmupOperations = -1;
    private long syncOperations = 500;
    private int syncWriters = 8;
    private Path directory;
    private Long cacheBytes;
    private int repeat = 1;
    private final Map<String, String> settings = new TreeMap<>();
    private boolean timeline;
    private long readRate = 5_000;
    private long burstMillis = 1_000;
    private long burstEveryMillis = 4_000;

    private Builder() {}

    /** Records latency over time for every workload; default off (on for the tail workloads). */
    public Builder timeline(boolean v) {
      timeline = v;
      return this;
    }

    /** Reads per second of readwhilebursting, over all its readers; default 5,000. */
    public Builder readRate(long v) {
      readRate = v;
      return this;
    }

    /**
     * Write bursts of readwhilebursting: each lasts {@code millis} and one starts every {@code
     * everyMillis}; default 1 s every 4 s.
     */
    public Builder bursts(long millis, long everyMillis) {
      burstMillis = millis;
      burstEveryMillis = everyMillis;
      return this;
    }

    /** Gives every engine of the run that declares setting {@code name} the value {@code value}. */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    /** Engine and peer names; empty for every engine found. */
    public Builder targets(List<String> v) {
      targets = v;
      return this;
    }

    /** The workloads. */
    public Builder workloads(List<Workload> v) {
      workloads = v;
      return this;
    }

    /** Records loaded and filled; default 50,000. */
    public Builder records(long v) {
      records = v;
      return this;
    }

    /** Measured operations per loaded workload; default 50,000. */
    public Builder operations(long v) {
      operations = v;
      return this;
    }

    /** Client threads; default 1. */
    public Builder threads(int v) {
      threads = v;
      return this;
    }

    /** Key size in bytes; default 16. */
    public Builder keySize(int v) {
      keySize = v;
      return this;
    }

    /** Value size in bytes; default 100. */
    public Builder valueSize(int v) {
      valueSize = v;
      return this;
    }

    /** Durability of ordinary writes; default BUFFERED (db_bench's default, no sync). */
    public Builder durability(Durability v) {
      durability = v;
      return this;
    }

    /** The seed; default 42. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Unmeasured warm-up operations per loaded workload; default a tenth of the operations. */
    public Builder warmupOperations(long v) {
      warmupOperations = v;
      return this;
    }

    /** Operations of each syncput workload; default 500. */
    public Builder syncOperations(long v) {
      syncOperations = v;
      return this;
    }

    /** Writers of syncput-concurrent; default 8. */
    public Builder syncWriters(int v) {
      syncWriters = v;
      return this;
    }

    /** Where stores go; default a temporary directory. */
    public Builder directory(Path v) {
      directory = v;
      return this;
    }

    /**
     * The size of every store's own cache, bytes (at least {@link #MIN_CACHE_BYTES}), or {@link
     * #DEFAULT_CACHES} for each store's own default; default {@link #dataSetCacheBytes}.
     */
    public Builder cacheBytes(long v) {
      cacheBytes = v;
      return this;
    }

    /** Rounds of the whole run, each on fresh stores; default 1. */
    public Builder repeat(int v) {
      repeat = v;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException naming the first value out of range
     */
    public BenchConfig build() {
      long warmup = warmupOperations < 0 ? operations / 10 : warmupOperations;
      long cache =
          cacheBytes != null
              ? cacheBytes
              : dataSetCacheBytes(
                  Math.max(0, records),
                  Math.max(0, operations),
                  Math.max(0, warmup),
                  Math.max(0, keySize),
                  Math.max(0, valueSize));
      return new BenchConfig(
          targets,
          workloads,
          records,
          operations,
          threads,
          keySize,
          valueSize,
          durability,
          seed,
          warmup,
          syncOperations,
          syncWriters,
          directory,
          cache,
          repeat,
          settings,
          timeline,
          readRate,
          burstMillis,
          burstEveryMillis);
    }
  }
}
