package dev.cairn.bench;

import dev.cairn.bench.store.BenchStore;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
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
      long seed) {}

  /**
   * How a phase reports and stops.
   *
   * @param done units of work done in the whole run, added to by the client threads
   * @param tick called on the caller's thread every 100 ms while the threads run
   * @param stopped true once the run is to stop: each client thread checks it after every
   *     operation, and the phase then ends with a {@link CancellationException}
   */
  record Progress(LongAdder done, Runnable tick, BooleanSupplier stopped) {}

  /** The outcome of one measured phase. */
  record Measurement(long operations, long nanos, Histogram histogram, long found) {}

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
    private final Progress progress;

    Op(Progress progress) {
      this.progress = progress;
    }

    /**
     * @throws CancellationException if the run is to stop
     */
    void record(long startNanos, long units) {
      histogram.recordValue(Math.max(0, System.nanoTime() - startNanos));
      progress.done().add(units);
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

  /** How many client threads a workload uses under {@code config}. */
  static int threads(Workload w, BenchConfig config) {
    return switch (w) {
      case SYNCPUT -> 1;
      case SYNCPUT_CONCURRENT -> config.syncWriters();
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
    return execute(body, ctx.records(), threads, ctx.seed() ^ 0x10AD, progress);
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
      Progress progress) {
    Body body = body(w, store, ctx, operations);
    long seed = ctx.seed() * 0x9E3779B97F4A7C15L + w.ordinal() * 1_000_003L + salt;
    return execute(body, operations, threads, seed, progress);
  }

  private static Body body(Workload w, BenchStore store, Context ctx, long operations) {
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
            for (long i = first; i < first + count; i++) {
              long s = System.nanoTime();
              store.put(keys.key(i), values.next(r), d);
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
      Body body, long operations, int threads, long seed, Progress progress) {
    int n = (int) Math.max(1, Math.min(threads, operations));
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>(n);
    List<Op> ops = new ArrayList<>(n);
    AtomicLong found = new AtomicLong();
    AtomicLong anyFound = new AtomicLong(-1);
    long per = operations / n;
    long extra = operations % n;
    long first = 0;
    for (int t = 0; t < n; t++) {
      long count = per + (t < extra ? 1 : 0);
      long start = first;
      first += count;
      int thread = t;
      Op op = new Op(progress);
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
                    }
                  });
      workers.add(w);
      w.start();
    }
    long begin = System.nanoTime();
    go.countDown();
    try {
      for (Thread w : workers) {
        while (!w.join(java.time.Duration.ofMillis(100))) {
          progress.tick().run();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark interrupted", e);
    }
    long nanos = System.nanoTime() - begin;
    progress.tick().run();
    if (progress.stopped().getAsBoolean()) {
      throw new CancellationException("stopped");
    }
    Throwable f = failure.get();
    if (f != null) {
      throw new IllegalStateException("a client thread failed: " + f, f);
    }
    Histogram all = new Histogram(3);
    ops.forEach(op -> all.add(op.histogram));
    return new Measurement(operations, nanos, all, anyFound.get() < 0 ? -1 : found.get());
  }
}
