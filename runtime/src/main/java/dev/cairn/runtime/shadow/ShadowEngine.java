package dev.cairn.runtime.shadow;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store that is its primary, with a candidate engine shadowing it: every write the primary
 * acknowledges is mirrored to the candidate, and a sampled fraction of reads is read from the
 * candidate too and compared. The canary of an engine swap: run the candidate beside the engine
 * that serves, see that it agrees and how fast it is ({@link #report()}, the {@code cairn.shadow.*}
 * meters, {@code cairn shadow-report}), then make it the engine by a migration's cut-over.
 *
 * <p>The caller sees the primary and only the primary: every result, exception and latency is the
 * primary's. Writes are mirrored <b>after</b> the primary acknowledged them, asynchronously, by one
 * thread of the shadow's that alone calls the candidate; whatever the candidate throws is caught,
 * counted and reported, never passed on. The queue between them is bounded: when the candidate
 * falls behind, the writes that do not fit are dropped and counted (their keys are then not
 * compared until written again), so a slow or hung candidate neither slows the primary nor grows
 * memory. See {@code docs/shadow.md}.
 *
 * <p>What is mirrored: puts, deletes, batches (without their preconditions, once the primary
 * applied them), range deletes, conditional writes that the primary applied (as the plain write
 * they became), keyspace creation and removal, and flushes, and the same through the {@link
 * Keyspace} handles it gives out. What is compared: sampled {@link #get} and {@link #multiGet}
 * keys, of the store and of its keyspace handles. Cursors, snapshots, statistics, checkpoints,
 * compaction and the consistency check are the primary's alone.
 *
 * <p>Thread-safe as the primary is. Must be closed: closing closes the primary (on the caller's
 * thread, as usual), then lets the mirror finish its queue and close the candidate, waiting at most
 * the {@linkplain Builder#closePatience(Duration) close patience}.
 *
 * @since 1.2
 */
public final class ShadowEngine implements StorageEngine {

  /** How many mismatches and failures a report keeps as examples. */
  public static final int MAX_EXAMPLES = 16;

  /** How many bytes of a key a report or a log line shows, in hex. */
  public static final int KEY_HEX_BYTES = 32;

  private final StorageEngine primary;
  private final String name;
  private final String primaryName;
  private final String candidateName;
  private final double sampleRate;
  private final long sampleThreshold;
  private final long seed;
  private final AtomicLong reads = new AtomicLong();
  private final WriteOrder order = new WriteOrder();
  private final ShadowFigures figures;
  private final Mirror mirror;
  private final MeterRegistry registry;
  private final Duration closePatience;
  private final Instant started = Instant.now();
  private final ShadowReportFile reportFile;
  private volatile boolean closed;

  private ShadowEngine(Builder b) {
    this.primary = b.primary;
    this.name = b.name;
    this.primaryName = b.primaryName;
    this.candidateName = b.candidateName;
    this.sampleRate = b.sampleRate;
    this.sampleThreshold =
        b.sampleRate >= 1 ? Long.MAX_VALUE : (long) (b.sampleRate * 0x1p63); // NB: of 63 bits
    this.seed = b.seed;
    this.figures = new ShadowFigures(b.name, b.slowerBy.toNanos());
    this.mirror = new Mirror(b.name, b.candidate, figures, b.queueCapacity, order);
    this.registry = b.registry;
    this.closePatience = b.closePatience;
    figures.bind(
        registry,
        Tags.of("shadow", b.name, "primary", b.primaryName, "candidate", b.candidateName),
        mirror);
    mirror.start();
    this.reportFile =
        b.reportDirectory == null
            ? null
            : ShadowReportFile.start(b.reportDirectory, this::report, b.reportInterval);
  }

  /**
   * Starts building a shadow of {@code primary} by {@code candidate}. The shadow takes both: it
   * closes them when it closes.
   *
   * @throws InvalidArgumentException if either is null, or they are the same store
   */
  public static Builder builder(StorageEngine primary, StorageEngine candidate) {
    if (primary == null || candidate == null) {
      throw new InvalidArgumentException("primary and candidate must not be null");
    }
    if (primary == candidate) {
      throw new InvalidArgumentException("the candidate must be another store than the primary");
    }
    return new Builder(primary, candidate);
  }

  /** What the shadow has seen so far. */
  public ShadowReport report() {
    return new ShadowReport(
        name,
        primaryName,
        candidateName,
        started,
        Instant.now(),
        sampleRate,
        figures.writes.sum(),
        figures.writesMirrored.sum(),
        figures.writesDropped.sum(),
        figures.writesFailed.sum(),
        figures.readsSampled.sum(),
        figures.readsCompared.sum(),
        figures.readsSkipped.sum(),
        figures.readsDropped.sum(),
        figures.readsFailed.sum(),
        figures.mismatches.sum(),
        figures.candidateSlower.sum(),
        figures.slowerByNanos(),
        mirror.queued(),
        mirror.capacity(),
        mirror.state(),
        figures.examples(),
        figures.failures(),
        figures.primaryReads.snapshot(),
        figures.candidateReads.snapshot(),
        figures.primaryWrites.snapshot(),
        figures.candidateWrites.snapshot());
  }

  /**
   * Waits until the mirror has applied every task queued before the call, or {@code timeout}
   * passed: for tests and for a report taken after a known workload.
   *
   * @return true if the queue drained in time
   */
  public boolean awaitMirrored(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    // NB: a marker task would not fit in a full queue; the queue draining is what is waited for
    while (mirror.queued() > 0 || inFlight()) {
      if (System.nanoTime() - end > 0 || !"running".equals(mirror.state())) {
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private boolean inFlight() {
    long n =
        figures.writesMirrored.sum() + figures.writesFailed.sum() + figures.writesDropped.sum();
    long m = figures.readsCompared.sum() + figures.readsFailed.sum() + figures.readsDropped.sum();
    return n < figures.writes.sum() || m < figures.readsSampled.sum() - figures.readsSkipped.sum();
  }

  // Reads ----------------------------------------------------------------------------------------

  private boolean sampled() {
    if (sampleThreshold == 0) {
      return false;
    }
    long r = WriteOrder.mix(seed + reads.incrementAndGet() * 0x9E3779B97F4A7C15L) >>> 1;
    return r < sampleThreshold;
  }

  @Override
  public byte[] get(byte[] key) {
    return sampledGet(Keyspace.DEFAULT, primary, key);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return sampledMultiGet(Keyspace.DEFAULT, primary, keys);
  }

  /** {@code view.get(key)}, the primary's answer; compared with the candidate's if sampled. */
  private byte[] sampledGet(String keyspace, ReadView view, byte[] key) {
    if (!sampled() || key == null) {
      return view.get(key);
    }
    long began = order.sequence();
    long t0 = System.nanoTime();
    byte[] value = view.get(key);
    judge(keyspace, key, value, System.nanoTime() - t0, began);
    return value;
  }

  /** {@code view.multiGet(keys)}, the primary's answer; its sampled keys compared. */
  private List<byte[]> sampledMultiGet(String keyspace, ReadView view, List<byte[]> keys) {
    if (keys == null || keys.isEmpty()) {
      return view.multiGet(keys);
    }
    boolean[] chosen = new boolean[keys.size()];
    boolean any = false;
    for (int i = 0; i < chosen.length; i++) {
      chosen[i] = sampled() && keys.get(i) != null;
      any |= chosen[i];
    }
    if (!any) {
      return view.multiGet(keys);
    }
    long began = order.sequence();
    long t0 = System.nanoTime();
    List<byte[]> values = view.multiGet(keys);
    long nanos = (System.nanoTime() - t0) / keys.size();
    for (int i = 0; i < chosen.length && i < values.size(); i++) {
      if (chosen[i]) {
        judge(keyspace, keys.get(i), values.get(i), nanos, began);
      }
    }
    return values;
  }

  private void judge(String keyspace, byte[] key, byte[] value, long nanos, long began) {
    figures.readsSampled.increment();
    figures.primaryReads.record(nanos);
    Mirror.Compare c =
        new Mirror.Compare(keyspace, key.clone(), value == null ? null : value.clone(), nanos);
    switch (order.compare(WriteOrder.hash(keyspace, key), began, seq -> mirror.offer(c))) {
      case SKIPPED -> figures.readsSkipped.increment();
      case DROPPED -> figures.readsDropped.increment();
      case COMPARED -> {}
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return primary.cursor(range, direction);
  }

  @Override
  public long approximateCount(KeyRange range) {
    return primary.approximateCount(range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    return primary.approximateSize(range);
  }

  // Writes ---------------------------------------------------------------------------------------

  @Override
  public Durability defaultDurability() {
    return primary.defaultDurability();
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    if (key == null || value == null) {
      primary.put(key, value, durability); // NB: the primary's own error
      return;
    }
    WriteOrder.Footprint f = footprint(key);
    long began = order.begin(f);
    long nanos;
    try {
      long t0 = System.nanoTime();
      primary.put(key, value, durability);
      nanos = System.nanoTime() - t0;
    } catch (RuntimeException | Error e) {
      order.abandon(f);
      throw e;
    }
    mirror(f, began, nanos, () -> new Mirror.Put(key.clone(), value.clone(), durability, nanos));
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    if (key == null) {
      primary.delete(key, durability);
      return;
    }
    WriteOrder.Footprint f = footprint(key);
    long began = order.begin(f);
    long nanos;
    try {
      long t0 = System.nanoTime();
      primary.delete(key, durability);
      nanos = System.nanoTime() - t0;
    } catch (RuntimeException | Error e) {
      order.abandon(f);
      throw e;
    }
    mirror(f, began, nanos, () -> new Mirror.Delete(key.clone(), durability, nanos));
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    if (batch == null) {
      primary.write(batch, durability);
      return;
    }
    WriteOrder.Footprint f = footprint(batch);
    long began = order.begin(f);
    long nanos;
    try {
      long t0 = System.nanoTime();
      primary.write(batch, durability);
      nanos = System.nanoTime() - t0;
    } catch (RuntimeException | Error e) {
      order.abandon(f);
      throw e;
    }
    mirror(f, began, nanos, () -> new Mirror.Batch(unconditional(batch), durability, nanos));
  }

  @Override
  public void deleteRange(KeyRange range, Durability durability) {
    if (range == null) {
      primary.deleteRange(range, durability);
      return;
    }
    WriteOrder.Footprint f = new WriteOrder.Footprint(new long[0], true);
    long began = order.begin(f);
    long nanos;
    try {
      long t0 = System.nanoTime();
      primary.deleteRange(range, durability);
      nanos = System.nanoTime() - t0;
    } catch (RuntimeException | Error e) {
      order.abandon(f);
      throw e;
    }
    mirror(f, began, nanos, () -> new Mirror.DeleteRange(range, durability, nanos));
  }

  @Override
  public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    if (key == null || value == null) {
      return primary.putIfAbsent(key, value, durability);
    }
    WriteOrder.Footprint f = footprint(key);
    long began = order.begin(f);
    long nanos;
    boolean applied;
    try {
      long t0 = System.nanoTime();
      applied = primary.putIfAbsent(key, value, durability);
      nanos = System.nanoTime() - t0;
    } catch (RuntimeException | Error e) {
      order.abandon(f);
      throw e;
    }
    if (!applied) {
      order.abandon(f);
      return false;
    }
    mirror(f, began, nanos, () -> new Mirror.Put(key.clone(), value.clone(), durability, nanos));
    return true;
  }

  @Override
  public boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
    if (key == null || value == null) {
      return primary.replace(key, expected, value, durability);
    }
    WriteOrder.Footprint f = footprint(key);
    long began = order.begin(f);
    long nanos;
    boolean applied;
    try {
      long t0 = System.nanoTime();
      applied = primary.replace(key, expected, value, durability);
      nanos = System.nanoTime() - t0;
    } catch (RuntimeException | Error e) {
      order.abandon(f);
      throw e;
    }
    if (!applied) {
      order.abandon(f);
      return false;
    }
    mirror(f, began, nanos, () -> new Mirror.Put(key.clone(), value.clone(), durability, nanos));
    return true;
  }

  @Override
  public boolean deleteIfEquals(byte[] key, byte[] expected, Durability durability) {
    if (key == null) {
      return primary.deleteIfEquals(key, expected, durability);
    }
    WriteOrder.Footprint f = footprint(key);
    long began = order.begin(f);
    long nanos;
    boolean applied;
    try {
      long t0 = System.nanoTime();
      applied = primary.deleteIfEquals(key, expected, durability);
      nanos = System.nanoTime() - t0;
    } catch (RuntimeException | Error e) {
      order.abandon(f);
      throw e;
    }
    if (!applied) {
      order.abandon(f);
      return false;
    }
    mirror(f, began, nanos, () -> new Mirror.Delete(key.clone(), durability, nanos));
    return true;
  }

  /** Queues the task {@code make} builds (only when it may fit: copying a batch costs). */
  private void mirror(
      WriteOrder.Footprint f,
      long began,
      long primaryNanos,
      java.util.function.Supplier<Mirror.Task> make) {
    figures.writes.increment();
    figures.primaryWrites.record(primaryNanos);
    Mirror.Task task = mirror.hasRoom() ? make.get() : null;
    if (!order.queue(f, began, seq -> task != null && mirror.offer(task))) {
      figures.writesDropped.increment();
    }
  }

  private static WriteOrder.Footprint footprint(byte[] key) {
    return new WriteOrder.Footprint(new long[] {WriteOrder.hash(Keyspace.DEFAULT, key)}, false);
  }

  private static WriteOrder.Footprint footprint(WriteBatch batch) {
    List<Long> hashes = new ArrayList<>(batch.size());
    boolean ranges = false;
    for (String ks : batch.keyspaces()) {
      for (WriteBatch.Operation op : batch.operations(ks)) {
        if (op instanceof WriteBatch.DeleteRange) {
          ranges = true;
        } else {
          hashes.add(WriteOrder.hash(ks, op.key()));
        }
      }
    }
    long[] h = new long[hashes.size()];
    for (int i = 0; i < h.length; i++) {
      h[i] = hashes.get(i);
    }
    return new WriteOrder.Footprint(h, ranges);
  }

  /** A copy of {@code batch}'s operations without its preconditions (the primary checked them). */
  private static WriteBatch unconditional(WriteBatch batch) {
    WriteBatch copy = new WriteBatch();
    for (String ks : batch.keyspaces()) {
      for (WriteBatch.Operation op : batch.operations(ks)) {
        switch (op) {
          case WriteBatch.Put p -> copy.put(ks, p.key(), p.value());
          case WriteBatch.Delete d -> copy.delete(ks, d.key());
          case WriteBatch.DeleteRange r -> copy.deleteRange(ks, r.range());
        }
      }
    }
    return copy;
  }

  // Keyspaces, and what is the primary's alone ---------------------------------------------------

  @Override
  public List<String> keyspaces() {
    return primary.keyspaces();
  }

  /**
   * The primary's keyspace handle, shadowed: writes through it are mirrored to the candidate's
   * keyspace of the same name, and sampled reads compared there, as the store's own are.
   */
  @Override
  public Keyspace keyspace(String name) {
    return new ShadowKeyspace(primary.keyspace(name));
  }

  @Override
  public Keyspace createKeyspace(String name) {
    Keyspace k = primary.createKeyspace(name);
    mirrorOther(new Mirror.CreateKeyspace(name));
    return new ShadowKeyspace(k);
  }

  /**
   * A keyspace of the primary seen through the shadow: its writes mirrored as one-keyspace batches
   * (after the primary acknowledged them), its sampled reads compared. Conditional writes and range
   * deletes go through the shadow's {@link ShadowEngine#write} (the SPI's defaults do), which
   * mirrors them once the primary applied them.
   */
  private final class ShadowKeyspace implements Keyspace {
    private final Keyspace own;

    ShadowKeyspace(Keyspace own) {
      this.own = own;
    }

    @Override
    public String name() {
      return own.name();
    }

    @Override
    public StorageEngine store() {
      return ShadowEngine.this;
    }

    @Override
    public byte[] get(byte[] key) {
      return sampledGet(own.name(), own, key);
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
      return sampledMultiGet(own.name(), own, keys);
    }

    @Override
    public Cursor cursor(KeyRange range, Direction direction) {
      return own.cursor(range, direction);
    }

    @Override
    public long approximateCount(KeyRange range) {
      return own.approximateCount(range);
    }

    @Override
    public long approximateSize(KeyRange range) {
      return own.approximateSize(range);
    }

    @Override
    public void put(byte[] key, byte[] value, Durability durability) {
      if (key == null || value == null) {
        own.put(key, value, durability); // NB: the primary's own error
        return;
      }
      String ks = own.name();
      write(
          key,
          () -> own.put(key, value, durability),
          () -> new WriteBatch().put(ks, key.clone(), value.clone()),
          durability);
    }

    @Override
    public void delete(byte[] key, Durability durability) {
      if (key == null) {
        own.delete(key, durability);
        return;
      }
      String ks = own.name();
      write(
          key,
          () -> own.delete(key, durability),
          () -> new WriteBatch().delete(ks, key.clone()),
          durability);
    }

    /**
     * Runs {@code call} on the primary in the write order of {@code key} of this keyspace, then
     * mirrors what {@code batch} makes as a one-keyspace batch.
     */
    private void write(
        byte[] key,
        Runnable call,
        java.util.function.Supplier<WriteBatch> batch,
        Durability durability) {
      WriteOrder.Footprint f =
          new WriteOrder.Footprint(new long[] {WriteOrder.hash(own.name(), key)}, false);
      long began = order.begin(f);
      long nanos;
      try {
        long t0 = System.nanoTime();
        call.run();
        nanos = System.nanoTime() - t0;
      } catch (RuntimeException | Error e) {
        order.abandon(f);
        throw e;
      }
      mirror(f, began, nanos, () -> new Mirror.Batch(batch.get(), durability, nanos));
    }

    @Override
    public dev.cairn.spi.EngineStatistics statistics() {
      return own.statistics();
    }

    @Override
    public String toString() {
      return "shadowed " + own;
    }
  }

  @Override
  public void dropKeyspace(String name) {
    primary.dropKeyspace(name);
    // NB: its keys are gone from the primary, in no order the candidate can follow key by key
    WriteOrder.Footprint f = new WriteOrder.Footprint(new long[0], true);
    long began = order.begin(f);
    figures.writes.increment();
    if (!order.queue(f, began, seq -> mirror.offer(new Mirror.DropKeyspace(name)))) {
      figures.writesDropped.increment();
    }
  }

  private void mirrorOther(Mirror.Task task) {
    figures.writes.increment();
    if (!mirror.offer(task)) {
      figures.writesDropped.increment();
    }
  }

  @Override
  public Health health() {
    return primary.health();
  }

  @Override
  public Snapshot snapshot() {
    return primary.snapshot();
  }

  @Override
  public void flush() {
    primary.flush();
    mirror.offer(new Mirror.Flush());
  }

  @Override
  public void checkpoint(Path target) {
    primary.checkpoint(target);
  }

  @Override
  public long compact() {
    return primary.compact();
  }

  @Override
  public EngineStatistics statistics() {
    return primary.statistics();
  }

  @Override
  public ConsistencyReport checkConsistency() {
    return primary.checkConsistency();
  }

  /**
   * Closes the primary, then stops the mirror: it finishes its queue and closes the candidate,
   * waiting at most the close patience; a candidate still busy then is left to finish on the
   * mirror's thread (logged). The primary's close exception, if any, is thrown; the candidate's is
   * counted. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      primary.close();
    } finally {
      if (!mirror.stop(closePatience)) {
        figures.failure(
            "to finish within " + closePatience + " of close; left to its thread",
            new java.util.concurrent.TimeoutException("the candidate is still busy"));
      }
      if (reportFile != null) {
        reportFile.close();
      }
      figures.unbind(registry);
    }
  }

  @Override
  public String toString() {
    return "shadow " + name + " (" + primaryName + " shadowed by " + candidateName + ")";
  }

  /**
   * Sets up a {@link ShadowEngine}. Not thread-safe.
   *
   * @since 1.2
   */
  public static final class Builder {

    private final StorageEngine primary;
    private final StorageEngine candidate;
    private String name = "shadow";
    private String primaryName = "primary";
    private String candidateName = "candidate";
    private double sampleRate = 0.01;
    private long seed = 1;
    private int queueCapacity = 10_000;
    private Duration slowerBy = Duration.ofMillis(1);
    private Duration closePatience = Duration.ofSeconds(10);
    private MeterRegistry registry = Metrics.globalRegistry;
    private Path reportDirectory;
    private Duration reportInterval;

    private Builder(StorageEngine primary, StorageEngine candidate) {
      this.primary = primary;
      this.candidate = candidate;
    }

    /**
     * The shadow's name: its meters' {@code shadow} tag and its thread's name; default {@code
     * "shadow"}. {@code primary} and {@code candidate} say what the two stores are (their engines'
     * names, say), for the meters' tags and the report. Give each shadow of a JVM its own name: two
     * of one name in one registry would share meters.
     *
     * @throws InvalidArgumentException if any is null or blank
     */
    public Builder names(String name, String primary, String candidate) {
      for (String s : new String[] {name, primary, candidate}) {
        if (s == null || s.isBlank()) {
          throw new InvalidArgumentException("shadow names must not be null or blank");
        }
      }
      this.name = name;
      this.primaryName = primary;
      this.candidateName = candidate;
      return this;
    }

    /**
     * The fraction of reads also read from the candidate and compared, in [0, 1]; default 0.01.
     *
     * @throws InvalidArgumentException if out of range
     */
    public Builder sampleRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new InvalidArgumentException("sample rate must be in [0, 1], got " + rate);
      }
      this.sampleRate = rate;
      return this;
    }

    /**
     * The seed of the sampler: the n-th read of the shadow is sampled or not as a function of the
     * seed and n, so a single-threaded workload samples the same reads every run. Default 1.
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * How many tasks (writes and comparisons) may wait for the candidate; default 10,000. Beyond,
     * tasks are dropped and counted.
     *
     * @throws InvalidArgumentException unless in [1, 10,000,000]
     */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1 || capacity > 10_000_000) {
        throw new InvalidArgumentException(
            "queue capacity must be in [1, 10000000], got " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * By how much the candidate must be slower than the primary on an operation for it to count in
     * {@code cairn.shadow.slower}; default 1 ms.
     *
     * @throws InvalidArgumentException if null or negative
     */
    public Builder slowerBy(Duration margin) {
      if (margin == null || margin.isNegative()) {
        throw new InvalidArgumentException("slowerBy must be a duration >= 0, got " + margin);
      }
      this.slowerBy = margin;
      return this;
    }

    /**
     * How long {@link ShadowEngine#close()} waits for the mirror to finish its queue; default 10 s.
     *
     * @throws InvalidArgumentException if null or negative
     */
    public Builder closePatience(Duration patience) {
      if (patience == null || patience.isNegative()) {
        throw new InvalidArgumentException("close patience must be >= 0, got " + patience);
      }
      this.closePatience = patience;
      return this;
    }

    /**
     * Where the {@code cairn.shadow.*} meters are registered; default {@link
     * Metrics#globalRegistry}.
     *
     * @throws InvalidArgumentException if null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      if (registry == null) {
        throw new InvalidArgumentException("meter registry must not be null");
      }
      this.registry = registry;
      return this;
    }

    /**
     * Publishes the report for {@code cairn shadow-report} in another process: a daemon thread
     * rewrites {@value ShadowReportFile#FILE_NAME} in {@code directory} (the primary's store
     * directory, usually) every {@code interval}, as the statistics file is (decision 0019; format
     * {@code docs/formats/shadow-report.md}), and the shadow removes it when it closes.
     *
     * @throws InvalidArgumentException if an argument is null, the directory does not exist, or the
     *     interval is not in [10 ms, 1 h]
     */
    public Builder reportFile(Path directory, Duration interval) {
      if (directory == null || !java.nio.file.Files.isDirectory(directory)) {
        throw new InvalidArgumentException(
            "the shadow report's directory must exist, got " + directory);
      }
      if (interval == null
          || interval.compareTo(Duration.ofMillis(10)) < 0
          || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new InvalidArgumentException(
            "shadow report interval must be in [10ms, 1h], got " + interval);
      }
      this.reportDirectory = directory;
      this.reportInterval = interval;
      return this;
    }

    /** Starts the shadow: its mirror thread, its meters, its report file if asked for. */
    public ShadowEngine start() {
      return new ShadowEngine(this);
    }
  }
}
