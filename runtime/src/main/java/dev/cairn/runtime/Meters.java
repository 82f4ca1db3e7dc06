package dev.cairn.runtime;

import dev.cairn.spi.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Micrometer meters of one open store, every one tagged {@code engine} with the provider name.
 *
 * <ul>
 *   <li>Timer {@code cairn.operation}, tags {@code op} and {@code outcome} ({@code success} or
 *       {@code error}), for the {@linkplain Op#timed() timed} operations. Every call is timed
 *       except a cursor's steps and seeks ({@code cursor.next}, {@code cursor.seek}), which are
 *       sampled: the first call of each cursor and then one in {@value
 *       BoundaryCursor#SAMPLE_EVERY}, so that their count is a fraction of the calls (count steps
 *       with {@code cairn.cursor.steps});
 *   <li>DistributionSummary {@code cairn.bytes}, tags {@code op} ({@code get}, {@code put}, {@code
 *       write}, {@code cursor}, {@code multiget}) and {@code direction} ({@code read} or {@code
 *       write}): the bytes of each call, and for {@code cursor} of each cursor that read any,
 *       recorded once when it is released (closed, or closed by its owner, or found leaked);
 *   <li>Counter {@code cairn.cursor.steps}: calls to a cursor's {@code next()}, added when the
 *       cursor is released;
 *   <li>Counter {@code cairn.errors}, tags {@code op} and {@code exception} (the simple class name
 *       of the SPI exception that reached the caller);
 *   <li>Counter {@code cairn.contract.violations}, tag {@code op};
 *   <li>Counter {@code cairn.leaks}, tag {@code kind} ({@code cursor} or {@code snapshot});
 *   <li>Timer {@code cairn.engine.work}, tag {@code kind} ({@code fsync}, {@code roll}, {@code
 *       flush}, {@code compaction}, {@code stall}, {@code checkpoint}, {@code recovery}): the
 *       duration of each piece of engine work the engine reported ({@link EngineEvents}).
 * </ul>
 *
 * <p>Each store also has meters of its own, tagged {@code engine} and {@code store} (the name given
 * with {@link StoreBuilder#storeName(String)}, else the store's absolute directory, else {@code
 * memory-<n>}; unique among the stores open in the JVM, see {@link StoreTag}), which are removed
 * when the store closes. The tag's cardinality is the number of stores an application opens over
 * its life: fixed for most, but an application that opens a store per tenant or per temporary
 * directory should give them few names with {@code storeName}, or bind a registry that drops the
 * tag (a {@code MeterFilter}).
 *
 * <ul>
 *   <li>Gauges of the engine's {@link dev.cairn.spi.EngineStatistics statistics}: {@code
 *       cairn.store.approximate.keys}, {@code cairn.store.disk.bytes}, {@code
 *       cairn.store.memory.bytes}, and {@code cairn.store.<detail>} for each detail (the standard
 *       ones such as {@code cairn.store.snapshots.open} and {@code cairn.store.background.errors},
 *       and the engine's own, registered when first seen); read from a snapshot refreshed at most
 *       once per {@linkplain StoreBuilder#statisticsInterval(Duration) interval} on the thread that
 *       reads them, never on the hot path. {@code NaN} while the engine's statistics cannot be read
 *       or the figure is unknown ({@link StoreStatisticsBinder});
 *   <li>Counter {@code cairn.store.statistics.failures}, tag {@code reason} ({@code error} or
 *       {@code slow}): refreshes of those gauges that failed, or took longer than the interval.
 * </ul>
 *
 * <p><b>Invariants an alert can watch.</b> On a healthy store each of these stays at zero:
 *
 * <ul>
 *   <li>{@code cairn.store.checksum.failures} (counter, per store): {@link
 *       dev.cairn.spi.CorruptionException}s that crossed the boundary, each one counted: the engine
 *       found damaged data;
 *   <li>{@code cairn.store.fail.stops} (counter, per store): 1 once the store has fail-stopped,
 *       seen as an {@link dev.cairn.spi.EngineFailedException} crossing the boundary or a {@code
 *       health()} of {@code FAILED}; the store refuses writes until it is reopened;
 *   <li>{@code cairn.store.background.errors} (gauge, per store): the standard statistics detail,
 *       background errors since the store opened, for engines that report it;
 *   <li>{@code cairn.contract.violations} (counter, per engine and operation): engine behaviour the
 *       SPI contract forbids, seen by the runtime.
 * </ul>
 *
 * <p>Thread-safe. Meters are registered up front, except the error counters, which are looked up
 * when an error happens (errors are rare and their exception tag is open-ended). Stores of the same
 * engine in one registry share the meters tagged by engine only.
 */
final class Meters {

  static final String OPERATION = "cairn.operation";
  static final String BYTES = "cairn.bytes";
  static final String CURSOR_STEPS = "cairn.cursor.steps";
  static final String ERRORS = "cairn.errors";
  static final String VIOLATIONS = "cairn.contract.violations";
  static final String LEAKS = "cairn.leaks";
  static final String CHECKSUM_FAILURES = "cairn.store.checksum.failures";
  static final String FAIL_STOPS = "cairn.store.fail.stops";

  private final MeterRegistry registry;
  private final String engine;
  private final Map<Op, Timer> successes = new EnumMap<>(Op.class);
  private final Map<Op, Timer> failures = new EnumMap<>(Op.class);
  private final Map<Op, Counter> violations = new EnumMap<>(Op.class);
  private final DistributionSummary getRead;
  private final DistributionSummary putWritten;
  private final DistributionSummary batchWritten;
  private final DistributionSummary cursorRead;
  private final DistributionSummary multiGetRead;
  private final Counter cursorSteps;
  private final Counter cursorLeaks;
  private final Counter snapshotLeaks;
  private final Counter checksumFailures;
  private final Counter failStops;

  /**
   * @param store the value of the {@code store} tag of the store's own meters ({@link StoreTag})
   */
  Meters(MeterRegistry registry, String engine, String store) {
    this.registry = registry;
    this.engine = engine;
    for (Op op : Op.values()) {
      if (op.timed()) {
        successes.put(op, timer(op, "success"));
        failures.put(op, timer(op, "error"));
      }
      violations.put(
          op,
          Counter.builder(VIOLATIONS)
              .description("engine behaviour the SPI contract forbids, seen by the runtime")
              .tags("engine", engine, "op", op.tag())
              .register(registry));
    }
    getRead = bytes("get", "read");
    putWritten = bytes("put", "write");
    batchWritten = bytes("write", "write");
    cursorRead = bytes("cursor", "read");
    multiGetRead = bytes("multiget", "read");
    cursorSteps =
        Counter.builder(CURSOR_STEPS)
            .description("steps of cursors (calls to next) through the runtime boundary")
            .tags("engine", engine)
            .register(registry);
    cursorLeaks = leaks("cursor");
    snapshotLeaks = leaks("snapshot");
    checksumFailures =
        Counter.builder(CHECKSUM_FAILURES)
            .description("corruption (checksum failures, damaged data) the engine reported")
            .tags("engine", engine, "store", store)
            .register(registry);
    failStops =
        Counter.builder(FAIL_STOPS)
            .description("1 once the store has fail-stopped (EngineFailedException, health FAILED)")
            .tags("engine", engine, "store", store)
            .register(registry);
  }

  /** Removes the meters of the store itself (those tagged {@code store}); the store closed. */
  void close() {
    registry.remove(checksumFailures);
    registry.remove(failStops);
  }

  void checksumFailure() {
    checksumFailures.increment();
  }

  /** The store fail-stopped; called once per store. */
  void failStop() {
    failStops.increment();
  }

  private Timer timer(Op op, String outcome) {
    return Timer.builder(OPERATION)
        .description("storage operations through the runtime boundary")
        .tags("engine", engine, "op", op.tag(), "outcome", outcome)
        .register(registry);
  }

  private DistributionSummary bytes(String op, String direction) {
    return DistributionSummary.builder(BYTES)
        .description("bytes of keys and values passed through the runtime boundary")
        .baseUnit("bytes")
        .tags("engine", engine, "op", op, "direction", direction)
        .register(registry);
  }

  private Counter leaks(String kind) {
    return Counter.builder(LEAKS)
        .description("cursors and snapshots that became unreachable without being closed")
        .tags("engine", engine, "kind", kind)
        .register(registry);
  }

  void succeeded(Op op, long startNanos) {
    Timer t = successes.get(op);
    if (t != null) {
      t.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }

  void failed(Op op, long startNanos) {
    Timer t = failures.get(op);
    if (t != null) {
      t.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }

  void error(Op op, StorageException e) {
    Counter.builder(ERRORS)
        .description("SPI exceptions thrown to callers of the runtime boundary")
        .tags("engine", engine, "op", op.tag(), "exception", e.getClass().getSimpleName())
        .register(registry)
        .increment();
  }

  void violation(Op op) {
    violations.get(op).increment();
  }

  void getRead(int bytes) {
    getRead.record(bytes);
  }

  void putWritten(long bytes) {
    putWritten.record(bytes);
  }

  void batchWritten(long bytes) {
    batchWritten.record(bytes);
  }

  void multiGetRead(long bytes) {
    multiGetRead.record(bytes);
  }

  /** A cursor was released after {@code steps} steps, having read {@code bytes}. */
  void cursorReleased(long steps, long bytes) {
    if (steps > 0) {
      cursorSteps.increment(steps);
    }
    if (bytes > 0) {
      cursorRead.record(bytes);
    }
  }

  void leak(String kind) {
    (kind.equals(TrackedHandle.SNAPSHOT) ? snapshotLeaks : cursorLeaks).increment();
  }
}
