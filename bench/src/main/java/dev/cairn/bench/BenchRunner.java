package dev.cairn.bench;

import dev.cairn.bench.store.BenchStore;
import dev.cairn.bench.store.StoreSpec;
import dev.cairn.bench.store.Target;
import dev.cairn.bench.store.Targets;
import dev.cairn.bench.workload.KeySpace;
import dev.cairn.bench.workload.ValueSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Runs chosen workloads over chosen engines and peers, and returns every figure.
 *
 * <p>Method: the store for {@link Workload.Kind#LOADED} workloads is loaded once per target, all
 * targets' stores are open together, and each workload runs on every target before the next
 * workload starts, the order of targets rotating from one workload to the next, so that drift of
 * the machine (page cache, thermal state, other load) hits all targets alike. Loaded workloads get
 * an unmeasured warm-up first. Fresh workloads get an empty store of their own, deleted after.
 * Engines are measured through their SPI handles directly, below the runtime's boundary, so the
 * figures compare engines, not the boundary's metering.
 *
 * <p>Not thread-safe: one run at a time per runner. {@link #run} blocks; stores live in a temporary
 * directory (or below the configured one) and are deleted when it returns.
 */
public final class BenchRunner {

  private final BenchConfig config;
  private final Targets targets;

  /**
   * A runner over the engines found on the module path and the bench-only peers.
   *
   * @throws IllegalArgumentException if a configured target is unknown, naming the known ones
   */
  public BenchRunner(BenchConfig config) {
    this(config, Targets.discover());
  }

  BenchRunner(BenchConfig config, Targets targets) {
    this.config = config;
    this.targets = targets;
    chosen(); // fail early on unknown names
  }

  /** The engines found on the module path, and the peers, as they would be reported. */
  public static List<TargetInfo> available() {
    Targets t = Targets.discover();
    StoreSpec spec = storeSpec(BenchConfig.builder().build());
    List<TargetInfo> out = new ArrayList<>();
    Stream.concat(t.engines().stream(), t.peers().stream()).forEach(x -> out.add(info(x, spec)));
    return out;
  }

  private static TargetInfo info(Target t, StoreSpec spec) {
    return new TargetInfo(
        t.name(), t.kind(), t.version(), t.durability(), t.memory().describe(spec));
  }

  private List<Target> chosen() {
    List<Target> out = new ArrayList<>();
    if (config.targets().isEmpty()) {
      out.addAll(targets.engines());
      if (out.isEmpty()) {
        throw new IllegalArgumentException(
            "no Cairn engine found on the module path; name peers with --engines");
      }
    } else {
      for (String name : config.targets()) {
        Target t = targets.resolve(name);
        if (!out.contains(t)) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /**
   * Runs the benchmark.
   *
   * @param listener told of progress on this thread, a few times a second
   * @return every figure measured
   * @throws IllegalStateException if a store fails during the run (the message names target and
   *     workload); stores opened so far are closed and deleted
   * @throws UncheckedIOException if the working directory cannot be created or removed
   */
  public BenchReport run(ProgressListener listener) {
    long started = System.nanoTime();
    List<Target> chosen = chosen();
    List<Workload> workloads =
        config.workloads().stream().distinct().sorted(Comparator.naturalOrder()).toList();
    boolean needsLoad = workloads.stream().anyMatch(w -> w.kind() == Workload.Kind.LOADED);
    long total = totalUnits(chosen, workloads, needsLoad);
    LongAdder done = new LongAdder();
    String[] phase = {"starting"};
    Runnable tick = () -> listener.progress(phase[0], done.sum(), total);

    Path root = workRoot();
    KeySpace keys = new KeySpace(config.keySize());
    ValueSource values = new ValueSource(config.seed(), config.valueSize());
    Map<Target, BenchStore> loaded = new LinkedHashMap<>();
    Map<Target, WorkloadDriver.Context> contexts = new LinkedHashMap<>();
    List<LoadResult> loads = new ArrayList<>();
    List<RunResult> runs = new ArrayList<>();
    try {
      if (needsLoad) {
        for (Target t : chosen) {
          phase[0] = "load " + config.records() + " records into " + t.name();
          WorkloadDriver.Context ctx = context(keys, values);
          BenchStore store = open(t, root.resolve(t.name()).resolve("loaded"));
          loaded.put(t, store);
          contexts.put(t, ctx);
          loads.add(load(t, store, ctx, done, tick));
        }
      }
      for (int i = 0; i < workloads.size(); i++) {
        Workload w = workloads.get(i);
        for (int j = 0; j < chosen.size(); j++) {
          Target t = chosen.get((i + j) % chosen.size());
          phase[0] = w.id() + " on " + t.name();
          tick.run();
          BenchStore store = loaded.get(t);
          if (w.scans() && store != null && !store.ordered()) {
            // An unordered store (a hash map) cannot scan: no figure, said beside its durability.
            done.add(
                WorkloadDriver.operations(w, config)
                    + (w == Workload.DELETERANDOM ? 0 : config.warmupOperations()));
            continue;
          }
          runs.add(runOne(w, t, root, loaded, contexts, keys, values, done, tick));
        }
      }
      for (int i = 0; i < loads.size(); i++) {
        LoadResult l = loads.get(i);
        Target t = targets.resolve(l.target());
        l = l.withEndMemory(loaded.get(t).memoryBytes());
        loads.set(i, l);
        if (loaded.get(t).durable()) {
          phase[0] = "reopen " + t.name();
          tick.run();
          loads.set(i, reopen(t, l, loaded, root.resolve(t.name()).resolve("loaded")));
        }
      }
    } finally {
      loaded.values().forEach(BenchStore::close);
      deleteTree(root);
    }
    listener.progress("done", total, total);
    StoreSpec spec = storeSpec(config);
    List<TargetInfo> infos = chosen.stream().map(t -> info(t, spec)).toList();
    return new BenchReport(
        config,
        Machine.current(),
        infos,
        loads,
        runs,
        Machine.peakResidentBytes(),
        System.nanoTime() - started);
  }

  private WorkloadDriver.Context context(KeySpace keys, ValueSource values) {
    return new WorkloadDriver.Context(
        keys,
        values,
        config.records(),
        new AtomicLong(config.records()),
        new AtomicLong(config.records()),
        config.durability(),
        config.seed());
  }

  private long totalUnits(List<Target> chosen, List<Workload> workloads, boolean needsLoad) {
    long perTarget = needsLoad ? config.records() : 0;
    for (Workload w : workloads) {
      perTarget += WorkloadDriver.operations(w, config);
      if (w.kind() == Workload.Kind.LOADED && w != Workload.DELETERANDOM) {
        perTarget += config.warmupOperations();
      }
    }
    return perTarget * chosen.size();
  }

  private LoadResult load(
      Target t, BenchStore store, WorkloadDriver.Context ctx, LongAdder done, Runnable tick) {
    try {
      long s = System.nanoTime();
      WorkloadDriver.load(store, ctx, config.threads(), done, tick);
      store.flush();
      long nanos = System.nanoTime() - s;
      long disk = store.diskBytes();
      double amp = disk > 0 ? (double) disk / config.logicalBytes() : Double.NaN;
      return new LoadResult(
          t.name(),
          config.records(),
          nanos,
          config.records() * 1e9 / Math.max(1, nanos),
          disk,
          amp,
          store.memoryBytes(),
          store.indexBytesPerKey(),
          -1,
          -1,
          -1);
    } catch (RuntimeException e) {
      throw new IllegalStateException("loading " + t.name() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Closes the loaded store of {@code t} and times opening it again; the reopened store replaces
   * the closed one in {@code loaded}, to be closed with the others.
   */
  private LoadResult reopen(Target t, LoadResult l, Map<Target, BenchStore> loaded, Path dir) {
    try {
      loaded.remove(t).close();
      long s = System.nanoTime();
      BenchStore store = t.opener().open(dir, storeSpec(config));
      long nanos = System.nanoTime() - s;
      loaded.put(t, store);
      return l.withReopen(nanos, store.approximateKeys());
    } catch (RuntimeException e) {
      throw new IllegalStateException("reopening " + t.name() + " failed: " + e.getMessage(), e);
    }
  }

  private RunResult runOne(
      Workload w,
      Target t,
      Path root,
      Map<Target, BenchStore> loaded,
      Map<Target, WorkloadDriver.Context> contexts,
      KeySpace keys,
      ValueSource values,
      LongAdder done,
      Runnable tick) {
    int threads = WorkloadDriver.threads(w, config);
    long ops = WorkloadDriver.operations(w, config);
    try {
      if (w.kind() == Workload.Kind.LOADED) {
        BenchStore store = loaded.get(t);
        WorkloadDriver.Context ctx = contexts.get(t);
        if (w != Workload.DELETERANDOM && config.warmupOperations() > 0) {
          WorkloadDriver.run(w, store, ctx, threads, config.warmupOperations(), 0x3A73, done, tick);
        }
        WorkloadDriver.Measurement m =
            WorkloadDriver.run(w, store, ctx, threads, ops, 0, done, tick);
        return result(w, t, threads, m, -1);
      }
      Path dir = root.resolve(t.name()).resolve(w.id());
      BenchStore store = open(t, dir);
      try {
        WorkloadDriver.Measurement m =
            WorkloadDriver.run(w, store, context(keys, values), threads, ops, 0, done, tick);
        store.flush();
        long disk = store.diskBytes();
        return result(w, t, threads, m, disk);
      } finally {
        store.close();
        deleteTree(dir);
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException(w.id() + " on " + t.name() + " failed: " + e.getMessage(), e);
    }
  }

  private BenchStore open(Target t, Path dir) {
    try {
      Files.createDirectories(dir.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return t.opener().open(dir, storeSpec(config));
  }

  /**
   * The spec every store of a run is opened with. Records held at once are at most the loaded ones
   * plus every insert (ycsb-d and ycsb-e insert a share of their operations and warm-up) or the
   * fills' records: bounded by records + ops + warm-up. Every store gets the run's cache size.
   */
  static StoreSpec storeSpec(BenchConfig config) {
    long most =
        Math.addExact(
            Math.addExact(config.records(), config.operations()), config.warmupOperations());
    return new StoreSpec(
        config.durability(), most, config.keySize(), config.valueSize(), config.cacheBytes());
  }

  static RunResult result(
      Workload w, Target t, int threads, WorkloadDriver.Measurement m, long disk) {
    Histogram h = m.histogram();
    return new RunResult(
        w.id(),
        t.name(),
        threads,
        m.operations(),
        m.nanos(),
        m.operations() * 1e9 / Math.max(1, m.nanos()),
        h.getTotalCount() == 0 ? 0 : h.getMean(),
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9),
        h.getMaxValue(),
        m.found(),
        disk);
  }

  private Path workRoot() {
    try {
      if (config.directory() == null) {
        return Files.createTempDirectory("cairn-bench-");
      }
      Files.createDirectories(config.directory());
      return Files.createTempDirectory(config.directory(), "cairn-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the benchmark directory: " + e, e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e, e);
    }
  }
}
