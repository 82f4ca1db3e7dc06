package dev.cairn.bench;

import dev.cairn.bench.store.BenchStore;
import dev.cairn.bench.store.StoreSpec;
import dev.cairn.bench.store.Target;
import dev.cairn.bench.store.Targets;
import dev.cairn.bench.trace.OperationTrace;
import dev.cairn.bench.workload.ValueSource;
import dev.cairn.spi.Durability;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Replays a recorded {@link OperationTrace} against engines, one after another, and reports the
 * figures as a {@link BenchReport} with one workload, {@value #WORKLOAD}, so that the bench's
 * table, JSON and chart show them as they show a workload's.
 *
 * <p>Method, per engine: a fresh store in a directory of the run's (deleted after); the keys that
 * existed when the trace began written first, unmeasured (those whose first operation in the trace
 * found them: a get that found it, with the length it found, a delete, a scan's start; a key first
 * put is created by the put, one first missed stays absent), then the trace once unmeasured
 * (warm-up), then {@code passes} times measured, one operation at a time on one thread, in the
 * trace's order, each timed with HdrHistogram (three significant digits). A trace records keys by
 * fingerprint: the replayed key is the fingerprint's 8 bytes padded with zeros to the recorded key
 * length, so the same key is the same key again and the distribution of keys is the trace's, but
 * their order is not (a scan starts at the same key and reads as many entries, over neighbours that
 * differ from the original's). Values are the recorded ones when the trace has them, else
 * incompressible bytes of the recorded length. Range deletes are replayed as scans of the same
 * start (the bench's stores have no range delete); the count says so.
 *
 * <p>An engine that lacks what the trace needs is not run, with the reason: one without key order
 * when the trace scans or deletes ranges, and one that is not durable when the traced store was (an
 * in-memory engine would win, and lose the data).
 *
 * <p>Not thread-safe; one replay per instance.
 */
public final class TraceReplay {

  /** The workload id of a replay in the report. */
  public static final String WORKLOAD = "trace";

  private final OperationTrace trace;
  private final int passes;
  private final Durability durability;
  private final long seed;
  private final Path directory;
  private final long cacheBytes;

  /**
   * @param passes measured passes over the trace, at least 1
   * @param durability the durability of replayed writes (the traced store's, usually)
   * @param directory where stores are created, null for a temporary directory
   * @param cacheBytes every store's cache size, or {@link BenchConfig#DEFAULT_CACHES}
   */
  public TraceReplay(
      OperationTrace trace,
      int passes,
      Durability durability,
      long seed,
      Path directory,
      long cacheBytes) {
    if (passes < 1 || passes > 1000) {
      throw new IllegalArgumentException("passes must be in [1, 1000], got " + passes);
    }
    if (trace.size() == 0) {
      throw new IllegalArgumentException("the trace holds no operation");
    }
    this.trace = trace;
    this.passes = passes;
    this.durability = durability;
    this.seed = seed;
    this.directory = directory;
    this.cacheBytes = cacheBytes;
  }

  /** The configuration the report states: the trace's size and shape as a bench run's. */
  BenchConfig config() {
    int keySize = 8;
    for (int length : trace.keyIndex().values()) {
      keySize = Math.max(keySize, length);
    }
    long records = Math.max(1, trace.distinctKeys());
    BenchConfig.Builder b =
        BenchConfig.builder()
            .workloads(List.of(Workload.YCSB_B))
            .records(records)
            .operations((long) trace.size() * passes)
            .warmupOperations(trace.size())
            .threads(1)
            .keySize(Math.min(keySize, 65_535))
            .valueSize(trace.medianValueLength(OperationTrace.PUT, 100))
            .durability(durability)
            .seed(seed);
    if (directory != null) {
      b.directory(directory);
    }
    if (cacheBytes != 0) {
      b.cacheBytes(cacheBytes);
    }
    return b.build();
  }

  /**
   * Replays the trace on the engines named, in order, or on every engine found on the module path
   * when none is named; returns what was measured.
   *
   * @throws IllegalArgumentException naming an unknown engine, and the known ones
   */
  public BenchReport run(List<String> engines, ProgressListener progress) {
    Targets all = Targets.discover();
    List<Target> chosen = new ArrayList<>();
    if (engines.isEmpty()) {
      chosen.addAll(all.engines());
    } else {
      for (String name : engines) {
        chosen.add(all.resolve(name.trim()));
      }
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("no Cairn engine found on the module path");
    }
    return replay(chosen, progress);
  }

  /** Replays the trace on every target, in order; returns what was measured. */
  BenchReport replay(List<Target> targets, ProgressListener progress) {
    long started = System.nanoTime();
    BenchConfig config = config();
    StoreSpec spec = BenchRunner.storeSpec(config);
    List<TargetInfo> infos = new ArrayList<>();
    List<RunResult> runs = new ArrayList<>();
    List<NotApplicable> notApplicable = new ArrayList<>();
    Keys keys = new Keys(trace);
    WorkDirectory work = WorkDirectory.create(config.directory());
    try {
      for (int n = 0; n < targets.size(); n++) {
        Target t = targets.get(n);
        infos.add(
            new TargetInfo(
                t.name(),
                t.kind(),
                t.version(),
                t.durability(),
                t.memory().describe(spec),
                t.settings().describe(spec)));
        progress.progress("replaying the trace on " + t.name(), n, targets.size());
        Path dir = work.root().resolve(t.name());
        try (BenchStore store = t.opener().open(dir, spec)) {
          String why = refusal(store);
          if (why != null) {
            notApplicable.add(new NotApplicable(WORKLOAD, t.name(), why));
            continue;
          }
          runs.add(replay(t, store, keys));
        }
      }
    } finally {
      work.deleteQuietly();
    }
    return new BenchReport(
        config,
        Machine.current(),
        infos,
        List.of(WORKLOAD),
        List.of(),
        runs,
        notApplicable,
        false,
        Machine.peakResidentBytes(),
        System.nanoTime() - started);
  }

  /** Why {@code store} cannot run the trace, or null. */
  private String refusal(BenchStore store) {
    if (trace.needsOrder() && !store.ordered()) {
      return NotApplicable.NO_KEY_ORDER + ": the trace scans or deletes ranges";
    }
    if (trace.durable() && !store.durable()) {
      return "not durable: the traced store was";
    }
    return null;
  }

  private RunResult replay(Target t, BenchStore store, Keys keys) {
    ValueSource values =
        new ValueSource(seed, Math.max(1, trace.medianValueLength(OperationTrace.PUT, 100)));
    SplittableRandom random = new SplittableRandom(seed);
    keys.load(store, values, random); // NB: unmeasured: BUFFERED, then one flush
    store.flush();
    run(store, keys, values, random, null);
    Histogram h = new Histogram(3);
    long found = 0;
    long t0 = System.nanoTime();
    for (int p = 0; p < passes; p++) {
      found += run(store, keys, values, random, h);
    }
    long elapsed = System.nanoTime() - t0;
    long ops = h.getTotalCount();
    return new RunResult(
        WORKLOAD,
        t.name(),
        1,
        1,
        ops,
        elapsed,
        ops * 1e9 / Math.max(1, elapsed),
        h.getMean(),
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9),
        h.getMaxValue(),
        found,
        store.diskBytes());
  }

  /** One pass over the trace; times each operation into {@code h} when given. */
  private long run(
      BenchStore store, Keys keys, ValueSource values, SplittableRandom random, Histogram h) {
    long found = 0;
    for (int i = 0; i < trace.size(); i++) {
      byte[] key = keys.key(i);
      byte kind = trace.kind(i);
      byte[] value = null;
      if (kind == OperationTrace.PUT) {
        value = trace.value(i);
        if (value == null) {
          value = values.next(random, Math.min(trace.valueLength(i), 1 << 20));
        }
      }
      long s = System.nanoTime();
      switch (kind) {
        case OperationTrace.GET -> {
          if (store.get(key) != null) {
            found++;
          }
        }
        case OperationTrace.PUT -> store.put(key, value, durability);
        case OperationTrace.DELETE -> store.delete(key, durability);
        default -> store.scan(key, Math.max(1, trace.valueLength(i)));
      }
      if (h != null) {
        h.recordValue(Math.max(1, System.nanoTime() - s));
      }
    }
    return found;
  }

  /** The replayed key of every operation: built once, shared by equal fingerprints. */
  private static final class Keys {
    private final OperationTrace trace;
    private final byte[][] byOperation;
    private final Map<Long, byte[]> distinct = new HashMap<>();

    Keys(OperationTrace trace) {
      this.trace = trace;
      this.byOperation = new byte[trace.size()][];
      for (int i = 0; i < trace.size(); i++) {
        long fp = trace.fingerprint(i);
        int length = trace.keyLength(i);
        boolean fromStart =
            (trace.kind(i) == OperationTrace.SCAN || trace.kind(i) == OperationTrace.DELETE_RANGE)
                && length == 0;
        byOperation[i] =
            fromStart
                ? new byte[0]
                : distinct.computeIfAbsent(
                    fp, f -> ByteBuffer.allocate(Math.max(8, length)).putLong(f).array());
      }
    }

    byte[] key(int i) {
      return byOperation[i];
    }

    /**
     * Writes the keys that existed when the trace began, as far as it tells: those whose first
     * operation found them (a get that found it, a delete, a scan's start), each with the length
     * the get found, else the median. A key first put is created by the put, and one first missed
     * stays absent.
     */
    void load(BenchStore store, ValueSource values, SplittableRandom random) {
      Map<Long, Integer> existing = new HashMap<>();
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < trace.size(); i++) {
        byte kind = trace.kind(i);
        if (byOperation[i].length == 0 || kind == OperationTrace.DELETE_RANGE) {
          continue;
        }
        long fp = trace.fingerprint(i);
        if (!seen.add(fp)) {
          continue;
        }
        if (kind == OperationTrace.GET && trace.found(i)) {
          existing.put(fp, Math.max(0, trace.valueLength(i)));
        } else if (kind == OperationTrace.DELETE || kind == OperationTrace.SCAN) {
          existing.put(fp, values.valueSize());
        }
      }
      for (Map.Entry<Long, Integer> e : existing.entrySet()) {
        byte[] value = values.next(random, Math.min(e.getValue(), 1 << 20));
        store.put(distinct.get(e.getKey()), value, Durability.BUFFERED);
      }
    }
  }
}
