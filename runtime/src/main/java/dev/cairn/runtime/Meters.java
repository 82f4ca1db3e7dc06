package dev.cairn.runtime;

import dev.cairn.spi.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
 * <p>Thread-safe. Meters are registered up front, except the error counters, which are looked up
 * when an error happens (errors are rare and their exception tag is open-ended). Stores of the same
 * engine in one registry share meters.
 */
final class Meters {

  static final String OPERATION = "cairn.operation";
  static final String BYTES = "cairn.bytes";
  static final String CURSOR_STEPS = "cairn.cursor.steps";
  static final String ERRORS = "cairn.errors";
  static final String VIOLATIONS = "cairn.contract.violations";
  static final String LEAKS = "cairn.leaks";

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

  Meters(MeterRegistry registry, String engine) {
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
