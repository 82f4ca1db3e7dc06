package dev.cairn.bench;

import dev.cairn.bench.store.BenchStore;
import dev.cairn.bench.store.ForceRecorder;
import dev.cairn.bench.workload.KeyChooser;
import dev.cairn.bench.workload.KeySpace;
import dev.cairn.bench.workload.LatestChooser;
import dev.cairn.bench.workload.ScrambledZipfianChooser;
import dev.cairn.bench.workload.ValueSource;
import dev.cairn.spi.Durability;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload on one store with client threads and measures it.
 *
 * <p>Each client thread draws from its own {@link SplittableRandom}, seeded from the run's seed,
 * the workload and the thread number only, so every target sees the same sequence of keys; each
 * thread records latencies into its own histogram, merged at the end. Threads start together on a
 * latch; the measured time runs from the latch to the last thread's end. The calling thread waits,
 * calling {@code tick} every 100 ms (progress reporting stays on the caller's thread).
 */
final class WorkloadDriver {

  static final int BATCH = 1_000;
  static final int SEEK_NEXTS = 10;
  static final int MAX_SCAN = 100;

  /**
   * What the operations need.
   *
   * @param inserted how many records exist (grows with YCSB inserts); per target
   * @param nextInsert the next record number an insert uses; per target
   */
  record Context(
      KeySpace keys,
      ValueSource values,
      long records,
      AtomicLong inserted,
      AtomicLong nextInsert,
      Durability durability,
      long seed,
      Tails tails) {}

  /**
   * What the tail workloads need beyond the others.
   *
   * @param readRate reads per second over all readers (readwhilebursting, readwhilecompacting)
   * @param burstNanos how long a write burst lasts
   * @param burstEveryNanos how often one starts
   */
  record Tails(long readRate, long burstNanos, long burstEveryNanos) {
    static Tails of(BenchConfig c) {
      return new Tails(c.readRate(), c.burstMillis() * 1_000_000, c.burstEveryMillis() * 1_000_000);
    }
  }

  /** Reads of readzipfianlarge that are large: this many in a hundred records. */
  static final int LARGE_PERCENT = 2;

  /** The smallest and largest large value of readzipfianlarge. */
  static final int LARGE_MIN = 1024;

  static final int LARGE_MAX = 64 * 1024;

  /**
   * How long reads after readwhilecompacting's storm count as "during background work" when the
   * store does not report {@code background.pending.bytes}.
   */
  static final long COMPACTION_WINDOW_NANOS = 5_000_000_000L;

  /**
   * How a phase reports and stops.
   *
   * @param done units of work done in the whole run, added to by the client threads
   * @param tick called on the caller's thread every 100 ms while the threads run
   * @param stopped true once the run is to stop: each client thread checks it after every
   *     operation, and the phase then ends with a {@link CancellationException}
   */
  record Progress(LongAdder done, Runnable tick, BooleanSupplier stopped) {}

  /**
   * The outcome of one measured phase.
   *
   * @param phases the operations split by phase ({@link RunResult#phases}), empty if none
   * @param note how phases were told apart, or null
   * @param timeline per second, or null if none was recorded
   */
  record Measurement(
      long operations,
      long nanos,
      Histogram histogram,
      long found,
      List<RunResult.Phase> phases,
      String note,
      List<Timeline.Interval> timeline) {

    Measurement(long operations, long nanos, Histogram histogram, long found) {
      this(operations, nanos, histogram, found, List.of(), null, null);
    }

    Measurement with(String note, List<Timeline.Interval> timeline) {
      return new Measurement(operations, nanos, histogram, found, phases, note, timeline);
    }
  }

  /**
   * A thread that runs beside the client threads (a burst's writer) until they are done; it times
   * its operations with {@link Op#background}.
   */
  @FunctionalInterface
  private interface Background {
    void run(SplittableRandom random, Op op, BooleanSupplier clientsDone);
  }

  /** One client thread's loop: {@code count} operations; returns reads that found a value. */
  @FunctionalInterface
  private interface Body {
    long run(int thread, long first, long count, SplittableRandom random, Op op);
  }

  /**
   * Times one operation into the thread's histogram, counts progress, and ends the thread's loop
   * when the run is to stop.
   */
  static final class Op {
    private final Histogram histogram = new Histogram(3);
    private final Histogram[] phases;
    private final Progress progress;
    private final Timeline timeline;

    Op(Progress progress) {
      this(progress, null, 0);
    }

    Op(Progress progress, Timeline timeline, int phases) {
      this.progress = progress;
      this.timeline = timeline;
      this.phases = new Histogram[phases];
      for (int i = 0; i < phases; i++) {
        this.phases[i] = new Histogram(3);
      }
    }

    /**
     * @throws CancellationException if the run is to stop
     */
    void record(long startNanos, long units) {
      record(startNanos, units, -1);
    }

    /**
     * Records a measured operation, also into phase {@code phase} unless it is negative.
     *
     * @throws CancellationException if the run is to stop
     */
    void record(long startNanos, long units, int phase) {
      long end = System.nanoTime();
      long nanos = Math.max(0, end - startNanos);
      histogram.recordValue(nanos);
      if (timeline != null) {
        timeline.record(end, nanos);
      }
      if (phase >= 0) {
        phases[phase].recordValue(nanos);
      }
      progress.done().add(units);
      checkStop();
    }

    /**
     * Records a background write (a burst's, a storm's): into phase {@code phase} only, counted on
     * the timeline as a write and {@code units} of progress.
     *
     * @throws CancellationException if the run is to stop
     */
    void background(long startNanos, int phase, long units) {
      long end = System.nanoTime();
      phases[phase].recordValue(Math.max(0, end - startNanos));
      if (timeline != null) {
        timeline.write(end);
      }
      progress.done().add(units);
      checkStop();
    }

    private void checkStop() {
      if (progress.stopped().getAsBoolean()) {
        throw new CancellationException("stopped");
      }
    }
  }

  private WorkloadDriver() {}

  /** How many operations a workload measures under {@code config}. */
  static long operations(Workload w, BenchConfig config) {
    return switch (w) {
      case FILLSEQ, FILLRANDOM, FILLBATCH -> config.records();
      case SYNCPUT, SYNCPUT_CONCURRENT -> config.syncOperations();
      default -> config.operations();
    };
  }

  /** The overwrites of readwhilecompacting's storm: as many as records, at least the operations. */
  static long stormWrites(BenchConfig config) {
    return Math.max(config.records(), config.operations());
  }

  /**
   * Units of progress of a workload on one target: its operations, its warm-up, and the unmeasured
   * work of the tail workloads (readzipfianlarge's load, readwhilecompacting's storm).
   */
  static long units(Workload w, BenchConfig config) {
    long u = operations(w, config) + warmupOperations(w, config);
    return switch (w) {
      case READZIPFIANLARGE -> u + config.records();
      case READWHILECOMPACTING -> u + stormWrites(config);
      default -> u;
    };
  }

  /**
   * How many unmeasured operations {@code w} runs first under {@code config}: {@code --warmup} for
   * the workloads that warm up, at most as many as they measure for the syncput ones (an fsync
   * each), none for the others.
   */
  static long warmupOperations(Workload w, BenchConfig config) {
    if (!w.warmsUp()) {
      return 0;
    }
    return switch (w) {
      case SYNCPUT, SYNCPUT_CONCURRENT ->
          Math.min(config.warmupOperations(), config.syncOperations());
      default -> config.warmupOperations();
    };
  }

  /** The first key id of a syncput warm-up: far above the ids the measured puts write. */
  static final long SYNC_WARMUP_BASE = 1L << 47;

  /** How many client threads a workload uses under {@code config}. */
  static int threads(Workload w, BenchConfig config) {
    return switch (w) {
      case SYNCPUT -> 1;
      case SYNCPUT_CONCURRENT -> config.syncWriters();
      case READWHILEBURSTING, READWHILECOMPACTING -> Math.max(2, config.threads());
      default -> config.threads();
    };
  }

  /** Writes records {@code 0..records-1} in hashed key order: the shared load. */
  static Measurement load(BenchStore store, Context ctx, int threads, Progress progress) {
    Body body =
        (t, first, count, r, op) -> {
          for (long i = first; i < first + count; i++) {
            long s = System.nanoTime();
            store.put(ctx.keys().key(i), ctx.values().next(r), ctx.durability());
            op.record(s, 1);
          }
          return -1;
        };
    return execute(body, ctx.records(), threads, ctx.seed() ^ 0x10AD, progress, null, 0, null);
  }

  /**
   * Runs {@code operations} operations of {@code w} on {@code store}.
   *
   * @param salt varies the random sequence (warm-up runs use another salt than measured ones)
   */
  static Measurement run(
      Workload w,
      BenchStore store,
      Context ctx,
      int threads,
      long operations,
      long salt,
      Progress progress,
      boolean timeline) {
    long seed = ctx.seed() * 0x9E3779B97F4A7C15L + w.ordinal() * 1_000_003L + salt;
    return switch (w) {
      case READWHILEBURSTING -> bursting(store, ctx, threads, operations, seed, progress);
      case READWHILECOMPACTING -> compacting(store, ctx, threads, operations, seed, progress);
      case READZIPFIANLARGE -> zipfianLarge(store, ctx, threads, operations, seed, progress);
      default -> {
        Body body = body(w, store, ctx, operations, salt);
        ForceRecorder forces = w.alwaysSync() ? store.forces() : null;
        if (forces != null) {
          forces.reset();
        }
        if (!timeline) {
          Measurement m = execute(body, operations, threads, seed, progress, null, 0, null);
          yield forces == null ? m : m.with(forces.summary(operations), null);
        }
        Timeline t = new Timeline(store);
        Measurement m;
        try {
          m = execute(body, operations, threads, seed, progress, t, 0, null);
        } finally {
          t.finish();
        }
        yield m.with(forces == null ? null : forces.summary(operations), t.intervals());
      }
    };
  }

  /**
   * readwhilebursting: {@code threads} readers get uniformly random loaded records at a fixed rate
   * in all, each read timed from the moment it was due (so a stalled store's backlog counts, as in
   * YCSB's intended-time measurement), while one writer overwrites random loaded records as fast as
   * it can for {@link Tails#burstNanos} every {@link Tails#burstEveryNanos}, starting quiet.
   */
  private static Measurement bursting(
      BenchStore store, Context ctx, int threads, long operations, long seed, Progress progress) {
    Tails tails = ctx.tails();
    AtomicLong edges = new AtomicLong(); // odd while a burst runs
    AtomicLong bursts = new AtomicLong();
    Durability d = ctx.durability();
    long records = ctx.records();
    Classifier phase =
        new Classifier() {
          @Override
          public long before() {
            return edges.get();
          }

          @Override
          public int phase(long before) {
            long after = edges.get();
            return (before & 1) != 0 || before != after ? 0 : 1;
          }
        };
    Background writer =
        (r, op, clientsDone) -> {
          // the bursts keep to the timeline's clock, so that they fall on the seconds the chart
          // shades whenever this thread got to run after the start
          long t0 = op.timeline.startNanos();
          for (long k = 0; ; k++) {
            long from =
                t0 + tails.burstEveryNanos() - tails.burstNanos() + k * tails.burstEveryNanos();
            if (!sleepUntil(from, clientsDone)) {
              return;
            }
            long to = from + tails.burstNanos();
            edges.incrementAndGet();
            bursts.incrementAndGet();
            op.timeline.bursting(true);
            try {
              while (System.nanoTime() < to && !clientsDone.getAsBoolean()) {
                byte[] key = ctx.keys().key(r.nextLong(records));
                byte[] value = ctx.values().next(r);
                long s = System.nanoTime();
                store.put(key, value, d);
                op.background(s, 2, 0);
              }
            } finally {
              op.timeline.bursting(false);
              edges.incrementAndGet();
            }
          }
        };
    Timeline t = new Timeline(store);
    Measurement m;
    try {
      m =
          execute(
              pacedReads(store, ctx, threads, tails.readRate(), phase),
              operations,
              threads,
              seed,
              progress,
              t,
              3,
              writer);
    } finally {
      t.finish();
    }
    String note =
        String.format(
                java.util.Locale.ROOT,
                "%d bursts of %d ms every %d ms (one writer, all out); reads at %d/s from %d threads,"
                    + " a read queued behind a slow one timed from when it was due",
                bursts.get(),
                tails.burstNanos() / 1_000_000,
                tails.burstEveryNanos() / 1_000_000,
                tails.readRate(),
                threads)
            + (bursts.get() == 0
                ? " (no burst: the reads ended before the first one was due; raise --ops or lower"
                    + " --read-rate)"
                : "");
    return named(m, List.of("reads during bursts", "reads between bursts", "burst writes"))
        .with(note, t.intervals());
  }

  /**
   * readwhilecompacting: an overwrite storm ({@link #stormWrites} puts of random loaded records,
   * all out, from the client threads), then reads at a fixed rate, each counted as during the
   * store's background work or after it. Background work is what the store reports as {@code
   * background.pending.bytes} above zero (read ten times a second); a store that does not report it
   * gets a fixed window of {@link #COMPACTION_WINDOW_NANOS} after the storm instead.
   */
  private static Measurement compacting(
      BenchStore store, Context ctx, int threads, long operations, long seed, Progress progress) {
    Durability d = ctx.durability();
    long records = ctx.records();
    long storm = Math.max(records, operations);
    Body overwrite =
        (th, first, count, r, op) -> {
          for (long i = 0; i < count; i++) {
            byte[] k = ctx.keys().key(r.nextLong(records));
            byte[] v = ctx.values().next(r);
            long s = System.nanoTime();
            store.put(k, v, d);
            op.background(s, 2, 1);
          }
          return -1;
        };
    Timeline t = new Timeline(store);
    Measurement m;
    String note;
    try {
      Measurement writes = execute(overwrite, storm, threads, seed ^ 0x5702, progress, t, 3, null);
      long stormEnd = System.nanoTime();
      boolean reported = t.pendingBytes() >= 0 || store.statistic(PENDING) >= 0;
      note =
          reported
              ? "background work told by the store's background.pending.bytes above 0 (read every"
                  + " 100 ms); storm of "
                  + storm
                  + " overwrites first"
              : "the store reports no background.pending.bytes: reads in the first "
                  + COMPACTION_WINDOW_NANOS / 1_000_000_000
                  + " s after the storm count as during background work; storm of "
                  + storm
                  + " overwrites first";
      BooleanSupplier busy =
          reported
              ? () -> t.pendingBytes() > 0
              : () -> System.nanoTime() - stormEnd < COMPACTION_WINDOW_NANOS;
      Classifier phase =
          new Classifier() {
            @Override
            public long before() {
              return busy.getAsBoolean() ? 1 : 0;
            }

            @Override
            public int phase(long before) {
              return before == 1 || busy.getAsBoolean() ? 0 : 1;
            }
          };
      m =
          execute(
              pacedReads(store, ctx, threads, ctx.tails().readRate(), phase),
              operations,
              threads,
              seed,
              progress,
              t,
              3,
              null);
      m = merge(m, writes);
    } finally {
      t.finish();
    }
    return named(
            m,
            List.of("reads during background work", "reads after background work", "storm writes"))
        .with(note, t.intervals());
  }

  private static final String PENDING = dev.cairn.spi.EngineStatistics.BACKGROUND_PENDING_BYTES;

  /** {@code reads} with the phases of {@code writes} added to its own. */
  private static Measurement merge(Measurement reads, Measurement writes) {
    List<RunResult.Phase> phases = new ArrayList<>();
    for (int i = 0; i < reads.phases().size(); i++) {
      RunResult.Phase a = reads.phases().get(i);
      RunResult.Phase b = writes.phases().get(i);
      phases.add(a.operations() >= b.operations() ? a : b);
    }
    return new Measurement(
        reads.operations(),
        reads.nanos(),
        reads.histogram(),
        reads.found(),
        phases,
        reads.note(),
        reads.timeline());
  }

  /** {@code m} with its phases named. */
  private static Measurement named(Measurement m, List<String> names) {
    List<RunResult.Phase> phases = new ArrayList<>();
    for (int i = 0; i < m.phases().size(); i++) {
      RunResult.Phase p = m.phases().get(i);
      phases.add(
          new RunResult.Phase(
              names.get(i),
              p.operations(),
              p.meanNanos(),
              p.p50Nanos(),
              p.p99Nanos(),
              p.maxNanos()));
    }
    return new Measurement(
        m.operations(), m.nanos(), m.histogram(), m.found(), phases, m.note(), m.timeline());
  }

  /**
   * The value size of record {@code n} in readzipfianlarge: {@link #LARGE_PERCENT} in a hundred
   * records (chosen by a hash of the record number) get a large value of {@link #LARGE_MIN} to
   * {@link #LARGE_MAX} bytes, the others {@code small}.
   */
  static int mixedValueSize(long n, int small) {
    long h = n ^ 0x1A26EL; // SplitMix64's finalizer: spreads neighbouring record numbers
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    h ^= h >>> 31;
    if (Long.remainderUnsigned(h, 100) >= LARGE_PERCENT) {
      return small;
    }
    return LARGE_MIN + (int) Long.remainderUnsigned(h >>> 8, LARGE_MAX - LARGE_MIN + 1);
  }

  /**
   * readzipfianlarge: loads its fresh store with {@code records} records of mixed sizes
   * (unmeasured), then gets scrambled-zipfian records, all out; each read checks the value's size.
   */
  private static Measurement zipfianLarge(
      BenchStore store, Context ctx, int threads, long operations, long seed, Progress progress) {
    KeySpace keys = ctx.keys();
    ValueSource values = ctx.values();
    int small = values.valueSize();
    Body fill =
        (t, first, count, r, op) -> {
          for (long i = first; i < first + count; i++) {
            byte[] v = values.next(r, mixedValueSize(i, small));
            store.put(keys.key(i), v, ctx.durability());
            progress.done().add(1);
            if (progress.stopped().getAsBoolean()) {
              throw new CancellationException("stopped");
            }
          }
          return -1;
        };
    execute(fill, ctx.records(), threads, seed ^ 0x7A1E, progress, null, 0, null);
    KeyChooser chooser = new ScrambledZipfianChooser(ctx.records());
    Body reads =
        (t, first, count, r, op) -> {
          long found = 0;
          for (long i = 0; i < count; i++) {
            long n = chooser.next(r);
            byte[] k = keys.key(n);
            int size = mixedValueSize(n, small);
            long s = System.nanoTime();
            byte[] v = store.get(k);
            op.record(s, 1, size > small ? 1 : 0);
            if (v == null || v.length != size) {
              throw new IllegalStateException(
                  "record "
                      + n
                      + " was written with "
                      + size
                      + " bytes, read back "
                      + (v == null ? "nothing" : v.length + " bytes"));
            }
            found++;
          }
          return found;
        };
    Timeline t = new Timeline(store);
    Measurement m;
    try {
      m = execute(reads, operations, threads, seed, progress, t, 2, null);
    } finally {
      t.finish();
    }
    String note =
        String.format(
            java.util.Locale.ROOT,
            "%d%% of records large (%d-%d KiB), the rest %d B; scrambled zipfian keys",
            LARGE_PERCENT,
            LARGE_MIN / 1024,
            LARGE_MAX / 1024,
            small);
    return named(m, List.of("reads of small values", "reads of large values"))
        .with(note, t.intervals());
  }

  /** Tells which phase a paced read belongs to: asked before the read and after it. */
  private interface Classifier {
    long before();

    int phase(long before);
  }

  /**
   * Reads of uniformly random loaded records at {@code rate} per second over {@code threads}
   * threads. A read due while its thread's previous read still ran is timed from when it was due
   * (so a store that stalls is charged for the reads queued behind the stall, as YCSB's intended
   * time does); one whose thread slept until it was due is timed from when it started (how late the
   * thread woke is the client's, not the store's).
   */
  private static Body pacedReads(
      BenchStore store, Context ctx, int threads, long rate, Classifier classifier) {
    long records = ctx.records();
    return (t, first, count, r, op) -> {
      long period = 1_000_000_000L * threads / rate;
      long t0 = System.nanoTime() + t * 1_000_000_000L / rate;
      long found = 0;
      long previousEnd = t0;
      for (long i = 0; i < count; i++) {
        long due = t0 + i * period;
        byte[] k = ctx.keys().key(r.nextLong(records));
        // Late because the previous read still ran: the store's doing, timed from when it was
        // due. Otherwise the thread slept, and how late it woke is the client's, not the store's.
        long start = previousEnd > due ? due : sleepUntil(due);
        long before = classifier.before();
        found += store.get(k) != null ? 1 : 0;
        op.record(start, 1, classifier.phase(before));
        previousEnd = System.nanoTime();
      }
      return found;
    };
  }

  /** Sleeps until {@code deadline} ({@link System#nanoTime}); returns the time it woke. */
  private static long sleepUntil(long deadline) {
    while (true) {
      long now = System.nanoTime();
      if (now >= deadline) {
        return now;
      }
      LockSupport.parkNanos(deadline - now);
    }
  }

  /**
   * Sleeps until {@code deadline} ({@link System#nanoTime}), or until {@code stop} is true (checked
   * every 10 ms at most).
   *
   * @return false if stopped early
   */
  private static boolean sleepUntil(long deadline, BooleanSupplier stop) {
    while (true) {
      if (stop.getAsBoolean()) {
        return false;
      }
      long wait = deadline - System.nanoTime();
      if (wait <= 0) {
        return true;
      }
      LockSupport.parkNanos(Math.min(wait, 10_000_000L));
    }
  }

  private static Body body(Workload w, BenchStore store, Context ctx, long operations, long salt) {
    KeySpace keys = ctx.keys();
    ValueSource values = ctx.values();
    long records = ctx.records();
    Durability d = w.alwaysSync() ? Durability.SYNC : ctx.durability();
    return switch (w) {
      case FILLSEQ ->
          (t, first, count, r, op) -> {
            for (long i = first; i < first + count; i++) {
              long s = System.nanoTime();
              store.put(keys.orderedKey(i), values.next(r), d);
              op.record(s, 1);
            }
            return -1;
          };
      case FILLRANDOM, OVERWRITE ->
          (t, first, count, r, op) -> {
            for (long i = 0; i < count; i++) {
              byte[] k = keys.key(r.nextLong(records));
              long s = System.nanoTime();
              store.put(k, values.next(r), d);
              op.record(s, 1);
            }
            return -1;
          };
      case FILLBATCH ->
          (t, first, count, r, op) -> {
            for (long i = first; i < first + count; i += BATCH) {
              int n = (int) Math.min(BATCH, first + count - i);
              List<byte[]> ks = new ArrayList<>(n);
              List<byte[]> vs = new ArrayList<>(n);
              for (int j = 0; j < n; j++) {
                ks.add(keys.orderedKey(i + j));
                vs.add(values.next(r));
              }
              long s = System.nanoTime();
              store.putAll(ks, vs, d);
              op.record(s, n);
            }
            return -1;
          };
      case SYNCPUT, SYNCPUT_CONCURRENT ->
          (t, first, count, r, op) -> {
            // NB: the warm-up (another salt) writes keys of its own, so the measured puts go in as
            // new keys, as they would into an empty store.
            long base = salt == 0 ? 0 : SYNC_WARMUP_BASE;
            for (long i = first; i < first + count; i++) {
              long s = System.nanoTime();
              store.put(keys.key(base + i), values.next(r), d);
              op.record(s, 1);
            }
            return -1;
          };
      case READRANDOM, READMISSING ->
          (t, first, count, r, op) -> {
            long base = w == Workload.READMISSING ? KeySpace.MISSING_BASE : 0;
            long found = 0;
            for (long i = 0; i < count; i++) {
              byte[] k = keys.key(base + r.nextLong(records));
              long s = System.nanoTime();
              found += store.get(k) != null ? 1 : 0;
              op.record(s, 1);
            }
            return found;
          };
      case SEEKRANDOM ->
          (t, first, count, r, op) -> {
            for (long i = 0; i < count; i++) {
              byte[] k = keys.key(r.nextLong(records));
              long s = System.nanoTime();
              store.scan(k, SEEK_NEXTS);
              op.record(s, 1);
            }
            return -1;
          };
      case DELETERANDOM ->
          (t, first, count, r, op) -> {
            for (long i = 0; i < count; i++) {
              byte[] k = keys.key(r.nextLong(records));
              long s = System.nanoTime();
              store.delete(k, d);
              op.record(s, 1);
            }
            return -1;
          };
      case YCSB_A, YCSB_B, YCSB_C, YCSB_D, YCSB_E, YCSB_F ->
          ycsb(YcsbMix.of(w), store, ctx, operations, d);
      case READWHILEBURSTING, READWHILECOMPACTING, READZIPFIANLARGE ->
          throw new IllegalArgumentException(w.id() + " runs in phases of its own");
    };
  }

  /** The operation mixes of YCSB's core workload files. */
  record YcsbMix(
      double read, double update, double insert, double scan, double rmw, boolean latest) {
    static YcsbMix of(Workload w) {
      return switch (w) {
        case YCSB_A -> new YcsbMix(0.5, 0.5, 0, 0, 0, false);
        case YCSB_B -> new YcsbMix(0.95, 0.05, 0, 0, 0, false);
        case YCSB_C -> new YcsbMix(1, 0, 0, 0, 0, false);
        case YCSB_D -> new YcsbMix(0.95, 0, 0.05, 0, 0, true);
        case YCSB_E -> new YcsbMix(0, 0, 0.05, 0.95, 0, false);
        case YCSB_F -> new YcsbMix(0.5, 0, 0, 0, 0.5, false);
        default -> throw new IllegalArgumentException(w + " is not a YCSB workload");
      };
    }
  }

  private static Body ycsb(
      YcsbMix mix, BenchStore store, Context ctx, long operations, Durability d) {
    KeySpace keys = ctx.keys();
    ValueSource values = ctx.values();
    AtomicLong inserted = ctx.inserted();
    // As YCSB's CoreWorkload: the zipfian key space leaves room for the inserts to come, and a
    // drawn record not yet inserted is drawn again.
    long expectedNew = (long) (operations * mix.insert() * 2);
    KeyChooser chooser =
        mix.latest()
            ? new LatestChooser(inserted)
            : new ScrambledZipfianChooser(ctx.records() + expectedNew);
    double readTo = mix.read();
    double updateTo = readTo + mix.update();
    double insertTo = updateTo + mix.insert();
    double scanTo = insertTo + mix.scan();
    return (t, first, count, r, op) -> {
      long found = 0;
      for (long i = 0; i < count; i++) {
        double u = r.nextDouble();
        if (u < insertTo && u >= updateTo) {
          long n = ctx.nextInsert().getAndIncrement();
          byte[] k = keys.key(n);
          byte[] v = values.next(r);
          long s = System.nanoTime();
          store.put(k, v, d);
          op.record(s, 1);
          inserted.accumulateAndGet(n + 1, Math::max);
          continue;
        }
        long n;
        do {
          n = chooser.next(r);
        } while (n >= inserted.get());
        byte[] k = keys.key(n);
        if (u < readTo) {
          long s = System.nanoTime();
          found += store.get(k) != null ? 1 : 0;
          op.record(s, 1);
        } else if (u < updateTo) {
          byte[] v = values.next(r);
          long s = System.nanoTime();
          store.put(k, v, d);
          op.record(s, 1);
        } else if (u < scanTo) {
          int len = 1 + r.nextInt(MAX_SCAN);
          long s = System.nanoTime();
          store.scan(k, len);
          op.record(s, 1);
        } else {
          byte[] v = values.next(r);
          long s = System.nanoTime();
          found += store.get(k) != null ? 1 : 0;
          store.put(k, v, d);
          op.record(s, 1);
        }
      }
      return found;
    };
  }

  /**
   * @throws CancellationException if the run is to stop (its client threads end at their next
   *     operation)
   */
  private static Measurement execute(
      Body body,
      long operations,
      int threads,
      long seed,
      Progress progress,
      Timeline timeline,
      int phases,
      Background background) {
    int n = (int) Math.max(1, Math.min(threads, operations));
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>(n);
    List<Op> ops = new ArrayList<>(n + 1);
    AtomicLong found = new AtomicLong();
    AtomicLong anyFound = new AtomicLong(-1);
    AtomicInteger running = new AtomicInteger(n);
    long per = operations / n;
    long extra = operations % n;
    long first = 0;
    for (int t = 0; t < n; t++) {
      long count = per + (t < extra ? 1 : 0);
      long start = first;
      first += count;
      int thread = t;
      Op op = new Op(progress, timeline, phases);
      ops.add(op);
      SplittableRandom random = new SplittableRandom(seed + 0x632BE59BD9B4E019L * (t + 1));
      Thread w =
          Thread.ofPlatform()
              .name("bench-client-" + t)
              .daemon(true)
              .unstarted(
                  () -> {
                    try {
                      go.await();
                      long f = body.run(thread, start, count, random, op);
                      if (f >= 0) {
                        found.addAndGet(f);
                        anyFound.set(0);
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    } finally {
                      running.decrementAndGet();
                    }
                  });
      workers.add(w);
      w.start();
    }
    Thread side = null;
    if (background != null) {
      Op op = new Op(progress, timeline, phases);
      ops.add(op);
      SplittableRandom random = new SplittableRandom(seed ^ 0xB4C6_0000_0000_0001L);
      BooleanSupplier clientsDone = () -> running.get() == 0 || failure.get() != null;
      side =
          Thread.ofPlatform()
              .name("bench-background-writer")
              .daemon(true)
              .start(
                  () -> {
                    try {
                      go.await();
                      background.run(random, op, clientsDone);
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  });
    }
    if (timeline != null) {
      timeline.start();
      timeline.resume();
    }
    long begin = System.nanoTime();
    go.countDown();
    long nanos;
    try {
      for (Thread w : workers) {
        while (!w.join(java.time.Duration.ofMillis(100))) {
          progress.tick().run();
        }
      }
      nanos = System.nanoTime() - begin;
      if (timeline != null) {
        timeline.end(begin + nanos);
      }
      if (side != null) {
        while (!side.join(java.time.Duration.ofMillis(100))) {
          progress.tick().run();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark interrupted", e);
    }
    progress.tick().run();
    if (progress.stopped().getAsBoolean()) {
      throw new CancellationException("stopped");
    }
    Throwable f = failure.get();
    if (f != null) {
      throw new IllegalStateException("a client thread failed: " + f, f);
    }
    Histogram all = new Histogram(3);
    List<Histogram> byPhase = new ArrayList<>();
    for (int i = 0; i < phases; i++) {
      byPhase.add(new Histogram(3));
    }
    for (Op op : ops) {
      all.add(op.histogram);
      for (int i = 0; i < phases; i++) {
        byPhase.get(i).add(op.phases[i]);
      }
    }
    List<RunResult.Phase> out = new ArrayList<>();
    for (Histogram h : byPhase) {
      long c = h.getTotalCount();
      out.add(
          new RunResult.Phase(
              "",
              c,
              c == 0 ? 0 : h.getMean(),
              c == 0 ? 0 : h.getValueAtPercentile(50),
              c == 0 ? 0 : h.getValueAtPercentile(99),
              c == 0 ? 0 : h.getMaxValue()));
    }
    return new Measurement(
        operations, nanos, all, anyFound.get() < 0 ? -1 : found.get(), out, null, null);
  }
}
