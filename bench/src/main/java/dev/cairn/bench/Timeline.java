package dev.cairn.bench;

import dev.cairn.bench.store.BenchStore;
import dev.cairn.spi.EngineStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency over time: the measured operations of a run per second, as db_bench's and YCSB's interval
 * reports.
 *
 * <p>Client threads record each measured operation's latency into an HdrHistogram {@link Recorder}
 * (wait-free, shared) and count background writes (a burst's, an overwrite storm's) in a counter,
 * both those of the second in which the operation ended (a ring of {@value #RING} seconds, so that
 * a sampler that wakes late puts no operation of the next second into the last); a sampler thread
 * of its own takes a second's interval histogram once the second is over, from the moment {@link
 * #start} is called, and asks the store every {@link #TICK_NANOS} for its standard statistics
 * {@code stalls} and {@code background.pending.bytes} (when it reports them). Each second becomes
 * an {@link Interval}; the last, partial one is closed by {@link #finish}. A second is marked as a
 * stall when the store's {@code stalls} statistic grew during it, or when no operation completed in
 * it (neither a measured one nor a background write): the interval says which. Thread-safe: record
 * from any thread; start, finish and the sampler are one each.
 */
public final class Timeline {

  /** How often the store's statistics are read; intervals are ten ticks. */
  static final long TICK_NANOS = 100_000_000L;

  /** The length of an interval. */
  static final long INTERVAL_NANOS = 1_000_000_000L;

  /**
   * One second of a run.
   *
   * @param second the interval's number from 0: it covers [second, second + 1) seconds after the
   *     start (the last one may be shorter)
   * @param nanos the interval's length
   * @param operations measured operations completed in it
   * @param opsPerSecond operations over its length
   * @param p50Nanos median latency of its measured operations, 0 when there were none
   * @param p99Nanos 99th percentile, 0 when there were none
   * @param maxNanos the largest latency, 0 when there were none
   * @param writes background writes completed in it (a burst's, a storm's), 0 for other workloads
   * @param stalls how much the store's {@code stalls} statistic grew in it, -1 if the store does
   *     not report one
   * @param pendingBytes the store's {@code background.pending.bytes} at its end, -1 if the store
   *     does not report it
   * @param burst true if a write burst started in it or a burst's write completed in it
   * @param stall why it is marked as a stall: {@link #STALLS_GREW}, {@link #NO_PROGRESS}, or null
   *     when it is not
   */
  public record Interval(
      int second,
      long nanos,
      long operations,
      double opsPerSecond,
      long p50Nanos,
      long p99Nanos,
      long maxNanos,
      long writes,
      long stalls,
      long pendingBytes,
      boolean burst,
      String stall) {}

  /** Stall mark: the store's {@code stalls} statistic grew in the interval. */
  public static final String STALLS_GREW = "stalls";

  /** Stall mark: no operation completed in the interval. */
  public static final String NO_PROGRESS = "no progress";

  private final BenchStore store;

  /** Seconds recorded apart at once: how late the sampler may close a second without harm. */
  static final int RING = 4;

  private final Recorder[] recorders = new Recorder[RING];
  private final LongAdder[] writes = new LongAdder[RING];
  private final AtomicBoolean[] burstSeen = new AtomicBoolean[RING];
  private final Histogram[] recycled = new Histogram[RING];
  private final List<Interval> intervals = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean bursting;
  private volatile long pendingBytes = -1;
  private volatile boolean stopping;
  private volatile long end = Long.MAX_VALUE;
  private Thread sampler;
  private volatile long begin;
  private long lastStalls = -1;
  private long intervalStalls;

  /** A timeline that asks {@code store} for its statistics. */
  Timeline(BenchStore store) {
    this.store = store;
    for (int i = 0; i < RING; i++) {
      recorders[i] = new Recorder(3);
      writes[i] = new LongAdder();
      burstSeen[i] = new AtomicBoolean();
    }
  }

  /** The ring slot of the second in which {@code nanos} ({@link System#nanoTime}) falls. */
  private int slot(long nanos) {
    return (int) Math.floorMod(Math.floorDiv(nanos - begin, INTERVAL_NANOS), (long) RING);
  }

  /** When the timeline started ({@link System#nanoTime}): the start of its second 0. */
  long startNanos() {
    return begin;
  }

  /**
   * Marks the end of the measured phase at {@code nanos}: no interval is closed after it until
   * {@link #resume}, and {@link #finish} closes the last one there (so that the time a run takes to
   * stop its background writer is no second of its own).
   */
  void end(long nanos) {
    end = nanos;
  }

  /** A measured phase starts (again): intervals are closed every second. */
  void resume() {
    end = Long.MAX_VALUE;
  }

  /** Records the latency of one measured operation that ended at {@code endNanos}. */
  void record(long endNanos, long nanos) {
    recorders[slot(endNanos)].recordValue(Math.max(0, nanos));
  }

  /** Counts a background write that ended at {@code endNanos}. */
  void write(long endNanos) {
    int slot = slot(endNanos);
    writes[slot].increment();
    if (bursting) {
      burstSeen[slot].set(true);
    }
  }

  /** Whether a write burst is running now: set by the burst's writer. */
  void bursting(boolean on) {
    bursting = on;
    if (on) {
      burstSeen[slot(System.nanoTime())].set(true);
    }
  }

  /**
   * The store's {@code background.pending.bytes} as last read (at most {@link #TICK_NANOS} ago), -1
   * if it reports none.
   */
  long pendingBytes() {
    return pendingBytes;
  }

  /** Starts the clock and the sampler, unless started before; the first interval begins now. */
  void start() {
    if (sampler != null) {
      return;
    }
    begin = System.nanoTime();
    readStatistics();
    for (int i = 0; i < RING; i++) {
      recorders[i].reset();
      writes[i].reset();
    }
    sampler =
        Thread.ofPlatform()
            .name("bench-timeline")
            .daemon(true)
            .start(
                () -> {
                  try {
                    sample();
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                });
  }

  private void sample() {
    long next = begin + TICK_NANOS;
    while (!stopping) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
        continue;
      }
      readStatistics();
      // every whole second up to now closes, but none past the end of a measured phase
      long upTo = Math.min(next, end);
      while (begin + (intervals.size() + 1L) * INTERVAL_NANOS <= upTo) {
        long from = begin + (long) intervals.size() * INTERVAL_NANOS;
        close(from, from + INTERVAL_NANOS);
      }
      next += TICK_NANOS;
    }
  }

  private void readStatistics() {
    long stalls = statistic(EngineStatistics.STALLS);
    pendingBytes = statistic(EngineStatistics.BACKGROUND_PENDING_BYTES);
    if (stalls >= 0) {
      if (lastStalls >= 0 && stalls > lastStalls) {
        intervalStalls += stalls - lastStalls;
      }
      lastStalls = stalls;
    }
  }

  private long statistic(String name) {
    try {
      return store.statistic(name);
    } catch (RuntimeException e) {
      return -1; // a store closing under the sampler; the run reports its own failure
    }
  }

  private void close(long from, long to) {
    close(from, to, take(intervals.size() % RING));
  }

  /** The interval histogram of a slot's recorder; the recorder then starts afresh. */
  private Histogram take(int slot) {
    Histogram h = recorders[slot].getIntervalHistogram(recycled[slot]);
    recycled[slot] = h;
    return h;
  }

  private void close(long from, long to, Histogram h) {
    int slot = intervals.size() % RING;
    long ops = h.getTotalCount();
    long w = writes[slot].sumThenReset();
    long stalls = lastStalls < 0 ? -1 : intervalStalls;
    intervalStalls = 0;
    long nanos = Math.max(1, to - from);
    String stall = stalls > 0 ? STALLS_GREW : (ops == 0 && w == 0 ? NO_PROGRESS : null);
    boolean burst = burstSeen[slot].getAndSet(false);
    synchronized (intervals) {
      intervals.add(
          new Interval(
              intervals.size(),
              nanos,
              ops,
              ops * 1e9 / nanos,
              ops == 0 ? 0 : h.getValueAtPercentile(50),
              ops == 0 ? 0 : h.getValueAtPercentile(99),
              ops == 0 ? 0 : h.getMaxValue(),
              w,
              stalls,
              pendingBytes,
              burst,
              stall));
    }
  }

  /** Every interval closed so far, in order; all of them once {@link #finish} returned. */
  List<Interval> intervals() {
    synchronized (intervals) {
      return List.copyOf(intervals);
    }
  }

  /**
   * Stops the sampler and closes the last interval (if it lasted at least a tenth of a second or
   * had operations).
   *
   * @return every interval, in order
   */
  List<Interval> finish() {
    if (stopping) {
      return intervals();
    }
    stopping = true;
    if (sampler != null) {
      LockSupport.unpark(sampler);
      try {
        sampler.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the timeline", e);
      }
    }
    Throwable f = failure.get();
    if (f != null) {
      throw new IllegalStateException("the timeline's sampler failed: " + f, f);
    }
    long now = Math.min(System.nanoTime(), end);
    long from = begin + (long) intervals.size() * INTERVAL_NANOS;
    readStatistics();
    int slot = intervals.size() % RING;
    Histogram h = take(slot);
    if (now - from >= TICK_NANOS || writes[slot].sum() > 0 || h.getTotalCount() > 0) {
      close(from, now, h);
    }
    synchronized (intervals) {
      return List.copyOf(intervals);
    }
  }
}
