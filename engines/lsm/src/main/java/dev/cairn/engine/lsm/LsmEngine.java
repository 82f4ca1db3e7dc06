package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.DirectoryLock;
import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An open LSM store: the {@link StorageEngine} the provider returns.
 *
 * <p>Writes go through the {@link CommitQueue} on the writing callers' threads (one leads a group
 * at a time) and are forced by the {@link WalSyncer}'s thread; reads search the current {@link
 * ReadState} from the caller's thread; the flush thread ({@link Flusher}) writes full memtables to
 * tables and deletes obsolete files, and the compaction thread ({@link Compactor}) merges tables
 * down the levels. Thread-safe; must be closed.
 *
 * <p>Request contexts, deadlines and events (SPI 1.2): see docs/engines/lsm.md, "Request context,
 * deadlines and events"; {@link CommitQueue}, {@link Flusher} and {@link Compactor} say how each
 * carries the causing request's context to its thread.
 */
final class LsmEngine implements StorageEngine {

  private final EngineOptions options;
  private final LsmEngineProvider.Settings settings;
  private final Path directory;
  private final DirectoryLock lock;
  private final FailStop failStop;
  private final Statistics statistics;
  private final BlockCache cache;
  private final VersionSet versions;
  private final StoreState state;
  private final WalSyncer syncer;
  private final CommitQueue commits;
  private final BackgroundThread flushThread;
  private final BackgroundThread compactThread;
  private final Compactor compactor;
  private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();

  /** Serializes keyspace creation and drops with their checks. */
  private final Object keyspaceLock = new Object();

  private volatile boolean closed;

  /** The parts an open builds, handed to the constructor. */
  private record Parts(
      FailStop failStop,
      Statistics statistics,
      BlockCache cache,
      VersionSet versions,
      StoreState state,
      WalSyncer syncer,
      CommitQueue commits,
      BackgroundThread flushThread,
      BackgroundThread compactThread,
      Compactor compactor) {}

  private LsmEngine(
      EngineOptions options,
      LsmEngineProvider.Settings settings,
      Path directory,
      DirectoryLock lock,
      Parts p) {
    this.options = options;
    this.settings = settings;
    this.directory = directory;
    this.lock = lock;
    this.failStop = p.failStop();
    this.statistics = p.statistics();
    this.cache = p.cache();
    this.versions = p.versions();
    this.state = p.state();
    this.syncer = p.syncer();
    this.commits = p.commits();
    this.flushThread = p.flushThread();
    this.compactThread = p.compactThread();
    this.compactor = p.compactor();
  }

  static LsmEngine open(EngineOptions options, LsmEngineProvider.Settings settings) {
    Path dir = options.requireDirectory(LsmEngineProvider.NAME);
    if (!Files.isDirectory(dir)) {
      if (!options.createIfMissing()) {
        throw new StorageIOException(dir + ": no store here (and creation was not asked for)");
      }
      SyncedFiles.createDirectories(dir);
    }
    DirectoryLock lock =
        options.readOnly() ? DirectoryLock.acquireShared(dir) : DirectoryLock.acquire(dir);
    try {
      String name = "cairn-lsm-" + dir.getFileName();
      Parts parts =
          Threads.onEngineThread(name + "-open", () -> build(options, settings, dir, name));
      LsmEngine engine = new LsmEngine(options, settings, dir, lock, parts);
      if (parts.flushThread() != null) {
        parts.flushThread().start();
        parts.compactThread().start();
        parts.flushThread().wake();
        parts.compactThread().wake();
      }
      return engine;
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  private static Parts build(
      EngineOptions options, LsmEngineProvider.Settings settings, Path dir, String name) {
    FailStop failStop = new FailStop(dir);
    FsyncGuard guard = new FsyncGuard(failStop);
    Statistics statistics = new Statistics();
    BlockCache cache = new BlockCache(settings.cacheSize());
    FileDeleter deleter = new FileDeleter(statistics);
    EngineEventListener listener = options.eventListener();
    VersionSet versions =
        new VersionSet(
            dir, cache, statistics, guard, settings.manifestSize(), deleter::queue, 1, listener);
    boolean readOnly = options.readOnly();
    WalSyncer syncer =
        readOnly
            ? null
            : new WalSyncer(
                dir,
                guard,
                failStop,
                statistics,
                listener,
                name + "-sync",
                WalFile.preallocation(settings.memtableSize()));
    try {
      Recovery recovery =
          new Recovery(
              dir,
              versions,
              readOnly,
              options.createIfMissing(),
              settings.memtableSize(),
              settings.blockSize(),
              settings.bloomBitsPerKey(),
              settings.compression(),
              statistics,
              guard);
      long recoveryStart = System.nanoTime();
      String failure = "";
      Recovery.Result r;
      try {
        r = recovery.run(syncer);
      } catch (RuntimeException | Error e) {
        failure = " (failed: " + e + ")";
        throw e;
      } finally {
        Events.report(
            listener,
            EngineEvent.Kind.RECOVERY,
            recoveryStart,
            recovery.bytesRead(),
            "recovery of " + dir + ": " + recovery.summary() + failure);
      }
      ReadState initial;
      if (readOnly) {
        List<MemTable> mems = r.memTables();
        MemTable mutable = mems.isEmpty() ? new MemTable(-1) : mems.getLast();
        List<MemTable> imms = new ArrayList<>();
        for (int i = mems.size() - 2; i >= 0; i--) {
          imms.add(mems.get(i));
        }
        initial = new ReadState(mutable, imms, versions.current());
        StoreState state = new StoreState(initial, r.lastSequence());
        return new Parts(
            failStop, statistics, cache, versions, state, null, null, null, null, null);
      }
      initial = new ReadState(new MemTable(r.wal().number()), List.of(), versions.current());
      StoreState state = new StoreState(initial, r.lastSequence());
      Compactor compactor = new Compactor(state, versions, guard, statistics, settings, listener);
      BackgroundThread compactThread =
          new BackgroundThread(
              name + "-compact", "compaction", failStop, compactor::step, compactor::cause);
      compactor.stopWhen(compactThread::stopping);
      Flusher flusher =
          new Flusher(
              state,
              versions,
              guard,
              deleter,
              statistics,
              settings.blockSize(),
              settings.bloomBitsPerKey(),
              settings.compression(),
              () -> {
                // On the flush thread, with the flushed memtable's cause bound.
                compactor.causedBy(RequestContext.currentOrNull());
                compactThread.wake();
              },
              listener);
      BackgroundThread flushThread =
          new BackgroundThread(
              name + "-flush",
              "flush",
              failStop,
              flusher::step,
              () -> {
                // NB: told before the flush installs its table, so that a compaction the new
                // table makes due (the compaction thread may look at once) names this request.
                RequestContext cause = flusher.nextCause();
                compactor.causedBy(cause);
                return cause;
              });
      deleter.onQueued(flushThread::wake);
      CommitQueue commits =
          new CommitQueue(
              state,
              versions,
              syncer,
              r.wal(),
              r.lastSequence(),
              guard,
              failStop,
              statistics,
              new CommitQueue.Limits(
                  settings.memtableSize(),
                  settings.maxImmutables(),
                  settings.l0Stop(),
                  settings.stallTimeoutNanos()),
              // On the leader's thread, with the group's cause bound.
              full -> flusher.causedBy(full, RequestContext.currentOrNull()),
              flushThread::wake,
              listener);
      return new Parts(
          failStop,
          statistics,
          cache,
          versions,
          state,
          syncer,
          commits,
          flushThread,
          compactThread,
          compactor);
    } catch (RuntimeException | Error e) {
      if (syncer != null) {
        syncer.close();
      }
      versions.close();
      throw e;
    }
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("store " + directory + " is closed");
    }
  }

  private void checkWritable() {
    checkOpen();
    if (options.readOnly()) {
      throw new ReadOnlyStoreException("store " + directory + " is open read-only");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (AutoCloseable h : List.copyOf(handles)) {
      try {
        h.close();
      } catch (Exception e) {
        // Cursors and snapshots never throw on close.
      }
    }
    try {
      if (commits != null) {
        commits.close();
      }
    } finally {
      if (flushThread != null) {
        flushThread.close();
        compactThread.close();
      }
      versions.close();
      state.releaseCurrent();
      lock.close();
    }
  }

  // ---- reads -----------------------------------------------------------------------------------

  @Override
  public Durability defaultDurability() {
    return options.defaultDurability();
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    Limits.checkKey(key);
    return getAt(StoreKeys.of(StoreKeys.DEFAULT_KEYSPACE, key), -1);
  }

  /** The value of {@code storeKey} at {@code sequence} (-1: the latest), or null. */
  byte[] getAt(byte[] storeKey, long sequence) {
    ReadState rs = state.acquire();
    try {
      long seq = sequence < 0 ? state.visibleSequence() : sequence;
      ReadState.Found f = rs.get(storeKey, seq);
      return f == null || f.kind() == InternalKey.DELETE ? null : f.value().clone();
    } finally {
      rs.release();
      checkOpen();
    }
  }

  static void checkCursorArguments(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("cursor range and direction are required");
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    return trackedCursor(StoreKeys.DEFAULT_KEYSPACE, range, direction);
  }

  /** A cursor on keyspace {@code id} at the latest sequence, closed with the store. */
  Cursor trackedCursor(int id, KeyRange range, Direction direction) {
    checkCursorArguments(range, direction);
    LsmCursor c = newCursor(-1, id, range, direction, handles::remove);
    handles.add(c);
    if (closed) {
      c.close(); // raced with close(), which may have missed it
      checkOpen();
    }
    return c;
  }

  /** A cursor on keyspace {@code id} at {@code sequence} (-1: the latest). */
  LsmCursor newCursor(
      long sequence, int id, KeyRange range, Direction direction, Consumer<LsmCursor> onClose) {
    ReadState rs = state.acquire();
    long seq = sequence < 0 ? state.visibleSequence() : sequence;
    return new LsmCursor(
        rs, seq, StoreRange.of(id, range), direction == Direction.FORWARD, onClose);
  }

  // ---- keyspaces -------------------------------------------------------------------------------

  /** The id of keyspace {@code name}, or -1 if it does not exist. */
  int keyspaceId(String name) {
    return versions.catalog().id(name);
  }

  @Override
  public List<String> keyspaces() {
    checkOpen();
    return List.copyOf(versions.catalog().ids().keySet());
  }

  @Override
  public Keyspace keyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    int id = keyspaceId(name);
    if (id < 0) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
    }
    return new LsmKeyspace(this, name, id);
  }

  @Override
  public Keyspace createKeyspace(String name) {
    checkWritable();
    Keyspace.checkName(name);
    Events.checkDeadline("createKeyspace");
    synchronized (keyspaceLock) {
      if (keyspaceId(name) >= 0) {
        throw new InvalidArgumentException("keyspace '" + name + "' exists");
      }
      failStop.check();
      syncLogBeforeCatalogChange("createKeyspace");
      int id =
          Threads.onEngineThread("cairn-lsm-keyspace", () -> versions.createKeyspace(name, state));
      return new LsmKeyspace(this, name, id);
    }
  }

  @Override
  public void dropKeyspace(String name) {
    checkWritable();
    Keyspace.checkName(name);
    if (name.equals(Keyspace.DEFAULT)) {
      throw new InvalidArgumentException("the default keyspace cannot be dropped");
    }
    Events.checkDeadline("dropKeyspace");
    synchronized (keyspaceLock) {
      if (keyspaceId(name) < 0) {
        throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
      }
      failStop.check();
      syncLogBeforeCatalogChange("dropKeyspace");
      long seq = state.visibleSequence();
      Threads.onEngineThread("cairn-lsm-keyspace", () -> versions.dropKeyspace(name, seq, state));
    }
  }

  /**
   * Makes every write logged so far durable before a keyspace is created or dropped. The catalog
   * lives in the manifest, which is forced, while the log may hold {@code BUFFERED} writes: without
   * this, a power cut could keep a keyspace change and lose writes made before it, a state that was
   * never the store's. Refused as {@code operation} if its deadline passes first (nothing changed
   * then).
   */
  private void syncLogBeforeCatalogChange(String operation) {
    if (commits != null) {
      commits.sync(operation);
    }
  }

  /** About how many entries keyspace {@code id} holds: tables overlapping it, and memtables. */
  long approximateEntries(int id) {
    StoreRange r = StoreRange.of(id, KeyRange.all());
    ReadState rs = state.acquire();
    try {
      long n = 0;
      for (TableFile f : rs.version.all()) {
        FileMeta m = f.meta();
        if (!m.overlaps(r.lower(), r.upper())) {
          continue;
        }
        boolean inside =
            Arrays.compareUnsigned(m.smallest().userKey, r.lower()) >= 0
                && Arrays.compareUnsigned(m.largest().userKey, r.upper()) < 0;
        n += inside ? m.entries() : f.table().approximateEntries(r.lower(), r.upper(), m.entries());
      }
      List<MemTable> mems = new ArrayList<>(rs.immutables);
      mems.add(rs.mutable);
      for (MemTable m : mems) {
        n +=
            m.count(
                InternalKey.seekTarget(r.lower(), InternalKey.MAX_SEQUENCE),
                InternalKey.seekTarget(r.upper(), InternalKey.MAX_SEQUENCE));
      }
      return n;
    } finally {
      rs.release();
    }
  }

  @Override
  public Snapshot snapshot() {
    checkOpen();
    long seq = state.snapshots.pin(state::visibleSequence);
    // NB: the catalog is read after the pin: a keyspace dropped meanwhile is missing from the
    // snapshot (as if dropped before it), never present with its entries purged.
    LsmSnapshot s = new LsmSnapshot(this, seq, versions.catalog());
    handles.add(s);
    if (closed) {
      s.close();
      checkOpen();
    }
    return s;
  }

  void snapshotClosed(LsmSnapshot s) {
    if (handles.remove(s)) {
      state.snapshots.unpin(s.sequence());
    }
  }

  // ---- writes ----------------------------------------------------------------------------------

  private static boolean sync(Durability d) {
    if (d == null) {
      throw new InvalidArgumentException("durability is null");
    }
    return d == Durability.SYNC;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    checkWritable();
    Events.checkDeadline("write");
    Limits.checkKey(key);
    Limits.checkValue(value);
    boolean sync = sync(durability);
    commits.submit(
        new CommitQueue.Request(
            List.of(Mutation.put(StoreKeys.of(StoreKeys.DEFAULT_KEYSPACE, key), value.clone())),
            sync));
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    checkWritable();
    Events.checkDeadline("write");
    Limits.checkKey(key);
    boolean sync = sync(durability);
    commits.submit(
        new CommitQueue.Request(
            List.of(Mutation.delete(StoreKeys.of(StoreKeys.DEFAULT_KEYSPACE, key))), sync));
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    checkWritable();
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    Events.checkDeadline("write");
    boolean sync = sync(durability);
    if (batch.isEmpty()) {
      if (sync) {
        commits.sync("write");
      }
      return;
    }
    KeyspaceCatalog catalog = versions.catalog();
    List<Mutation> ops = new ArrayList<>(batch.size());
    for (String name : batch.keyspaces()) {
      int id = idOf(catalog, name);
      for (WriteBatch.Operation op : batch.operations(name)) {
        switch (op) {
          case WriteBatch.Put p ->
              ops.add(Mutation.put(StoreKeys.of(id, p.key()), p.value().clone()));
          case WriteBatch.Delete d -> ops.add(Mutation.delete(StoreKeys.of(id, d.key())));
          case WriteBatch.DeleteRange r -> {
            Mutation m = Mutation.deleteRange(StoreRange.of(id, r.range()));
            if (m != null) {
              ops.add(m); // NB: a range holding no key is no operation at all
            }
          }
        }
      }
    }
    List<CommitQueue.Condition> conditions = new ArrayList<>(batch.preconditions().size());
    for (WriteBatch.Precondition p : batch.preconditions()) {
      conditions.add(
          new CommitQueue.Condition(
              StoreKeys.of(idOf(catalog, p.keyspace()), p.key()),
              p.expected() == null ? null : p.expected().clone(),
              () -> ConflictException.of(p)));
    }
    commits.submit(new CommitQueue.Request(ops, conditions, sync));
  }

  private static int idOf(KeyspaceCatalog catalog, String name) {
    int id = catalog.id(name);
    if (id < 0) {
      throw new InvalidArgumentException("no keyspace '" + name + "' in this store");
    }
    return id;
  }

  @Override
  public void flush() {
    checkOpen();
    Events.checkDeadline("flush");
    if (commits != null) {
      commits.sync("flush");
    }
  }

  @Override
  public void checkpoint(Path target) {
    checkOpen();
    if (target == null) {
      throw new InvalidArgumentException("checkpoint target is null");
    }
    ReadState rs = state.acquire();
    long start = System.nanoTime();
    long bytes = -1;
    String outcome = "";
    try {
      long seq = state.visibleSequence();
      Threads.onEngineThread(
          "cairn-lsm-checkpoint",
          () -> {
            Checkpointer.write(rs, seq, versions.catalog(), target, settings);
            return null;
          });
      bytes = treeBytes(target);
    } catch (RuntimeException | Error e) {
      outcome = " (failed: " + e + ")";
      throw e;
    } finally {
      rs.release();
      Events.report(
          options.eventListener(),
          EngineEvent.Kind.CHECKPOINT,
          start,
          bytes,
          "checkpoint to " + target + outcome);
    }
  }

  /** The bytes of the files directly in {@code dir} (a checkpoint's), as listed now. */
  private static long treeBytes(Path dir) {
    long n = 0;
    try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        n += Files.size(p);
      }
    } catch (java.io.IOException e) {
      return n; // an event's figure: what could be listed
    }
    return n;
  }

  // ---- introspection ---------------------------------------------------------------------------

  @Override
  public Health health() {
    checkOpen();
    return failStop.health();
  }

  @Override
  public EngineStatistics statistics() {
    checkOpen();
    Map<String, Long> d = new TreeMap<>();
    long disk = 0;
    long keys = 0;
    long rangeTombstones = 0;
    ReadState rs = state.acquire();
    try {
      for (int level = 0; level < Version.LEVELS; level++) {
        List<TableFile> files = rs.version.level(level);
        long bytes = rs.version.levelBytes(level);
        d.put("level." + level + ".files", (long) files.size());
        d.put("level." + level + ".bytes", bytes);
        disk += bytes;
        for (TableFile f : files) {
          keys += f.meta().entries();
          rangeTombstones += f.meta().rangeTombstones();
        }
      }
      long mem = rs.mutable.approximateBytes();
      long entries = rs.mutable.entries();
      rangeTombstones += rs.mutable.rangeTombstones().size();
      for (MemTable m : rs.immutables) {
        mem += m.approximateBytes();
        entries += m.entries();
        rangeTombstones += m.rangeTombstones().size();
      }
      d.put("range.tombstones", rangeTombstones);
      d.put("memtable.bytes", mem);
      d.put("memtables.immutable", (long) rs.immutables.size());
      keys += entries;
      d.put(
          EngineStatistics.BACKGROUND_PENDING_BYTES,
          compactor == null ? 0 : compactor.pendingBytes(rs.version) + rs.immutables.size());
      long memory = mem + cache.usedBytes();
      d.put("sequence", state.visibleSequence());
      d.put(EngineStatistics.SNAPSHOTS_OPEN, (long) state.snapshots.size());
      d.put(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS, state.snapshots.oldestAgeMillis());
      d.put(EngineStatistics.BACKGROUND_ERRORS, failStop.backgroundErrors());
      d.put(EngineStatistics.STALLS, statistics.stalls.sum());
      d.put("stall.ms", statistics.stallMillis.sum());
      long logs = directoryBytes(FileNames.Kind.WAL) + directoryBytes(FileNames.Kind.MANIFEST);
      d.put("wal.and.manifest.bytes", logs);
      d.put(EngineStatistics.CACHE_CAPACITY_BYTES, cache.capacity());
      d.put("cache.used.bytes", cache.usedBytes());
      d.put("cache.hits", cache.hits());
      d.put("cache.misses", cache.misses());
      long raw = statistics.compressionRawBytes.sum();
      long stored = statistics.compressionStoredBytes.sum();
      d.put("compression.raw.bytes", raw);
      d.put("compression.stored.bytes", stored);
      d.put("compression.ratio.percent", stored == 0 ? 0 : raw * 100 / stored);
      d.put("compression.skipped.blocks", statistics.compressionSkippedBlocks.sum());
      d.put("bloom.checks", statistics.bloomChecks.sum());
      d.put("bloom.negatives", statistics.bloomNegatives.sum());
      d.put("write.groups", statistics.writeGroups.sum());
      d.put("wal.syncs", statistics.walSyncs.sum());
      d.put("table.syncs.while.writing", statistics.tableGrowthSyncs.sum());
      d.put("wal.bytes", statistics.walBytes.sum());
      d.put("flush.count", statistics.flushes.sum());
      d.put("flush.bytes", statistics.flushBytes.sum());
      d.put("compaction.count", statistics.compactions.sum());
      d.put("compaction.trivial.moves", statistics.trivialMoves.sum());
      d.put("compaction.tables.purged", statistics.tablesPurged.sum());
      d.put("compaction.bytes.read", statistics.compactionBytesRead.sum());
      d.put("compaction.bytes.written", statistics.compactionBytesWritten.sum());
      d.put("compaction.tombstones.dropped", statistics.tombstonesDropped.sum());
      d.put("compaction.versions.dropped", statistics.versionsDropped.sum());
      d.put("manifest.rolls", statistics.manifestRolls.sum());
      long user = statistics.userBytesWritten.sum();
      long written =
          statistics.walBytes.sum()
              + statistics.flushBytes.sum()
              + statistics.compactionBytesWritten.sum();
      d.put("user.bytes.written", user);
      d.put("write.amplification.percent", user == 0 ? 0 : written * 100 / user);
      long deepest = 0;
      for (int level = Version.LEVELS - 1; level >= 0 && deepest == 0; level--) {
        deepest = rs.version.levelBytes(level);
      }
      d.put("space.amplification.percent", deepest == 0 ? 0 : disk * 100 / deepest);
      d.put("files.deleted", statistics.filesDeleted.sum());
      d.put("failed", failStop.failed() ? 1L : 0L);
      return new EngineStatistics(keys, disk + logs, memory, d);
    } finally {
      rs.release();
    }
  }

  /** The bytes of the store's files of {@code kind}, as the directory lists them now. */
  private long directoryBytes(FileNames.Kind kind) {
    long n = 0;
    try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        if (FileNames.parse(p.getFileName().toString()).kind() == kind) {
          try {
            n += Files.size(p);
          } catch (java.io.IOException gone) {
            // deleted meanwhile: its bytes no longer count
          }
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return n; // statistics are approximate: what could be listed
    }
    return n;
  }

  @Override
  public ConsistencyReport checkConsistency() {
    checkOpen();
    ReadState rs = state.acquire();
    try {
      return ConsistencyChecker.check(directory, rs, state.visibleSequence(), versions);
    } finally {
      rs.release();
    }
  }

  // ---- for tests -------------------------------------------------------------------------------

  /** Waits until the flush and compaction threads are idle; for tests. */
  boolean awaitBackground(long timeoutNanos) {
    if (flushThread == null) {
      return true;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    while (System.nanoTime() < deadline) {
      flushThread.wake();
      boolean flushed = flushThread.awaitIdle(deadline - System.nanoTime());
      compactThread.wake();
      boolean compacted = compactThread.awaitIdle(deadline - System.nanoTime());
      if (flushed
          && compacted
          && state.current().immutables.isEmpty()
          && !compactor.due(state.current().version)) {
        return true;
      }
    }
    return false;
  }

  /** Holds the flush and compaction threads back, or lets them go on; for tests. */
  void pauseBackground(boolean paused) {
    flushThread.pause(paused);
    compactThread.pause(paused);
  }

  /** Makes the memtable immutable so that it gets flushed; for tests. */
  void rollMemTable() {
    commits.rollNow();
  }

  StoreState state() {
    return state;
  }

  VersionSet versions() {
    return versions;
  }

  FailStop failStop() {
    return failStop;
  }

  LsmEngineProvider.Settings settings() {
    return settings;
  }
}
