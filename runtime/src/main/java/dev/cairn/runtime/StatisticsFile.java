package dev.cairn.runtime;

import dev.cairn.spi.EngineStatistics;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes an open store's statistics and meters to {@value #FILE_NAME} in its directory every
 * interval, for {@code cairn stats} in another process ({@link StoreBuilder#statisticsFile}).
 * Format: {@code docs/formats/store-statistics.md}; why a file: decision 0019.
 *
 * <p>Design. Engines lock their directory, so another process cannot open a live store to ask it;
 * the process that holds it publishes instead. The file is replaced by a rename, so a reader sees
 * one whole version or the one before, never a mix; it is not synced (figures, not data: a crash
 * may leave an old or empty file, which a reader recognises as stale by its {@code pid} and {@code
 * written} time). It is removed when the store closes. One daemon thread per store writes it; the
 * figures come from the store's {@link StoreStatisticsBinder}, so writing the file asks the engine
 * no more often than the gauges do, and the thread never dies of a failure: a statistics failure is
 * written as such, a write that fails is logged once and retried at the next interval.
 *
 * <p>Thread-safe.
 */
final class StatisticsFile implements AutoCloseable {

  static final String FILE_NAME = "CAIRN-STATS.json";

  /** The file format's version; {@code docs/formats/store-statistics.md}. */
  static final int VERSION = 1;

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime.statistics");

  private final Path file;
  private final Path temp;
  private final String engine;
  private final StoreStatisticsBinder statistics;
  private final MeterRegistry registry;
  private final Duration interval;
  private final ScheduledExecutorService writer;
  private volatile boolean warned;

  private StatisticsFile(
      Path directory,
      String engine,
      StoreStatisticsBinder statistics,
      MeterRegistry registry,
      Duration interval) {
    this.file = directory.resolve(FILE_NAME);
    this.temp = directory.resolve(FILE_NAME + ".tmp");
    this.engine = engine;
    this.statistics = statistics;
    this.registry = registry;
    this.interval = interval;
    this.writer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-stats " + statistics.store());
              t.setDaemon(true);
              return t;
            });
  }

  /** Writes the file now, and then every {@code interval} until {@link #close()}. */
  static StatisticsFile start(
      Path directory,
      String engine,
      StoreStatisticsBinder statistics,
      MeterRegistry registry,
      Duration interval) {
    StatisticsFile f = new StatisticsFile(directory, engine, statistics, registry, interval);
    f.writer.scheduleWithFixedDelay(
        f::writeQuietly, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    return f;
  }

  private void writeQuietly() {
    try {
      write();
    } catch (Throwable t) { // NB: a scheduled task that throws is never run again
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
      if (!warned) {
        warned = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "cannot write "
                + file
                + "; retrying every "
                + interval
                + ", further failures are not logged",
            t);
      }
    }
  }

  private void write() throws IOException {
    byte[] content = render().getBytes(StandardCharsets.UTF_8);
    Files.write(temp, content);
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The file's content: one JSON object, as {@code docs/formats/store-statistics.md} draws it. */
  String render() {
    EngineStatistics s = statistics.snapshot();
    long now = System.currentTimeMillis();
    StringBuilder b = new StringBuilder(1024);
    b.append("{\n  \"format\": \"cairn-store-statistics\",\n  \"version\": ").append(VERSION);
    b.append(",\n  \"engine\": ");
    string(b, engine);
    b.append(",\n  \"store\": ");
    string(b, statistics.store());
    b.append(",\n  \"directory\": ");
    string(b, file.getParent().toAbsolutePath().toString());
    b.append(",\n  \"pid\": ").append(ProcessHandle.current().pid());
    b.append(",\n  \"written\": ");
    string(b, Instant.ofEpochMilli(now).toString());
    b.append(",\n  \"writtenMillis\": ").append(now);
    b.append(",\n  \"intervalMillis\": ").append(interval.toMillis());
    b.append(",\n  \"statistics\": ");
    if (s == null) {
      b.append("null");
    } else {
      b.append("{\"approximateKeys\": ").append(s.approximateKeys());
      b.append(", \"diskBytes\": ").append(s.diskBytes());
      b.append(", \"memoryBytes\": ").append(s.memoryBytes());
      b.append(", \"details\": {");
      String sep = "";
      for (Map.Entry<String, Long> d : s.details().entrySet()) {
        b.append(sep);
        string(b, d.getKey());
        b.append(": ").append(d.getValue());
        sep = ", ";
      }
      b.append("}}");
    }
    b.append(",\n  \"meters\": [");
    String sep = "\n    ";
    for (Meter m : meters()) {
      b.append(sep);
      meter(b, m);
      sep = ",\n    ";
    }
    b.append("\n  ]\n}\n");
    return b.toString();
  }

  /**
   * The meters of this store in its registry: those tagged with its engine, and with its store or
   * no store tag, ordered by name and tags.
   */
  private List<Meter> meters() {
    List<Meter> mine = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      Meter.Id id = m.getId();
      String store = id.getTag("store");
      if (engine.equals(id.getTag("engine"))
          && (store == null || store.equals(statistics.store()))) {
        mine.add(m);
      }
    }
    mine.sort(
        Comparator.comparing((Meter m) -> m.getId().getName())
            .thenComparing(m -> m.getId().getTags().toString()));
    return mine;
  }

  private static void meter(StringBuilder b, Meter m) {
    b.append("{\"name\": ");
    string(b, m.getId().getName());
    b.append(", \"type\": ");
    string(b, m.getId().getType().name().toLowerCase(Locale.ROOT));
    b.append(", \"tags\": {");
    String sep = "";
    for (Tag t : m.getId().getTagsAsIterable()) {
      if (t.getKey().equals("engine") || t.getKey().equals("store")) {
        continue;
      }
      b.append(sep);
      string(b, t.getKey());
      b.append(": ");
      string(b, t.getValue());
      sep = ", ";
    }
    b.append("}, \"values\": {");
    sep = "";
    for (Measurement v : m.measure()) {
      b.append(sep);
      string(b, v.getStatistic().getTagValueRepresentation());
      b.append(": ");
      number(b, v.getValue());
      sep = ", ";
    }
    b.append("}}");
  }

  /** A JSON number; {@code null} for NaN and infinities, which JSON cannot write. */
  private static void number(StringBuilder b, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      b.append("null");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      b.append((long) v);
    } else {
      b.append(v);
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /**
   * Stops writing and removes the file, so that a reader no longer mistakes the store for one held
   * open.
   */
  @Override
  public void close() {
    writer.shutdown(); // NB: not shutdownNow: an interrupt in the engine's I/O closes its channels
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "the writer of " + file + " did not stop in 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove " + file, e);
    }
  }
}
