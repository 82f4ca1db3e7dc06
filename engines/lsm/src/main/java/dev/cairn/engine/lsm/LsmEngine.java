package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.DirectoryLock;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    VersionSet versions =
        new VersionSet(dir, cache, statistics, guard, settings.manifestSize(), deleter::queue, 1);
    boolean readOnly = options.readOnly();
    WalSyncer syncer =
        readOnly ? null : new WalSyncer(dir, guard, failStop, statistics, name + "-sync");
    try {
      Recovery.Result r =
          new Recovery(
                  dir,
                  versions,
                  readOnly,
                  options.createIfMissing(),
                  settings.memtableSize(),
                  settings.blockSize(),
                  settings.bloomBitsPerKey(),
                  guard)
              .run(syncer);
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
      Compactor compactor = new Compactor(state, versions, guard, statistics, settings);
      BackgroundThread compactThread =
          new BackgroundThread(name + "-compact", "compaction", failStop, compactor::step);
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
              compactThread::wake);
      BackgroundThread flushThread =
          new BackgroundThread(name + "-flush", "flush", failStop, flusher::step);
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
              flushThread::wake);
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
    checkCursorArguments(range, direction);
    LsmCursor c = newCursor(-1, range, direction, handles::remove);
    handles.add(c);
    if (closed) {
      c.close(); // raced with close(), which may have missed it
      checkOpen();
    }
    return c;
  }

  /** A cursor at {@code sequence} (-1: the latest) on the current read state. */
  LsmCursor newCursor(
      long sequence, KeyRange range, Direction direction, Consumer<LsmCursor> onClose) {
    ReadState rs = state.acquire();
    long seq = sequence < 0 ? state.visibleSequence() : sequence;
    return new LsmCursor(
        rs,
        seq,
        StoreRange.of(StoreKeys.DEFAULT_KEYSPACE, range),
        direction == Direction.FORWARD,
        onClose);
  }

  @Override
  public Snapshot snapshot() {
    checkOpen();
    long seq = state.snapshots.pin(state::visibleSequence);
    LsmSnapshot s = new LsmSnapshot(this, seq);
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
    boolean sync = sync(durability);
    if (batch.namesOtherKeyspaces()) {
      throw new UnsupportedCapabilityException(
          "engine 'lsm' has one keyspace for now (capability KEYSPACES): " + batch.keyspaces());
    }
    if (!batch.preconditions().isEmpty()) {
      throw new UnsupportedCapabilityException(
          "engine 'lsm' does not check preconditions yet (capability CONDITIONAL_WRITES)");
    }
    if (batch.isEmpty()) {
      if (sync) {
        commits.sync();
      }
      return;
    }
    List<Mutation> ops = new ArrayList<>(batch.size());
    for (WriteBatch.Operation op : batch.operations()) {
      switch (op) {
        case WriteBatch.Put p ->
            ops.add(
                Mutation.put(StoreKeys.of(StoreKeys.DEFAULT_KEYSPACE, p.key()), p.value().clone()));
        case WriteBatch.Delete d ->
            ops.add(Mutation.delete(StoreKeys.of(StoreKeys.DEFAULT_KEYSPACE, d.key())));
        case WriteBatch.DeleteRange r ->
            throw new UnsupportedCapabilityException(
                "engine 'lsm' does not support range deletes yet (capability RANGE_DELETES)");
      }
    }
    commits.submit(new CommitQueue.Request(ops, sync));
  }

  @Override
  public void flush() {
    checkOpen();
    if (commits != null) {
      commits.sync();
    }
  }

  @Override
  public void checkpoint(Path target) {
    checkOpen();
    if (target == null) {
      throw new InvalidArgumentException("checkpoint target is null");
    }
    ReadState rs = state.acquire();
    try {
      long seq = state.visibleSequence();
      Threads.onEngineThread(
          "cairn-lsm-checkpoint",
          () -> {
            Checkpointer.write(rs, seq, target, settings);
            return null;
          });
    } finally {
      rs.release();
    }
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
        }
      }
      long mem = rs.mutable.approximateBytes();
      long entries = rs.mutable.entries();
      for (MemTable m : rs.immutables) {
        mem += m.approximateBytes();
        entries += m.entries();
      }
      d.put("memtable.bytes", mem);
      d.put("memtables.immutable", (long) rs.immutables.size());
      keys += entries;
      d.put(
          EngineStatistics.BACKGROUND_PENDING_BYTES,
          compactor == null ? 0 : compactor.pendingBytes(rs.version) + rs.immutables.size());
      d.put("memory.bytes", mem + cache.usedBytes());
      long memory = mem + cache.usedBytes();
      d.put("sequence", state.visibleSequence());
      d.put(EngineStatistics.SNAPSHOTS_OPEN, (long) state.snapshots.size());
      d.put(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS, state.snapshots.oldestAgeMillis());
      d.put(EngineStatistics.BACKGROUND_ERRORS, failStop.backgroundErrors());
      d.put(EngineStatistics.STALLS, statistics.stalls.sum());
      d.put("stall.ms", statistics.stallMillis.sum());
      d.put(EngineStatistics.CACHE_CAPACITY_BYTES, cache.capacity());
      d.put("cache.used.bytes", cache.usedBytes());
      d.put("cache.hits", cache.hits());
      d.put("cache.misses", cache.misses());
      d.put("bloom.checks", statistics.bloomChecks.sum());
      d.put("bloom.negatives", statistics.bloomNegatives.sum());
      d.put("write.groups", statistics.writeGroups.sum());
      d.put("wal.syncs", statistics.walSyncs.sum());
      d.put("wal.bytes", statistics.walBytes.sum());
      d.put("flush.count", statistics.flushes.sum());
      d.put("flush.bytes", statistics.flushBytes.sum());
      d.put("compaction.count", statistics.compactions.sum());
      d.put("compaction.trivial.moves", statistics.trivialMoves.sum());
      d.put("compaction.bytes.read", statistics.compactionBytesRead.sum());
      d.put("compaction.bytes.written", statistics.compactionBytesWritten.sum());
      d.put("compaction.tombstones.dropped", statistics.tombstonesDropped.sum());
      d.put("compaction.versions.dropped", statistics.versionsDropped.sum());
      d.put("manifest.rolls", statistics.manifestRolls.sum());
      d.put("files.deleted", statistics.filesDeleted.sum());
      d.put("failed", failStop.failed() ? 1L : 0L);
      return new EngineStatistics(keys, disk, memory, d);
    } finally {
      rs.release();
    }
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
