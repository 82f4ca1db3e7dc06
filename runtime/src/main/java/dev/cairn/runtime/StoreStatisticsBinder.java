package dev.cairn.runtime;

import dev.cairn.spi.EngineStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Publishes one open store's {@link EngineStatistics} as Micrometer gauges tagged {@code engine}
 * and {@code store}: {@code cairn.store.approximate.keys}, {@code cairn.store.disk.bytes}, {@code
 * cairn.store.memory.bytes}, and {@code cairn.store.<detail>} for every detail the engine reports,
 * standard ({@code cairn.store.background.errors}, ...) or its own, registered when first seen.
 * Bound when the store opens, its meters removed when it closes ({@link #close()}).
 *
 * <p>Design. The engine is never asked on the hot path: the gauges read a cached snapshot, which
 * the thread that reads a gauge (the registry's scrape or publish thread) refreshes when it is
 * older than the refresh interval, so the engine is asked at most once per interval however many
 * gauges and registries read it. One thread refreshes at a time; another reading meanwhile gets the
 * cached figures rather than waiting, so an engine whose {@code statistics()} is slow delays one
 * scrape, not every one, and a refresh that took longer than the interval pushes the next one back
 * by its own duration (the engine is asked at most half the time; a zero interval, for tests, asks
 * on every read). A refresh that fails is counted in {@code cairn.store.statistics.failures} (tag
 * {@code reason}: {@code error}, or {@code slow} for one that took longer than the interval) and
 * makes every gauge read {@code NaN} until one succeeds: a scrape never fails because of the
 * engine. Kafka's and Cassandra's metric reporters, and Micrometer's own cache binders, read
 * statistics the same way.
 *
 * <p>Thread-safe.
 */
final class StoreStatisticsBinder implements MeterBinder, AutoCloseable {

  static final String PREFIX = "cairn.store.";
  static final String KEYS = PREFIX + "approximate.keys";
  static final String DISK_BYTES = PREFIX + "disk.bytes";
  static final String MEMORY_BYTES = PREFIX + "memory.bytes";
  static final String FAILURES = PREFIX + "statistics.failures";

  /** Names the runtime owns under {@link #PREFIX}; a detail of the same name is not published. */
  static final Set<String> RESERVED =
      Set.of(KEYS, DISK_BYTES, MEMORY_BYTES, FAILURES, Meters.CHECKSUM_FAILURES, Meters.FAIL_STOPS);

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime.statistics");

  private final String engine;
  private final String store;
  private final Supplier<EngineStatistics> source;
  private final long intervalNanos;
  private final LongSupplier nanoTime;

  private final ReentrantLock refreshing = new ReentrantLock();
  private final Set<String> details = ConcurrentHashMap.newKeySet();
  private final List<Meter> registered = new CopyOnWriteArrayList<>();

  private volatile MeterRegistry registry;
  private volatile Counter errors;
  private volatile Counter slow;
  private volatile boolean closed;

  /** The figures the gauges read; null before the first success and after a failure. */
  private volatile EngineStatistics cached;

  /** When the next refresh is due, by {@link #nanoTime}. */
  private volatile long dueNanos;

  private volatile boolean warned;

  /**
   * @param source asks the engine for its statistics (through the boundary's error conversion)
   * @param interval how old the cached figures may get before a read refreshes them
   */
  StoreStatisticsBinder(
      String engine,
      String store,
      Supplier<EngineStatistics> source,
      Duration interval,
      LongSupplier nanoTime) {
    this.engine = engine;
    this.store = store;
    this.source = source;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** The value of the {@code store} tag. */
  String store() {
    return store;
  }

  /**
   * Registers the store's gauges in {@code registry} and takes the first snapshot, so that the
   * details the engine reports already have their gauges at the first scrape. Once only.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    if (this.registry != null) {
      throw new IllegalStateException("already bound");
    }
    this.registry = registry;
    errors = failures("error");
    slow = failures("slow");
    gauge(KEYS, "live keys of the store, approximately", "keys", s -> s.approximateKeys());
    gauge(DISK_BYTES, "bytes the store occupies on disk", "bytes", s -> s.diskBytes());
    gauge(
        MEMORY_BYTES,
        "bytes of memory the engine holds for the store",
        "bytes",
        s -> s.memoryBytes());
    refresh();
  }

  private Counter failures(String reason) {
    Counter c =
        Counter.builder(FAILURES)
            .description(
                "times the engine's statistics could not be read (error) or took longer than the"
                    + " refresh interval (slow)")
            .tags("engine", engine, "store", store, "reason", reason)
            .register(registry);
    registered.add(c);
    return c;
  }

  private void gauge(
      String name, String description, String unit, ToDoubleFunction<EngineStatistics> value) {
    Gauge g =
        Gauge.builder(name, this, b -> b.read(value))
            .description(description)
            .baseUnit(unit)
            .tags("engine", engine, "store", store)
            .strongReference(true)
            .register(registry);
    registered.add(g);
    if (closed) {
      registry.remove(g); // NB: a detail first seen by a refresh that raced with close
    }
  }

  /** Registers a gauge for each detail not seen before. */
  private void registerDetails(EngineStatistics s) {
    for (String name : s.details().keySet()) {
      if (!details.add(name)) {
        continue;
      }
      String meter = PREFIX + name;
      if (RESERVED.contains(meter)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "engine ''{0}'' reports a statistics detail ''{1}'' whose meter name the runtime owns;"
                + " it is not published",
            engine,
            name);
        continue;
      }
      gauge(
          meter,
          "the engine's statistics detail '" + name + "'",
          null,
          t -> {
            Long v = t.details().get(name);
            return v == null ? Double.NaN : v;
          });
    }
  }

  /** The current value of one figure, {@code NaN} when unknown ({@code -1}) or unreadable. */
  private double read(ToDoubleFunction<EngineStatistics> value) {
    EngineStatistics s = snapshot();
    if (s == null) {
      return Double.NaN;
    }
    double v = value.applyAsDouble(s);
    return v < 0 ? Double.NaN : v;
  }

  /**
   * The cached figures, refreshed first if they are due and no other thread is refreshing them;
   * null when the last refresh failed, or the store is closed.
   */
  EngineStatistics snapshot() {
    if (closed) {
      return null;
    }
    if (nanoTime.getAsLong() - dueNanos >= 0 && refreshing.tryLock()) {
      try {
        if (nanoTime.getAsLong() - dueNanos >= 0) {
          refresh();
        }
      } finally {
        refreshing.unlock();
      }
    }
    return cached;
  }

  private void refresh() {
    long start = nanoTime.getAsLong();
    EngineStatistics s;
    try {
      s = source.get();
    } catch (RuntimeException e) {
      cached = null;
      dueNanos = nanoTime.getAsLong() + intervalNanos;
      if (!closed) {
        errors.increment();
        warnOnce(e);
      }
      return;
    }
    long took = nanoTime.getAsLong() - start;
    if (took > intervalNanos && intervalNanos > 0) {
      slow.increment();
    }
    // NB: a zero interval asks on every read, as it says, slow or not.
    dueNanos = start + took + (intervalNanos == 0 ? 0 : Math.max(intervalNanos, took));
    if (!closed) {
      registerDetails(s);
      cached = s;
    }
  }

  private void warnOnce(RuntimeException e) {
    if (!warned) {
      warned = true;
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot read the statistics of store '"
              + store
              + "' (engine '"
              + engine
              + "'); its gauges read NaN and each failure is counted in "
              + FAILURES
              + "; further failures are not logged",
          e);
    }
  }

  /** Removes the store's meters from the registry; the gauges read {@code NaN} from now on. */
  @Override
  public void close() {
    closed = true;
    cached = null;
    MeterRegistry r = registry;
    if (r != null) {
      registered.forEach(r::remove);
      registered.clear();
    }
  }
}
