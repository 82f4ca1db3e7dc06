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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>With {@link BenchConfig#repeat} rounds, all of that is done once per round on fresh stores,
 * the rounds one after the other, so that every target is measured in every round (targets
 * interleaved, never all rounds of one target and then the next); the order of targets rotates by
 * one more place each round, so that each takes each place in turn.
 *
 * <p>{@link #run} runs on one thread and blocks; stores live in a directory it creates (a temporary
 * one, or one below the configured directory) and deletes when it returns. {@link #stop} may be
 * called from any thread, a shutdown hook's say: the run then ends at the next operation of each
 * client thread, and returns what finished. One run per runner.
 */
public final class BenchRunner {

  /** Varies the random stream of a warm-up from the measured run's. */
  private static final long WARMUP_SALT = 0x3A73;

  private enum State {
    NEW,
    RUNNING,
    DONE
  }

  private final BenchConfig config;
  private final Targets targets;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  // What finished so far: appended to by the run's thread, read by stop's.
  private final List<LoadResult> loads = Collections.synchronizedList(new ArrayList<>());
  private final List<RunResult> runs = Collections.synchronizedList(new ArrayList<>());
  private final List<NotApplicable> notApplicable = Collections.synchronizedList(new ArrayList<>());
  private final List<Target> chosen;
  private volatile WorkDirectory work;
  private volatile long startedNanos;
  private volatile boolean completed;
  private volatile String phase = "starting"; // what runs now, for the progress listener

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
    this.chosen = chosen(); // fails early on unknown names
    targets.checkSettings(chosen, config.settings());
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
        t.name(),
        t.kind(),
        t.version(),
        t.durability(),
        t.memory().describe(spec),
        t.settings().describe(spec));
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
   * @return every figure measured; when {@link #stop} ended the run early, what finished before
   *     (marked {@link BenchReport#interrupted})
   * @throws IllegalStateException if a store fails during the run (the message names target and
   *     workload; stores opened so far are closed and deleted), or if this runner ran or was
   *     stopped before
   * @throws UncheckedIOException if the working directory cannot be created or removed
   */
  public BenchReport run(ProgressListener listener) {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(
          stopRequested.get() ? "the run was stopped before it started" : "a runner runs once");
    }
    startedNanos = System.nanoTime();
    try {
      List<Workload> workloads = config.runOrder();
      boolean needsLoad = workloads.stream().anyMatch(w -> w.kind() == Workload.Kind.LOADED);
      long total = totalUnits(workloads, needsLoad) * config.repeat();
      LongAdder done = new LongAdder();
      Runnable tick = () -> listener.progress(phase, done.sum(), total);
      WorkloadDriver.Progress progress =
          new WorkloadDriver.Progress(done, tick, stopRequested::get);
      work = WorkDirectory.create(config.directory());
      boolean stopped = false;
      try {
        for (int round = 1; round <= config.repeat(); round++) {
          new Round(round, workloads, needsLoad, progress).run();
        }
        completed = true;
      } catch (CancellationException e) {
        stopped = true;
      } finally {
        work.delete();
      }
      if (!stopped) {
        listener.progress("done", total, total);
      }
      return report(stopped);
    } finally {
      state.set(State.DONE);
      finished.countDown();
    }
  }

  /**
   * Stops the run: each client thread ends at its next operation, the stores are closed and their
   * directory deleted, and {@link #run} returns. Waits at most {@code wait} for that; if the run
   * has not returned by then (a store stuck in a call), deletes the run's directory itself, the
   * stores still open. Safe from any thread, and in a shutdown hook: it never waits longer.
   *
   * @return what finished, as {@link #run} returns it: {@link BenchReport#interrupted} unless the
   *     run had finished already; a runner stopped before it ran never runs
   */
  public BenchReport stop(Duration wait) {
    stopRequested.set(true);
    if (state.compareAndSet(State.NEW, State.DONE)) {
      return report(true); // it never ran, and now never will
    }
    boolean returned;
    try {
      returned = finished.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      returned = false;
    }
    WorkDirectory w = work;
    if (!returned && w != null) {
      w.deleteQuietly();
    }
    return report(!completed);
  }

  /**
   * The directory this run created for its stores, or null before it did; it is deleted when the
   * run ends (test with {@link Files#exists}).
   */
  public Path directory() {
    WorkDirectory w = work;
    return w == null ? null : w.root();
  }

  private BenchReport report(boolean interrupted) {
    StoreSpec spec = storeSpec(config);
    List<TargetInfo> infos = chosen.stream().map(t -> info(t, spec)).toList();
    List<LoadResult> l;
    List<RunResult> r;
    List<NotApplicable> n;
    synchronized (loads) {
      l = List.copyOf(loads);
    }
    synchronized (runs) {
      r = List.copyOf(runs);
    }
    synchronized (notApplicable) {
      n = List.copyOf(notApplicable);
    }
    return new BenchReport(
        config,
        Machine.current(),
        infos,
        config.runOrder().stream().map(Workload::id).toList(),
        l,
        r,
        n,
        interrupted,
        Machine.peakResidentBytes(),
        startedNanos == 0 ? 0 : System.nanoTime() - startedNanos);
  }

  /** One round: load every target's store, run every workload on every target, reopen. */
  private final class Round {
    private final int round;
    private final List<Workload> workloads;
    private final boolean needsLoad;
    private final WorkloadDriver.Progress progress;
    private final Path root;
    private final KeySpace keys = new KeySpace(config.keySize());
    private final ValueSource values = new ValueSource(config.seed(), config.valueSize());
    private final Map<Target, BenchStore> loaded = new LinkedHashMap<>();
    private final Map<Target, WorkloadDriver.Context> contexts = new LinkedHashMap<>();

    Round(
        int round, List<Workload> workloads, boolean needsLoad, WorkloadDriver.Progress progress) {
      this.round = round;
      this.workloads = workloads;
      this.needsLoad = needsLoad;
      this.progress = progress;
      this.root = work.root().resolve("round-" + round);
    }

    /** The target in place {@code place} of step {@code step}: rotated per step and per round. */
    private Target at(int step, int place) {
      return chosen.get((step + place + round - 1) % chosen.size());
    }

    private String prefix() {
      return config.repeat() == 1 ? "" : "round " + round + "/" + config.repeat() + ": ";
    }

    private void checkStop() {
      if (stopRequested.get()) {
        throw new CancellationException("stopped");
      }
    }

    void run() {
      List<LoadResult> roundLoads = new ArrayList<>();
      int reported = 0;
      try {
        if (needsLoad) {
          for (int j = 0; j < chosen.size(); j++) {
            Target t = at(0, j);
            checkStop();
            phase = prefix() + "load " + config.records() + " records into " + t.name();
            WorkloadDriver.Context ctx = context(keys, values);
            BenchStore store = open(t, root.resolve(t.name()).resolve("loaded"));
            loaded.put(t, store);
            contexts.put(t, ctx);
            roundLoads.add(load(t, round, store, ctx, progress));
          }
        }
        for (int i = 0; i < workloads.size(); i++) {
          Workload w = workloads.get(i);
          for (int j = 0; j < chosen.size(); j++) {
            Target t = at(i, j);
            checkStop();
            phase = prefix() + w.id() + " on " + t.name();
            progress.tick().run();
            BenchStore store = loaded.get(t);
            if (w.scans() && store != null && !store.ordered()) {
              // An unordered store (a hash map) cannot scan: no figure, and the reason instead.
              if (round == 1) {
                notApplicable.add(new NotApplicable(w.id(), t.name(), NotApplicable.NO_KEY_ORDER));
              }
              progress.done().add(WorkloadDriver.units(w, config));
              continue;
            }
            runs.add(runOne(w, t));
          }
        }
        // NB: loads are reported once complete (their end memory and reopen time known), in load
        // order; an interrupted round reports the loads it finished without those.
        for (LoadResult l : roundLoads) {
          Target t = targets.resolve(l.target());
          l = l.withEndMemory(loaded.get(t).memoryBytes());
          if (loaded.get(t).durable()) {
            checkStop();
            phase = prefix() + "reopen " + t.name();
            progress.tick().run();
            l = reopen(t, l);
          }
          loads.add(l);
          reported++;
        }
      } catch (CancellationException e) {
        loads.addAll(roundLoads.subList(reported, roundLoads.size()));
        throw e;
      } finally {
        try {
          closeAll(loaded.values());
        } finally {
          BenchRunner.deleteTree(root);
        }
      }
    }

    /**
     * Closes the loaded store of {@code t} and times opening it again; the reopened store replaces
     * the closed one in {@code loaded}, to be closed with the others.
     */
    private LoadResult reopen(Target t, LoadResult l) {
      try {
        loaded.remove(t).close();
        long s = System.nanoTime();
        BenchStore store =
            t.opener().open(root.resolve(t.name()).resolve("loaded"), storeSpec(config));
        long nanos = System.nanoTime() - s;
        loaded.put(t, store);
        return l.withReopen(nanos, store.approximateKeys());
      } catch (RuntimeException e) {
        throw new IllegalStateException("reopening " + t.name() + " failed: " + e.getMessage(), e);
      }
    }

    private RunResult runOne(Workload w, Target t) {
      int threads = WorkloadDriver.threads(w, config);
      long ops = WorkloadDriver.operations(w, config);
      try {
        if (w.kind() == Workload.Kind.LOADED) {
          BenchStore store = loaded.get(t);
          WorkloadDriver.Context ctx = contexts.get(t);
          long warmup = WorkloadDriver.warmupOperations(w, config);
          if (warmup > 0) {
            WorkloadDriver.run(w, store, ctx, threads, warmup, WARMUP_SALT, progress, false);
          }
          WorkloadDriver.Measurement m =
              WorkloadDriver.run(w, store, ctx, threads, ops, 0, progress, timeline(w));
          return result(w, t, round, threads, m, -1);
        }
        Path dir = root.resolve(t.name()).resolve(w.id());
        BenchStore store = open(t, dir);
        try {
          WorkloadDriver.Context ctx = context(keys, values);
          long warmup = WorkloadDriver.warmupOperations(w, config);
          if (warmup > 0) {
            WorkloadDriver.run(w, store, ctx, threads, warmup, WARMUP_SALT, progress, false);
          }
          WorkloadDriver.Measurement m =
              WorkloadDriver.run(w, store, ctx, threads, ops, 0, progress, timeline(w));
          store.flush();
          long disk = store.diskBytes();
          return result(w, t, round, threads, m, disk);
        } finally {
          store.close();
          BenchRunner.deleteTree(dir);
        }
      } catch (CancellationException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            w.id() + " on " + t.name() + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** Whether a run of {@code w} records latency over time. */
  private boolean timeline(Workload w) {
    return config.timeline() || w.tails();
  }

  /** Closes every store, the first failure thrown once all were tried. */
  private static void closeAll(Iterable<BenchStore> stores) {
    RuntimeException first = null;
    for (BenchStore s : stores) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private WorkloadDriver.Context context(KeySpace keys, ValueSource values) {
    return new WorkloadDriver.Context(
        keys,
        values,
        config.records(),
        new AtomicLong(config.records()),
        new AtomicLong(config.records()),
        config.durability(),
        config.seed(),
        WorkloadDriver.Tails.of(config));
  }

  private long totalUnits(List<Workload> workloads, boolean needsLoad) {
    long perTarget = needsLoad ? config.records() : 0;
    for (Workload w : workloads) {
      perTarget += WorkloadDriver.units(w, config);
    }
    return perTarget * chosen.size();
  }

  private LoadResult load(
      Target t,
      int round,
      BenchStore store,
      WorkloadDriver.Context ctx,
      WorkloadDriver.Progress progress) {
    try {
      long s = System.nanoTime();
      WorkloadDriver.load(store, ctx, config.threads(), progress);
      store.flush();
      long nanos = System.nanoTime() - s;
      long disk = store.diskBytes();
      double amp = disk > 0 ? (double) disk / config.logicalBytes() : Double.NaN;
      return new LoadResult(
          t.name(),
          round,
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
    } catch (CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException("loading " + t.name() + " failed: " + e.getMessage(), e);
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
   * fills' records: bounded by records + ops + warm-up, or by a syncput's puts and their warm-up.
   * Every store gets the run's cache size.
   */
  static StoreSpec storeSpec(BenchConfig config) {
    long most =
        Math.max(
            Math.addExact(
                Math.addExact(config.records(), config.operations()), config.warmupOperations()),
            Math.addExact(
                config.syncOperations(),
                Math.min(config.warmupOperations(), config.syncOperations())));
    return new StoreSpec(
        config.durability(),
        most,
        config.keySize(),
        config.valueSize(),
        config.cacheBytes(),
        config.settings());
  }

  static RunResult result(
      Workload w, Target t, int round, int threads, WorkloadDriver.Measurement m, long disk) {
    Histogram h = m.histogram();
    return new RunResult(
        w.id(),
        t.name(),
        round,
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
        disk,
        m.phases(),
        m.note(),
        m.timeline());
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
