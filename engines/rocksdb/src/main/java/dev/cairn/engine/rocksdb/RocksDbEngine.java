package dev.cairn.engine.rocksdb;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * An open RocksDB store behind the SPI.
 *
 * <p>Thread-safe. Owns every native object it creates (the database and what it was opened with, in
 * {@link NativeStore}; each keyspace's column family handle; each cursor's iterator and each
 * snapshot) and frees each exactly once. Every call {@linkplain OpenGuard enters} the engine's
 * guard, so {@link #close()} waits for calls in flight before it frees anything: no native object
 * is used after it is freed, which in RocksJava would crash the process instead of throwing. A
 * keyspace's handle lives as long as its {@link ColumnFamily} is pinned.
 *
 * <p>Writes go through the {@link Writer}, whose lock makes conditional batches atomic; keyspaces
 * are column families ({@link Keyspaces}).
 *
 * <p>Fail-stop: when a write fails with an I/O error (an fsync that failed, a full disk), or
 * RocksDB's background work fails to write a table file or the WAL (heard by {@link
 * BackgroundErrors}), the store stops: every later write and {@link #flush()} throws {@link
 * EngineFailedException} until the store is reopened, {@link #health()} says {@code FAILED} and
 * {@link #statistics()} reports {@code fail-stopped=1}. Reads go on. A failed compaction only
 * degrades the store.
 */
final class RocksDbEngine implements StorageEngine {

  private final Path directory;
  private final Durability defaultDurability;
  private final NativeStore natives;
  private final RocksDB db;
  private final ReadOptions reads;
  private final long cacheCapacity;
  private final OpenGuard guard = new OpenGuard("store");
  private final Set<RocksDbCursor> cursors = ConcurrentHashMap.newKeySet();
  private final Set<RocksDbSnapshot> snapshots = ConcurrentHashMap.newKeySet();
  private final FailStop failStop;
  private final BackgroundErrors backgroundErrors;
  private final Keyspaces keyspaces;
  private final ColumnFamily defaultFamily;
  private final Writer writer;
  private final StoreProperties properties;
  private final EngineEventListener events;

  private RocksDbEngine(NativeStore natives, EngineOptions options, RocksDbSettings settings) {
    this.natives = natives;
    this.directory = natives.directory();
    this.defaultDurability = options.defaultDurability();
    this.db = natives.db();
    this.reads = natives.reads();
    this.cacheCapacity = settings.blockCacheBytes();
    this.failStop = natives.failStop();
    this.backgroundErrors = natives.backgroundErrors();
    this.keyspaces = natives.keyspaces();
    this.defaultFamily = keyspaces.defaultFamily();
    this.writer =
        new Writer(
            db,
            directory,
            options.readOnly(),
            failStop,
            keyspaces,
            natives.syncWrites(),
            natives.bufferedWrites(),
            reads,
            options.eventListener());
    this.events = options.eventListener();
    this.properties = new StoreProperties(db, directory);
  }

  static RocksDbEngine open(EngineOptions options, RocksDbSettings settings) {
    return open(options, settings, rocksOptions -> {});
  }

  /**
   * Opens the store, letting {@code tuning} adjust RocksDB's options last; for tests that need a
   * RocksDB option no engine setting reaches ({@link NativeStore#open}).
   */
  static RocksDbEngine open(
      EngineOptions options, RocksDbSettings settings, Consumer<Options> tuning) {
    return new RocksDbEngine(NativeStore.open(options, settings, tuning), options, settings);
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public byte[] get(byte[] key) {
    return get(defaultFamily, key);
  }

  byte[] get(ColumnFamily cf, byte[] key) {
    Limits.checkKey(key);
    enter(cf);
    try {
      return db.get(cf.handle(), reads, key);
    } catch (RocksDBException e) {
      throw RocksErrors.map("get failed", e);
    } finally {
      exit(cf);
    }
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return multiGet(defaultFamily, keys);
  }

  /** Reads every key at one snapshot, taken for the call. */
  List<byte[]> multiGet(ColumnFamily cf, List<byte[]> keys) {
    checkKeys(keys);
    enter(cf);
    try {
      org.rocksdb.Snapshot snapshot = db.getSnapshot();
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
        return multiGet(db, cf, ro, keys);
      } finally {
        db.releaseSnapshot(snapshot);
      }
    } finally {
      exit(cf);
    }
  }

  static void checkKeys(List<byte[]> keys) {
    if (keys == null) {
      throw new InvalidArgumentException("keys is null");
    }
    for (byte[] key : keys) {
      Limits.checkKey(key);
    }
  }

  /** {@code MultiGet} of {@code keys} in {@code cf} with {@code ro}; a new, modifiable list. */
  static List<byte[]> multiGet(RocksDB db, ColumnFamily cf, ReadOptions ro, List<byte[]> keys) {
    if (keys.isEmpty()) {
      return new ArrayList<>();
    }
    try {
      return new ArrayList<>(
          db.multiGetAsList(ro, Collections.nCopies(keys.size(), cf.handle()), keys));
    } catch (RocksDBException e) {
      throw RocksErrors.map("multiGet failed", e);
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return cursor(defaultFamily, range, direction);
  }

  Cursor cursor(ColumnFamily cf, KeyRange range, Direction direction) {
    checkCursorArgs(range, direction);
    enter(cf);
    try {
      if (!cf.pin()) { // NB: cannot fail inside enter(cf); released when the cursor closes
        throw new IllegalStateException(cf + " has no handle left to pin");
      }
      ReadOptions ro = new ReadOptions();
      RocksIterator it = db.newIterator(cf.handle(), ro);
      RocksDbCursor c =
          new RocksDbCursor(
              guard,
              null,
              ro,
              it,
              range,
              direction,
              closed -> {
                cursors.remove(closed);
                cf.unpin();
              });
      cursors.add(c);
      return c;
    } finally {
      exit(cf);
    }
  }

  static void checkCursorArgs(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("range and direction are required");
    }
  }

  @Override
  public long approximateCount(KeyRange range) {
    return approximateCount(defaultFamily, range);
  }

  /**
   * An estimate from RocksDB's metadata; an exact count for small ranges ({@link Approximations}).
   */
  long approximateCount(ColumnFamily cf, KeyRange range) {
    Approximations.Estimate e = estimate(cf, range);
    if (e.count() >= Approximations.EXACT_BELOW) {
      return e.count();
    }
    try (Cursor c = cursor(cf, range, Direction.FORWARD)) {
      return Approximations.count(c);
    }
  }

  @Override
  public long approximateSize(KeyRange range) {
    return approximateSize(defaultFamily, range);
  }

  /** An estimate from RocksDB's metadata; exact for small ranges ({@link Approximations}). */
  long approximateSize(ColumnFamily cf, KeyRange range) {
    Approximations.Estimate e = estimate(cf, range);
    if (e.count() >= Approximations.EXACT_BELOW) {
      return e.bytes();
    }
    try (Cursor c = cursor(cf, range, Direction.FORWARD)) {
      return Approximations.bytes(c);
    }
  }

  private Approximations.Estimate estimate(ColumnFamily cf, KeyRange range) {
    if (range == null) {
      throw new InvalidArgumentException("range is null");
    }
    enter(cf);
    try {
      return Approximations.of(db, cf.handle(), range);
    } catch (RocksDBException e) {
      throw RocksErrors.map("estimating " + range + " failed", e);
    } finally {
      exit(cf);
    }
  }

  /** Enters the store, then the keyspace; see {@link ColumnFamily}. */
  private void enter(ColumnFamily cf) {
    guard.enter();
    try {
      cf.enter();
    } catch (RuntimeException e) {
      guard.exit();
      throw e;
    }
  }

  private void exit(ColumnFamily cf) {
    cf.exit();
    guard.exit();
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public Durability defaultDurability() {
    return defaultDurability;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    put(defaultFamily, key, value, durability);
  }

  void put(ColumnFamily cf, byte[] key, byte[] value, Durability durability) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    guard.enter();
    try {
      writer.put(cf, key, value, durability);
    } finally {
      guard.exit();
    }
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    delete(defaultFamily, key, durability);
  }

  void delete(ColumnFamily cf, byte[] key, Durability durability) {
    Limits.checkKey(key);
    guard.enter();
    try {
      writer.delete(cf, key, durability);
    } finally {
      guard.exit();
    }
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    write(batch, durability, null);
  }

  /** See {@link Writer#write}; {@code only} binds the batch to one keyspace's column family. */
  void write(WriteBatch batch, Durability durability, ColumnFamily only) {
    guard.enter();
    try {
      writer.write(batch, durability, only);
    } finally {
      guard.exit();
    }
  }

  /** Writes a conditional batch: false when a precondition failed (nothing written). */
  boolean applied(WriteBatch batch, Durability durability, ColumnFamily only) {
    try {
      write(batch, durability, only);
      return true;
    } catch (ConflictException e) {
      return false;
    }
  }

  @Override
  public Snapshot snapshot() {
    guard.enter();
    try {
      RocksDbSnapshot s =
          writer.shared(
              () -> new RocksDbSnapshot(db, guard, keyspaces.pinAll(), snapshots::remove));
      snapshots.add(s);
      return s;
    } finally {
      guard.exit();
    }
  }

  @Override
  public void flush() {
    guard.enter();
    try {
      if (!writer.readOnly()) {
        writer.syncWal();
      }
    } finally {
      guard.exit();
    }
  }

  @Override
  public void checkpoint(Path target) {
    if (target == null) {
      throw new InvalidArgumentException("checkpoint target is null");
    }
    if (!StoreDirectory.onDefaultFileSystem(target)) {
      throw new InvalidArgumentException(
          "engine 'rocksdb' writes checkpoints only on the default file system, not to " + target);
    }
    if (Files.exists(target)) {
      throw new InvalidArgumentException("checkpoint target " + target + " already exists");
    }
    guard.enter();
    long start = System.nanoTime();
    String outcome = ": failed";
    try (Checkpoint cp = Checkpoint.create(db)) {
      cp.createCheckpoint(target.toAbsolutePath().toString());
      outcome = "";
    } catch (RocksDBException e) {
      throw RocksErrors.map("checkpoint to " + target + " failed", e);
    } finally {
      guard.exit();
      events.deliver(
          EngineEvent.of(
              EngineEvent.Kind.CHECKPOINT,
              System.nanoTime() - start,
              outcome.isEmpty() ? bytesIn(target) : -1,
              "checkpoint to " + target + outcome));
    }
  }

  /**
   * Compacts every keyspace (column family) over its whole key range down to the bottom level
   * ({@code compactRange}, the bottommost level rewritten too, so that tombstones and overwritten
   * versions go), then syncs the WAL so that every write acknowledged before is durable. Reads and
   * writes go on meanwhile (RocksDB's own write stalls apply); snapshots keep the versions they
   * read. Returns by how much the store's files shrank: RocksDB deletes the inputs of a compaction
   * once no iterator, snapshot or checkpoint still pins them, so the figure may be smaller than
   * what it will release.
   */
  @Override
  public long compact() {
    guard.enter();
    try {
      writer.checkWritable();
      RequestContext c = RequestContext.currentOrNull();
      if (c != null) {
        c.checkDeadline("compact");
      }
      long before = bytesIn(directory);
      try (CompactRangeOptions o =
          new CompactRangeOptions()
              .setBottommostLevelCompaction(
                  CompactRangeOptions.BottommostLevelCompaction.kForceOptimized)) {
        for (ColumnFamily cf : keyspaces.all()) {
          db.compactRange(cf.handle(), null, null, o);
        }
      } catch (RocksDBException e) {
        throw RocksErrors.map("compaction of " + directory + " failed", e);
      }
      writer.syncWal();
      long after = bytesIn(directory);
      return before < 0 || after < 0 ? 0 : Math.max(0, before - after);
    } finally {
      guard.exit();
    }
  }

  /** The bytes of the files in a checkpoint (most hard links to the store's own files). */
  private static long bytesIn(Path dir) {
    long bytes = 0;
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        bytes += Files.size(p);
      }
      return bytes;
    } catch (java.io.IOException | RuntimeException e) {
      return -1; // only a figure for the event
    }
  }

  // ---- keyspaces ---------------------------------------------------------------------------

  @Override
  public List<String> keyspaces() {
    guard.enter();
    try {
      return keyspaces.names();
    } finally {
      guard.exit();
    }
  }

  @Override
  public Keyspace keyspace(String name) {
    Keyspace.checkName(name);
    guard.enter();
    try {
      return new RocksDbKeyspace(this, keyspaces.require(name, directory));
    } finally {
      guard.exit();
    }
  }

  @Override
  public Keyspace createKeyspace(String name) {
    Keyspace.checkName(name);
    guard.enter();
    try {
      writer.checkWritable();
      ColumnFamily cf =
          writer.exclusively(
              () -> {
                try {
                  return keyspaces.create(name, directory);
                } catch (RocksDBException e) {
                  throw writer.failed("creating keyspace '" + name + "'", e);
                }
              });
      return new RocksDbKeyspace(this, cf);
    } finally {
      guard.exit();
    }
  }

  @Override
  public void dropKeyspace(String name) {
    Keyspace.checkName(name);
    guard.enter();
    try {
      writer.checkWritable();
      writer.exclusively(
          () -> {
            try {
              keyspaces.drop(name, directory);
              return null;
            } catch (RocksDBException e) {
              throw writer.failed("dropping keyspace '" + name + "'", e);
            }
          });
    } finally {
      guard.exit();
    }
  }

  // ---- inspection --------------------------------------------------------------------------

  @Override
  public EngineStatistics statistics() {
    guard.enter();
    try {
      Map<String, Long> details = properties.store(keyspaces.all());
      long cache = natives.blockCache().getUsage();
      details.put("block-cache.bytes", cache);
      details.put(EngineStatistics.CACHE_CAPACITY_BYTES, cacheCapacity);
      details.put("cursors.open", (long) cursors.size());
      details.put("fail-stopped", failStop.failed() ? 1L : 0L);
      details.put(EngineStatistics.BACKGROUND_ERRORS, backgroundErrorCount());
      // NB: a live cursor's iterator pins the state it opened on, as a snapshot does
      details.put(EngineStatistics.SNAPSHOTS_OPEN, (long) (snapshots.size() + cursors.size()));
      details.put(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS, oldestSnapshotAgeMillis());
      long memory = details.get("memtable.bytes") + details.get("table-readers.bytes") + cache;
      return new EngineStatistics(
          details.get("keys.estimate"), StoreDirectory.sizeOnDisk(directory), memory, details);
    } finally {
      guard.exit();
    }
  }

  EngineStatistics statistics(ColumnFamily cf) {
    enter(cf);
    try {
      return properties.keyspace(cf);
    } finally {
      exit(cf);
    }
  }

  private long oldestSnapshotAgeMillis() {
    long now = System.nanoTime();
    long oldest = now;
    for (RocksDbSnapshot s : snapshots) {
      oldest = Math.min(oldest, s.openedNanos());
    }
    for (RocksDbCursor c : cursors) {
      oldest = Math.min(oldest, c.openedNanos());
    }
    return (now - oldest) / 1_000_000;
  }

  /**
   * At least how many background errors there were: RocksDB counts its failed background jobs,
   * those it retried by itself included ({@code rocksdb.background-errors}); the listener hears
   * errors of the write path that count leaves out. The larger of the two.
   */
  private long backgroundErrorCount() {
    return Math.max(backgroundErrors.heard(), properties.backgroundErrors());
  }

  /**
   * {@code FAILED} once the store fail-stopped, with its cause; {@code DEGRADED} while a compaction
   * error is outstanding ({@link BackgroundErrors}), with RocksDB's text; {@code OK} otherwise.
   */
  @Override
  public Health health() {
    guard.enter();
    try {
      long count = backgroundErrorCount();
      var cause = failStop.cause();
      if (cause != null) {
        // the cause first, then the latest background errors
        List<String> problems = new ArrayList<>(List.of(cause.getMessage()));
        List<String> recent = new ArrayList<>(backgroundErrors.recent());
        recent.remove(cause.getMessage());
        problems.addAll(
            recent.subList(
                Math.max(0, recent.size() - (BackgroundErrors.KEPT - 1)), recent.size()));
        return new Health(Health.Status.FAILED, count, problems);
      }
      String outstanding = backgroundErrors.outstanding();
      if (outstanding != null) {
        return new Health(Health.Status.DEGRADED, count, List.of(outstanding));
      }
      return new Health(Health.Status.OK, count, List.of());
    } finally {
      guard.exit();
    }
  }

  /** See {@link ConsistencyCheck}. */
  @Override
  public ConsistencyReport checkConsistency() {
    guard.enter();
    try {
      return ConsistencyCheck.run(db, directory, keyspaces);
    } finally {
      guard.exit();
    }
  }

  // ---- lifetime ----------------------------------------------------------------------------

  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    for (RocksDbSnapshot s : List.copyOf(snapshots)) {
      s.close();
    }
    for (RocksDbCursor c : List.copyOf(cursors)) {
      c.close();
    }
    natives.close();
  }

  /**
   * Writes the memtables to level-0 table files and waits for it, on RocksDB's background thread as
   * a full memtable would be; for tests. Returns what RocksDB reported, without recording it.
   */
  RocksDBException flushMemtableForTest() {
    guard.enter();
    try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
      for (ColumnFamily cf : keyspaces.all()) {
        db.flush(wait, cf.handle());
      }
      return null;
    } catch (RocksDBException e) {
      return e;
    } finally {
      guard.exit();
    }
  }

  /** Compacts every keyspace fully; for tests. */
  void compactForTest() {
    guard.enter();
    try {
      for (ColumnFamily cf : keyspaces.all()) {
        db.compactRange(cf.handle());
      }
    } catch (RocksDBException e) {
      throw RocksErrors.map("compaction failed", e);
    } finally {
      guard.exit();
    }
  }

  /** Pauses (true) or resumes RocksDB's flushes and compactions; for tests. */
  void backgroundWorkForTest(boolean run) {
    guard.enter();
    try {
      if (run) {
        db.continueBackgroundWork();
      } else {
        db.pauseBackgroundWork();
      }
    } catch (RocksDBException e) {
      throw RocksErrors.map("pausing background work failed", e);
    } finally {
      guard.exit();
    }
  }

  /** The listener of RocksDB's background errors; for tests. */
  BackgroundErrors backgroundErrorsForTest() {
    return backgroundErrors;
  }

  /** True once {@link #close()} began; for tests. */
  boolean isClosed() {
    return guard.isClosed();
  }

  /** How many cursors and snapshots are open; for tests. */
  int openHandles() {
    return cursors.size() + snapshots.size();
  }

  @Override
  public String toString() {
    return "RocksDbEngine[" + directory + (guard.isClosed() ? ", closed]" : "]");
  }
}
