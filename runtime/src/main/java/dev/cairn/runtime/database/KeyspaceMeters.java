package dev.cairn.runtime.database;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The meters of one database keyspace on one engine: Timer {@value #OPERATION}, tagged {@code
 * database}, {@code keyspace}, {@code engine}, {@code op} and {@code outcome} ({@code success} or
 * {@code error}). The store under the keyspace has the runtime's own meters besides ({@code
 * cairn.operation} and the rest, {@code docs/observability.md}), tagged by engine and store but not
 * by keyspace; these tell the keyspaces of one store, and of one engine, apart.
 *
 * <p>A cut-over registers the keyspace's meters anew with the new engine's tag and removes the old
 * ones; closing the database removes them all. Thread-safe.
 */
final class KeyspaceMeters implements AutoCloseable {

  static final String OPERATION = "cairn.database.operation";

  /** What the meters tell apart. */
  enum Op {
    GET,
    MULTIGET,
    CURSOR,
    COUNT,
    PUT,
    DELETE,
    WRITE,
    STATISTICS;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Map<Op, Timer> successes = new EnumMap<>(Op.class);
  private final Map<Op, Timer> failures = new EnumMap<>(Op.class);
  private final List<Timer> all = new ArrayList<>();

  KeyspaceMeters(MeterRegistry registry, String database, String keyspace, String engine) {
    this.registry = registry;
    for (Op op : Op.values()) {
      successes.put(op, timer(database, keyspace, engine, op, "success"));
      failures.put(op, timer(database, keyspace, engine, op, "error"));
    }
  }

  private Timer timer(String database, String keyspace, String engine, Op op, String outcome) {
    Timer t =
        Timer.builder(OPERATION)
            .description("operations on a keyspace of a database, by keyspace and engine")
            .tags(
                "database",
                database,
                "keyspace",
                keyspace,
                "engine",
                engine,
                "op",
                op.tag(),
                "outcome",
                outcome)
            .register(registry);
    all.add(t);
    return t;
  }

  void succeeded(Op op, long startNanos) {
    successes
        .get(op)
        .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void failed(Op op, long startNanos) {
    failures
        .get(op)
        .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    all.forEach(registry::remove);
  }
}
