package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineNotFoundException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens a store: which engine, which directory, how, and with what instrumentation.
 *
 * <p>Not thread-safe; a builder may open several stores in turn. Obtained from {@link
 * EngineRegistry#store(Path)}, {@link EngineRegistry#store()}, {@link Cairn#store(Path)} or {@link
 * Cairn#inMemory(String)}.
 *
 * <p><b>The store marker.</b> A store of a {@linkplain Capability#DURABLE durable} engine has a
 * file {@code CAIRN-STORE} in its directory naming its engine (format: {@code
 * docs/formats/store-marker.md}). The runtime writes it when it creates a store, before the engine
 * creates its own files, and reads it on every open: a store opens without naming its engine, and
 * never with another. A directory that holds files but no marker is not a store, and the runtime
 * refuses to create one among those files. Engines that are not durable get no marker. When
 * creating a store fails before the engine wrote anything, the marker is removed again, and so are
 * the directories the open created.
 */
public final class StoreBuilder {

  /**
   * A database's catalog file ({@code docs/formats/database-catalog.md}): its directory is no
   * store.
   */
  private static final String DATABASE_CATALOG = "CAIRN-DATABASE";

  private final EngineRegistry registry;
  private final Path directory;
  private String engine;
  private boolean createIfMissing = true;
  private boolean readOnly;
  private Durability defaultDurability = Durability.SYNC;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private MeterRegistry meterRegistry = Metrics.globalRegistry;
  private LeakListener leakListener = Leaks.logging();
  private EngineEventListener eventListener;
  private Duration eventThreshold = DEFAULT_EVENT_THRESHOLD;
  private boolean tracing;

  /**
   * The default {@link #eventThreshold(Duration)}.
   *
   * @since 1.2
   */
  public static final Duration DEFAULT_EVENT_THRESHOLD =
      Duration.ofMillis(StoreBuilder.DEFAULT_EVENT_THRESHOLD_MS);

  /**
   * {@link #DEFAULT_EVENT_THRESHOLD} in milliseconds.
   *
   * @since 1.2
   */
  public static final long DEFAULT_EVENT_THRESHOLD_MS = 10;

  private boolean openingStacks = true;
  private String storeName;
  private Duration statisticsInterval = DEFAULT_STATISTICS_INTERVAL;
  private Duration statisticsFileInterval;
  private Path traceFile;
  private double traceRate;
  private boolean traceValues;

  /** The most bytes an {@linkplain #operationTrace operation trace} grows to: 1 GiB. */
  static final long TRACE_MAX_BYTES = 1L << 30;

  /**
   * The default {@link #statisticsInterval(Duration)}.
   *
   * @since 1.2
   */
  public static final Duration DEFAULT_STATISTICS_INTERVAL = Duration.ofSeconds(1);

  StoreBuilder(EngineRegistry registry, Path directory) {
    this.registry = registry;
    this.directory = directory;
  }

  /**
   * The engine to open the store with. Optional when the directory already holds a store: its
   * marker names the engine, and a different name is refused.
   *
   * @throws InvalidArgumentException if {@code name} is null
   */
  public StoreBuilder engine(String name) {
    this.engine = Boundary.nonNull(name, "engine name");
    return this;
  }

  /** Whether a missing store is created (default true); a read-only open never creates. */
  public StoreBuilder createIfMissing(boolean create) {
    this.createIfMissing = create;
    return this;
  }

  /** Whether the store is opened read-only (default false): every write is then refused. */
  public StoreBuilder readOnly(boolean readOnly) {
    this.readOnly = readOnly;
    return this;
  }

  /**
   * The durability of writes that do not name one; default {@link Durability#SYNC}.
   *
   * @throws InvalidArgumentException if {@code durability} is null
   */
  public StoreBuilder defaultDurability(Durability durability) {
    this.defaultDurability = Boundary.nonNull(durability, "durability");
    return this;
  }

  /**
   * Sets an engine-specific setting; a name the engine does not list makes {@link #open()} fail.
   *
   * @throws InvalidArgumentException if the name or value is null
   */
  public StoreBuilder setting(String name, String value) {
    settings.put(Boundary.nonNull(name, "setting name"), Boundary.nonNull(value, "setting value"));
    return this;
  }

  /**
   * Sets several engine-specific settings.
   *
   * @throws InvalidArgumentException if the map, or a name or value in it, is null
   */
  public StoreBuilder settings(Map<String, String> more) {
    Boundary.nonNull(more, "settings").forEach(this::setting);
    return this;
  }

  /**
   * Where the store's meters are registered; default {@link Metrics#globalRegistry}.
   *
   * @throws InvalidArgumentException if {@code registry} is null
   */
  public StoreBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = Boundary.nonNull(registry, "meter registry");
    return this;
  }

  /**
   * Who is told about cursors and snapshots dropped without being closed; default a {@code WARNING}
   * through {@link System.Logger} with the stack of where each was opened (see {@link
   * #openingStacks(boolean)}).
   *
   * @throws InvalidArgumentException if {@code listener} is null
   */
  public StoreBuilder leakListener(LeakListener listener) {
    this.leakListener = Boundary.nonNull(listener, "leak listener");
    return this;
  }

  /**
   * Who is told of the engine's slow or risky work ({@link EngineEvent}: fsyncs, rolls, flushes,
   * compactions, stalls, checkpoints, recoveries) that took at least the {@linkplain
   * #eventThreshold(Duration) threshold}; default none. The same events become JDK Flight Recorder
   * events ({@code dev.cairn.EngineWork}) whether or not a listener is given, and every event is
   * timed in {@code cairn.engine.work}. Called on the thread that did the work: keep it quick.
   *
   * @throws InvalidArgumentException if {@code listener} is null
   * @since 1.2
   */
  public StoreBuilder eventListener(EngineEventListener listener) {
    this.eventListener = Boundary.nonNull(listener, "event listener");
    return this;
  }

  /**
   * How long engine work must take to be reported to the {@linkplain
   * #eventListener(EngineEventListener) listener} and to Flight Recorder; default {@value
   * #DEFAULT_EVENT_THRESHOLD_MS} ms, {@link Duration#ZERO} for every event.
   *
   * @throws InvalidArgumentException if {@code threshold} is null or negative
   * @since 1.2
   */
  public StoreBuilder eventThreshold(Duration threshold) {
    Boundary.nonNull(threshold, "event threshold");
    if (threshold.isNegative()) {
      throw new InvalidArgumentException("event threshold must not be negative, got " + threshold);
    }
    this.eventThreshold = threshold;
    return this;
  }

  /**
   * Whether every operation becomes an OpenTelemetry span (default false): {@code cairn <op>}, a
   * child of the caller's current span, with the engine, the operation and the request id as
   * attributes, ERROR status and the exception when it failed; a cursor's steps have none. The
   * spans go through {@code GlobalOpenTelemetry}: the application's SDK samples and exports them.
   * The runtime does not require the OpenTelemetry API; {@link #open()} fails if tracing is asked
   * for without it.
   *
   * @since 1.2
   */
  public StoreBuilder tracing(boolean on) {
    this.tracing = on;
    return this;
  }

  /**
   * Whether each cursor and snapshot records the stack of where it was opened (default true), so
   * that a {@linkplain LeakReport leak report} can say where a forgotten one came from.
   *
   * <p>Capturing a stack is most of what the runtime adds to opening a cursor or snapshot, and
   * grows with the depth of the caller's stack (figures: {@code docs/benchmarks.md}). Without it
   * leaks are still detected, closed, counted ({@code cairn.leaks}) and reported, but every
   * report's {@link LeakReport#openedAt() openedAt} is one shared throwable without a stack trace
   * whose message says how to turn capture back on.
   */
  public StoreBuilder openingStacks(boolean capture) {
    this.openingStacks = capture;
    return this;
  }

  /**
   * The value of the {@code store} tag of the store's own meters; default the store's absolute
   * directory ({@code memory-<n>} for a store without one). Give a name when directories are many
   * or temporary, to keep the tag's cardinality to the stores an operator tells apart; a name
   * already used by a store open in this JVM gets a suffix ({@code #2}). See {@code Meters} in the
   * runtime's docs ({@code docs/observability.md}).
   *
   * @throws InvalidArgumentException if {@code name} is null, blank, or longer than 200 characters
   * @since 1.2
   */
  public StoreBuilder storeName(String name) {
    Boundary.nonNull(name, "store name");
    if (name.isBlank() || name.length() > 200) {
      throw new InvalidArgumentException(
          "store name must be 1 to 200 characters, not blank, got '" + name + "'");
    }
    this.storeName = name;
    return this;
  }

  /**
   * How old the engine's statistics behind the store's gauges ({@code cairn.store.*}) may get
   * before a read of a gauge asks the engine again; default {@link #DEFAULT_STATISTICS_INTERVAL}.
   * The engine is asked on the thread that reads the gauges (a scrape), at most once per interval,
   * never on an operation's path.
   *
   * @throws InvalidArgumentException if {@code interval} is null or negative
   * @since 1.2
   */
  public StoreBuilder statisticsInterval(Duration interval) {
    Boundary.nonNull(interval, "statistics interval");
    if (interval.isNegative()) {
      throw new InvalidArgumentException(
          "statistics interval must not be negative, got " + interval);
    }
    this.statisticsInterval = interval;
    return this;
  }

  /**
   * Publishes the store's statistics and meters for {@code cairn stats} in another process: a
   * daemon thread rewrites the file {@code CAIRN-STATS.json} in the store's directory every {@code
   * interval} (atomically, by a rename; format {@code docs/formats/store-statistics.md}), and the
   * store removes it when it closes. Default off. Needs a directory and a store opened for writing.
   * The statistics are then refreshed at least once per {@code interval} too, so the file's figures
   * are as fresh as the file.
   *
   * @throws InvalidArgumentException if {@code interval} is null, under 10 ms or over 1 hour
   * @since 1.2
   */
  public StoreBuilder statisticsFile(Duration interval) {
    Boundary.nonNull(interval, "statistics file interval");
    if (interval.compareTo(Duration.ofMillis(10)) < 0
        || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new InvalidArgumentException(
          "statistics file interval must be in [10ms, 1h], got " + interval);
    }
    this.statisticsFileInterval = interval;
    return this;
  }

  /**
   * Records a sampled trace of the store's operations in {@code file} (created, or replaced), for
   * {@code cairn recommend}, which replays it against every engine: each sampled operation's kind
   * (get, put, delete, scan, range delete), key and value sizes, whether a read found its key, a
   * fingerprint of the key (a hash salted per trace: equal keys match within the trace, the key
   * itself is not kept) and when it began; values only with {@link #operationTraceValues}. Only
   * operations that succeeded are recorded; writes through a keyspace handle are not. Format:
   * {@code docs/formats/operation-trace.md}. Recording costs a few atomic operations per call, and
   * a short lock and a buffered file write per sampled one; the file stops growing at 1 GiB, and a
   * failure to write it stops the recording, never an operation. Written as the store runs and
   * completed when it closes; not synced. Default off.
   *
   * @param sampleRate the fraction of operations recorded, in (0, 1]
   * @throws InvalidArgumentException if {@code file} is null or the rate is out of range
   * @since 1.2
   */
  public StoreBuilder operationTrace(Path file, double sampleRate) {
    Boundary.nonNull(file, "trace file");
    OperationTraceWriter.checkRate(sampleRate);
    this.traceFile = file;
    this.traceRate = sampleRate;
    return this;
  }

  /**
   * Whether an {@linkplain #operationTrace operation trace} also records the values written
   * (default false: only their sizes), so that a replay writes the same bytes (compression).
   *
   * @since 1.2
   */
  public StoreBuilder operationTraceValues(boolean record) {
    this.traceValues = record;
    return this;
  }

  /**
   * Opens the store.
   *
   * @return the engine, wrapped in the runtime's boundary; the caller must close it
   * @throws EngineNotFoundException if the engine is not installed (the message lists those that
   *     are), or no engine was named and the directory holds no store
   * @throws IncompatibleVersionException if the directory holds another engine's store, the engine
   *     was built against another SPI major version or a newer minor one, or a format is too new
   * @throws ContractViolationException if the engine's provider was refused, or misbehaved opening
   * @throws InvalidArgumentException for an unknown setting or a value its setting does not accept
   *     (naming the setting and what it must be), a durable engine without a directory, a directory
   *     that holds files but no store, a {@linkplain #statisticsFile statistics file} asked of a
   *     store without a directory or opened read-only, or {@linkplain #tracing(boolean) tracing}
   *     without the OpenTelemetry API
   * @throws CorruptionException if the store marker, or what the engine reads, is damaged
   * @throws StoreLockedException if the store is already open
   * @throws StorageIOException if the file system fails, or the store is missing and is not to be
   *     created
   */
  public StorageEngine open() {
    if (statisticsFileInterval != null && (directory == null || readOnly)) {
      throw new InvalidArgumentException(
          directory == null
              ? "a statistics file needs a store directory; this store has none"
              : "a statistics file is written into the store's directory, which a read-only open"
                  + " does not write; open "
                  + directory
                  + " for writing, or leave statisticsFile out");
    }
    Optional<String> marked = directory == null ? Optional.empty() : StoreMarker.read(directory);
    String name = engine;
    if (marked.isPresent()) {
      if (name == null) {
        name = marked.get();
      } else if (!name.equals(marked.get())) {
        throw new IncompatibleVersionException(
            "store at "
                + directory
                + " was written by engine '"
                + marked.get()
                + "', not '"
                + name
                + "'");
      }
    } else if (name == null) {
      throw new EngineNotFoundException(
          directory == null
              ? "no engine named: a store without a directory needs engine(name)"
              : "no engine named, and "
                  + directory
                  + " holds no store (no "
                  + StoreMarker.FILE_NAME
                  + " file) to say which"
                  + (directory != null && Files.exists(directory.resolve(DATABASE_CATALOG))
                      ? ": it is a database (it holds "
                          + DATABASE_CATALOG
                          + "), whose keyspaces are stores: open it with Cairn.database(dir) (on"
                          + " the command line: --db DIR --keyspace NAME)"
                      : "")
                  + "; "
                  + registry.known());
    }
    OperationTracer tracer = tracing ? OperationTracer.openTelemetry() : OperationTracer.NONE;
    StorageEngineProvider provider = registry.provider(name);
    EngineInfo info = registry.info(name);
    // NB: the statistics file reports the store's meters whatever the application's registry
    // keeps (the global one keeps nothing until a registry is added to it): with a file, every
    // meter is registered in both, through a composite.
    SimpleMeterRegistry published =
        statisticsFileInterval == null ? null : new SimpleMeterRegistry();
    MeterRegistry meterRegistry = this.meterRegistry;
    if (published != null) {
      CompositeMeterRegistry both = new CompositeMeterRegistry();
      both.add(meterRegistry);
      both.add(published);
      meterRegistry = both;
    }
    EngineEvents events =
        new EngineEvents(
            name,
            directory == null ? "(no directory)" : directory.toString(),
            eventThreshold,
            eventListener,
            meterRegistry);
    EngineOptions options = options(info, events);
    boolean creating = info.has(Capability.DURABLE) && marked.isEmpty();
    // NB: found before the marker's write creates anything, so a failed create removes only what
    // it made itself.
    Path firstMissing = creating ? firstMissing(directory) : null;
    boolean created;
    try {
      created = creating && prepareNewStore(name);
    } catch (RuntimeException e) {
      removeNewDirectories(firstMissing, e);
      throw e;
    }

    String storeTag = StoreTag.claim(storeName, directory);
    Meters meters = new Meters(meterRegistry, name, storeTag);
    ErrorConversion errors = new ErrorConversion(name, meters);
    Boundary boundary =
        new Boundary(
            info,
            directory,
            readOnly,
            meters,
            errors,
            new Leaks(name, leakListener, meters, openingStacks),
            tracer);
    StorageEngine opened = null;
    OperationTraceWriter trace = null;
    try {
      if (traceFile != null) {
        trace =
            OperationTraceWriter.open(
                traceFile,
                traceRate,
                traceValues,
                TRACE_MAX_BYTES,
                name,
                defaultDurability,
                info.has(Capability.DURABLE),
                info.has(Capability.ORDERED_SCANS));
      }
      opened = provider.open(options);
      if (opened == null) {
        throw errors.violation(Op.OPEN, "returned null from open()");
      }
      Durability durability = opened.defaultDurability();
      if (durability == null) {
        throw errors.violation(Op.OPEN, "returned a null default durability");
      }
      BoundaryEngine store = new BoundaryEngine(boundary, opened, durability, storeTag);
      observe(store, name, storeTag, meterRegistry, published);
      return trace == null ? store : new RecordingEngine(store, trace);
    } catch (Throwable t) {
      RuntimeException e = errors.convert(Op.OPEN, t);
      if (trace != null) {
        trace.close();
      }
      if (opened != null) {
        closeQuietly(opened, e);
      }
      meters.close();
      StoreTag.release(storeTag);
      if (created && removeNewMarker(e)) {
        removeNewDirectories(firstMissing, e);
      }
      throw e;
    }
  }

  /**
   * Binds the store's statistics gauges to the meter registry and, if asked, starts its statistics
   * file; both end when the store closes.
   */
  private void observe(
      BoundaryEngine store,
      String engineName,
      String storeTag,
      MeterRegistry meterRegistry,
      SimpleMeterRegistry published) {
    StoreStatisticsBinder gauges =
        new StoreStatisticsBinder(
            engineName,
            storeTag,
            store::statisticsForMeters,
            // NB: a statistics file shows figures as fresh as its own interval
            statisticsFileInterval != null
                    && statisticsFileInterval.compareTo(statisticsInterval) < 0
                ? statisticsFileInterval
                : statisticsInterval,
            System::nanoTime);
    store.closeWith(gauges);
    gauges.bindTo(meterRegistry);
    if (statisticsFileInterval != null) {
      store.closeWith(
          StatisticsFile.start(directory, engineName, gauges, published, statisticsFileInterval));
    }
  }

  private EngineOptions options(EngineInfo info, EngineEventListener events) {
    EngineOptions.Builder b =
        EngineOptions.builder()
            .eventListener(events)
            .createIfMissing(createIfMissing)
            .readOnly(readOnly)
            .defaultDurability(defaultDurability)
            .settings(settings);
    if (directory != null) {
      b.directory(directory);
    }
    EngineOptions options = b.build();
    checkSettings(options, info);
    if (info.has(Capability.DURABLE)) {
      options.requireDirectory(info.name());
    }
    return options;
  }

  /**
   * Refuses, before the engine is opened or a store marker written, a setting the engine does not
   * list (the message lists those it does) and a value its setting does not accept, read as the
   * setting's type (SPI 1.1: the message names the engine, the setting, the value and what it must
   * be, for example "engine 'hash': setting 'merge.interval' must be duration in [1s, 1d], got
   * '1x'"). The engine checks again ({@link EngineOptions#requireKnownSettings}).
   *
   * @throws InvalidArgumentException for an unknown setting or an invalid value
   */
  private static void checkSettings(EngineOptions options, EngineInfo info) {
    Set<String> unknown = new TreeSet<>(options.settings().keySet());
    info.settings().forEach(s -> unknown.remove(s.name()));
    if (!unknown.isEmpty()) {
      options.requireKnownSettings(info.name(), info.settings()); // throws, naming them
    }
    for (EngineSetting s : info.settings()) {
      String value = options.settings().get(s.name());
      if (value != null) {
        try {
          s.parse(value);
        } catch (InvalidArgumentException e) {
          throw new InvalidArgumentException("engine '" + info.name() + "': " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Writes the marker of a store about to be created in {@link #directory}, which has none.
   *
   * @return true (the marker was written)
   */
  private boolean prepareNewStore(String name) {
    List<String> entries = StoreMarker.entries(directory, 4);
    if (!entries.isEmpty()) {
      throw new InvalidArgumentException(
          "directory "
              + directory
              + " is not empty (it holds "
              + String.join(", ", entries.subList(0, Math.min(3, entries.size())))
              + (entries.size() > 3 ? ", ..." : "")
              + ") and has no "
              + StoreMarker.FILE_NAME
              + " file, so it is not a store; create a store in a new or empty directory");
    }
    if (readOnly || !createIfMissing) {
      throw new StorageIOException(
          "no store at "
              + directory
              + (readOnly
                  ? "; a read-only open never creates one"
                  : " and createIfMissing is off"));
    }
    StoreMarker.write(directory, name);
    return true;
  }

  /**
   * Undoes {@link #prepareNewStore} when the engine failed before writing anything.
   *
   * @return true when the directory is empty again (the engine left nothing in it)
   */
  private boolean removeNewMarker(RuntimeException failure) {
    try {
      if (StoreMarker.entries(directory, 2).equals(List.of(StoreMarker.FILE_NAME))) {
        StoreMarker.remove(directory);
        return true;
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    return false;
  }

  /**
   * The top-most directory of {@code directory}'s path that does not exist, which creating the
   * store would create; null when {@code directory} exists.
   */
  private static Path firstMissing(Path directory) {
    Path missing = null;
    for (Path p = directory.toAbsolutePath(); p != null && Files.notExists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  /**
   * Removes the directories a failed create made, from {@link #directory} up to {@code
   * firstMissing}, each only while it is empty: a failed {@code open} leaves the file system as it
   * found it, rather than an empty directory that later looks like a store's place.
   */
  private void removeNewDirectories(Path firstMissing, RuntimeException failure) {
    if (firstMissing == null) {
      return;
    }
    for (Path p = directory.toAbsolutePath(); p != null; p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (DirectoryNotEmptyException e) {
        return; // someone else's now, or the engine's evidence
      } catch (IOException e) {
        failure.addSuppressed(e);
        return;
      }
      if (p.equals(firstMissing)) {
        return;
      }
    }
  }

  private static void closeQuietly(StorageEngine engine, RuntimeException failure) {
    try {
      engine.close();
    } catch (Throwable t) {
      ProviderCheck.rethrowFatal(t);
      failure.addSuppressed(t);
    }
  }
}
