package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.DirectoryLock;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An open hash store: the {@link StorageEngine} the provider returns.
 *
 * <p>Writes are appended by the {@link LogWriter} on the writing caller's thread (one leads a group
 * at a time) and forced by its fsync thread; reads verify keys against data files from the caller's
 * thread; the {@link Merger}'s thread writes hints, merges and deletes. Thread-safe; must be
 * closed.
 */
final class HashEngine implements StorageEngine {

  /**
   * The settings an engine is opened with.
   *
   * @param fileSize the size at which the active data file rolls
   * @param mergeThreshold the stale fraction at which a sealed file is merged
   * @param mergeRate merge's byte rate
   * @param mergeInterval milliseconds between background cycles
   * @param mergeSmallFiles how many small sealed files make a merge due (0: never for smallness)
   * @param salvage whether to open a damaged store for salvage (read-only)
   */
  record Settings(
      long fileSize,
      double mergeThreshold,
      long mergeRate,
      long mergeInterval,
      int mergeSmallFiles,
      boolean salvage) {}

  private final EngineOptions options;
  private final IndexState state;
  private final DirectoryLock lock;
  private final LogWriter writer;
  private final Merger merger;
  private final FailStop failStop;
  private List<String> salvageLosses = List.of(); // set once, before the engine is shared
  private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private HashEngine(
      EngineOptions options,
      IndexState state,
      DirectoryLock lock,
      LogWriter writer,
      Merger merger,
      FailStop failStop) {
    this.failStop = failStop;
    this.options = options;
    this.state = state;
    this.lock = lock;
    this.writer = writer;
    this.merger = merger;
  }

  static HashEngine open(EngineOptions options, Settings settings) {
    Path dir = options.requireDirectory(Manifest.ENGINE);
    if (!Files.isDirectory(dir)) {
      if (!options.createIfMissing()) {
        throw new StorageIOException(dir + ": no store here (and creation was not asked for)");
      }
      SyncedFiles.createDirectories(dir);
    }
    DirectoryLock lock =
        options.readOnly() ? DirectoryLock.acquireShared(dir) : DirectoryLock.acquire(dir);
    IndexState state = null;
    LogWriter writer = null;
    Merger merger = null;
    FailStop failStop = new FailStop(dir);
    try {
      if (Manifest.exists(dir)) {
        Manifest.read(dir);
      } else {
        if (holdsDataFiles(dir)) {
          throw new CorruptionException(dir + ": data files without a " + Manifest.FILE_NAME);
        }
        if (!options.createIfMissing() || options.readOnly()) {
          throw new StorageIOException(
              dir + ": no hash store here (and creation was not asked for)");
        }
        Manifest.create(dir);
      }
      state = new IndexState(dir, new SecureRandom().nextLong());
      state.events = options.eventListener();
      if (settings.salvage() && !options.readOnly()) {
        throw new InvalidArgumentException(
            "setting 'recovery' = 'salvage' reads a damaged store and is allowed only read-only");
      }
      state.salvage = settings.salvage();
      Recovery recovery = new Recovery(state, options.readOnly(), settings.salvage());
      long recoveryStart = System.nanoTime();
      String recovered = "failed";
      try {
        recovery.run();
        recovered = state.files().size() + " data files";
      } finally {
        Events.report(
            state.events,
            EngineEvent.Kind.RECOVERY,
            recoveryStart,
            recovery.bytesRead(),
            "recovery of " + dir + ": " + recovered);
      }
      if (options.readOnly()) {
        state.setVisibleSeq(recovery.lastSeq());
      } else {
        String name = "cairn-hash-" + dir.getFileName();
        FsyncGuard guard = new FsyncGuard(failStop);
        merger =
            new Merger(
                state,
                settings.fileSize(),
                settings.mergeThreshold(),
                settings.mergeRate(),
                settings.mergeInterval(),
                settings.mergeSmallFiles(),
                failStop,
                guard,
                recovery.unhinted(),
                name + "-merge");
        writer =
            new LogWriter(
                state,
                settings.fileSize(),
                recovery.lastSeq(),
                merger::sealed,
                f -> sealOnClose(f, guard),
                guard,
                failStop,
                name + "-writer");
        merger.start(writer::syncFromBackground);
      }
      HashEngine engine = new HashEngine(options, state, lock, writer, merger, failStop);
      engine.salvageLosses = List.copyOf(recovery.losses());
      return engine;
    } catch (RuntimeException e) {
      if (merger != null) {
        merger.close();
      }
      if (writer != null) {
        writer.close();
      }
      if (state != null) {
        state.files().forEach(DataFile::release);
        state.keydir.close();
      }
      lock.close();
      throw e;
    }
  }

  private static boolean holdsDataFiles(Path dir) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (DataFile.idOf(p.getFileName().toString(), ".data") > 0) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new StorageIOException(dir + ": cannot list the store directory", e);
    }
  }

  /** The last active file at a clean close: its hint, or nothing at all if it stayed empty. */
  private static void sealOnClose(DataFile f, FsyncGuard guard) {
    try {
      if (f.size() <= RecordFormat.FILE_HEADER_SIZE) {
        Files.deleteIfExists(f.path());
        SyncedFiles.syncDirectory(f.path().getParent());
      } else {
        HintFile.write(f, guard);
      }
    } catch (IOException | RuntimeException e) {
      // A missing hint only slows the next open; an empty file is removed by the next recovery.
    }
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  void checkOpen() {
    if (closed) {
      throw new ClosedHandleException("store " + state.directory + " is closed");
    }
  }

  private void checkWritable() {
    checkOpen();
    if (options.readOnly()) {
      throw new ReadOnlyStoreException("store " + state.directory + " is open read-only");
    }
  }

  void forget(AutoCloseable handle) {
    handles.remove(handle);
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
      if (merger != null) {
        if (!failStop.failed() && merger.smallFilesDue()) {
          // NB: a store opened by short-lived processes seals a small file at every close; merge
          // them now, since the background thread's own cycle may never get to finish.
          merger.runCycle();
        }
        merger.close();
      }
      if (writer != null) {
        writer.close();
      }
    } finally {
      synchronized (state.publishLock) {
        state.history.clear();
      }
      state.files().forEach(DataFile::release);
      state.keydir.close();
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
    byte[] v = state.get(key);
    checkOpen();
    return v;
  }

  static void checkCursorArguments(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("cursor range and direction are required");
    }
    if (!range.isAll() || direction != Direction.FORWARD) {
      throw new UnsupportedCapabilityException(
          "engine 'hash' iterates only forward over KeyRange.all(), in no particular order: "
              + "bounded or reverse cursors need capability ORDERED_SCANS");
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkOpen();
    checkCursorArguments(range, direction);
    HashCursor c = new HashCursor(HashSnapshot.take(this, state), true);
    handles.add(c);
    if (closed) {
      c.close();
      checkOpen();
    }
    return new TrackedCursor(c, this);
  }

  /** Unregisters an engine-level cursor from the store when it closes. */
  private record TrackedCursor(HashCursor c, HashEngine engine) implements Cursor {
    @Override
    public boolean next() {
      return c.next();
    }

    @Override
    public void seek(byte[] key) {
      c.seek(key);
    }

    @Override
    public byte[] key() {
      return c.key();
    }

    @Override
    public byte[] value() {
      return c.value();
    }

    @Override
    public dev.cairn.spi.ByteView keyView() {
      return c.keyView();
    }

    @Override
    public dev.cairn.spi.ByteView valueView() {
      return c.valueView();
    }

    @Override
    public void close() {
      c.close();
      engine.forget(c);
    }
  }

  @Override
  public Snapshot snapshot() {
    checkOpen();
    HashSnapshot s = HashSnapshot.take(this, state);
    handles.add(s);
    if (closed) {
      s.close();
      checkOpen();
    }
    return s;
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
    writer.submit(
        new LogWriter.Request(
            LogWriter.Kind.WRITE, List.of(new LogWriter.Op(key.clone(), value)), sync));
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    checkWritable();
    Limits.checkKey(key);
    boolean sync = sync(durability);
    writer.submit(
        new LogWriter.Request(
            LogWriter.Kind.WRITE, List.of(new LogWriter.Op(key.clone(), null)), sync));
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
          "engine 'hash' has one keyspace, '"
              + Keyspace.DEFAULT
              + "': a batch naming others needs capability KEYSPACES; got "
              + batch.keyspaces());
    }
    if (batch.isEmpty()) {
      if (sync) {
        writer.submit(new LogWriter.Request(LogWriter.Kind.FLUSH, List.of(), true));
      }
      return;
    }
    List<LogWriter.Op> ops = new ArrayList<>(batch.size());
    for (WriteBatch.Operation op : batch.operations()) {
      switch (op) {
        case WriteBatch.Put p -> ops.add(new LogWriter.Op(p.key().clone(), p.value()));
        case WriteBatch.Delete d -> ops.add(new LogWriter.Op(d.key().clone(), null));
        case WriteBatch.DeleteRange r ->
            throw new UnsupportedCapabilityException(
                "engine 'hash' has no key order, so no range deletes (capability RANGE_DELETES)");
      }
    }
    writer.submit(
        new LogWriter.Request(LogWriter.Kind.WRITE, ops, List.copyOf(batch.preconditions()), sync));
  }

  @Override
  public void flush() {
    checkOpen();
    if (writer != null) {
      writer.submit(new LogWriter.Request(LogWriter.Kind.FLUSH, List.of(), true));
    }
  }

  @Override
  public void checkpoint(Path target) {
    checkOpen();
    long start = System.nanoTime();
    long bytes = -1;
    try {
      bytes = Checkpointer.write(state, writer, target);
    } finally {
      Events.report(
          state.events,
          EngineEvent.Kind.CHECKPOINT,
          start,
          bytes,
          "checkpoint to " + target + (bytes < 0 ? ": failed" : ""));
    }
  }

  // ---- introspection ---------------------------------------------------------------------------

  @Override
  public EngineStatistics statistics() {
    checkOpen();
    long disk = 0;
    long live = 0;
    long stale = 0;
    int files = 0;
    long mapped = 0;
    long unmappable = 0;
    for (DataFile f : state.files()) {
      files++;
      disk += f.size();
      stale += f.staleBytes();
      live += Math.max(0, f.size() - RecordFormat.FILE_HEADER_SIZE - f.staleBytes());
      if (f.isMapped()) {
        mapped++;
      } else if (f.mapRefused()) {
        unmappable++;
      }
      try {
        if (Files.exists(f.hintPath())) {
          disk += Files.size(f.hintPath());
        }
      } catch (IOException e) {
        // The hint went away meanwhile; its bytes no longer count.
      }
    }
    long entries = state.keydir.size();
    long tombstones = state.keydir.tombstones();
    long indexBytes = state.keydir.bytes();
    Map<String, Long> d = new TreeMap<>();
    d.put("index.bytes", indexBytes);
    d.put("index.entries", entries);
    d.put("index.tombstones", tombstones);
    d.put("index.bytes.per.key", entries == 0 ? 0 : indexBytes / entries);
    d.put("live.bytes", live);
    d.put("stale.bytes", stale);
    d.put("files", (long) files);
    d.put("merge.count", state.merges.sum());
    d.put("merge.bytes", state.mergedBytes.sum());
    d.put("merge.tombstones.dropped", state.droppedTombstones.sum());
    d.put("write.groups", state.groups.sum());
    d.put("write.syncs", state.syncs.sum());
    d.put("sequence", state.visibleSeq());
    d.put("snapshot.versions", state.history.versions());
    // Whether reads come from memory mappings: a file system that cannot map files (or a failed
    // mapping) makes every read positional, which is slower but not wrong; say so, never silently.
    d.put("files.mapped", mapped);
    d.put("files.unmappable", unmappable);
    d.put("files.damaged", merger == null ? 0 : (long) merger.damagedFiles());
    d.put("failed", failStop.failed() ? 1L : 0L);
    d.put(EngineStatistics.BACKGROUND_ERRORS, failStop.backgroundErrors());
    if (merger != null) {
      d.put(EngineStatistics.BACKGROUND_PENDING_BYTES, merger.pendingBytes());
    }
    long now = System.nanoTime();
    long open = 0;
    long oldest = now;
    for (AutoCloseable h : handles) {
      HashSnapshot s =
          switch (h) {
            case HashSnapshot hs -> hs;
            case HashCursor c -> c.snapshot();
            default -> null;
          };
      if (s != null) {
        open++;
        oldest = Math.min(oldest, s.takenNanos);
      }
    }
    d.put(EngineStatistics.SNAPSHOTS_OPEN, open);
    d.put(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS, TimeUnit.NANOSECONDS.toMillis(now - oldest));
    return new EngineStatistics(entries - tombstones, disk, indexBytes + state.history.bytes(), d);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code FAILED} once the store fail-stopped, with the reason; {@code DEGRADED} while
   * background cycles fail (and are retried), or when merge found data files damaged and leaves
   * them unmerged; {@code OK} otherwise. The problems list the last few background errors.
   */
  @Override
  public Health health() {
    checkOpen();
    long errors = failStop.backgroundErrors();
    List<String> problems = new ArrayList<>();
    EngineFailedException failure = failStop.failure();
    if (failure != null) {
      problems.add(
          failure.getMessage() + (failure.getCause() == null ? "" : ": " + failure.getCause()));
      problems.addAll(failStop.recentBackgroundErrors());
      return new Health(Health.Status.FAILED, errors, problems);
    }
    int failing = merger == null ? 0 : merger.failingCycles();
    int damaged = merger == null ? 0 : merger.damagedFiles();
    if (failing == 0 && damaged == 0) {
      return new Health(Health.Status.OK, errors, List.of());
    }
    problems.addAll(failStop.recentBackgroundErrors());
    if (failing > 0) {
      problems.add(
          "the last "
              + failing
              + " background cycles failed (the store stops after "
              + Merger.MAX_FAILED_CYCLES
              + " in a row)");
    }
    if (damaged > 0) {
      problems.add(
          damaged + " damaged data files are left unmerged; 'cairn check' reports their damage");
    }
    return new Health(Health.Status.DEGRADED, errors, problems);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Only {@link KeyRange#all()}, without key order: the index's count of live keys (entries less
   * tombstones), exact while no write runs; a write racing the count may be counted in part.
   */
  @Override
  public long approximateCount(KeyRange range) {
    checkOpen();
    if (range == null) {
      throw new InvalidArgumentException("range is null");
    }
    if (!range.isAll()) {
      throw new UnsupportedCapabilityException(
          "engine 'hash' has no key order and counts only KeyRange.all(): a bounded range needs"
              + " capability ORDERED_SCANS");
    }
    return Math.max(0, state.keydir.size() - state.keydir.tombstones());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Opened with {@code recovery=salvage}, the report lists first what salvage could not read
   * (files and byte ranges, and why), then what the check finds in what was read.
   */
  @Override
  public ConsistencyReport checkConsistency() {
    checkOpen();
    ConsistencyReport report = ConsistencyChecker.check(this, state);
    if (salvageLosses.isEmpty()) {
      return report;
    }
    List<String> problems = new ArrayList<>();
    salvageLosses.forEach(l -> problems.add("salvage: " + l));
    problems.addAll(report.problems());
    return new ConsistencyReport(report.itemsChecked(), problems);
  }

  /** Runs one background cycle (hints, merge, deletions) now and waits; for tests. */
  void runBackgroundCycle() {
    checkOpen();
    if (merger != null) {
      merger.runCycle();
    }
  }

  IndexState state() {
    return state;
  }

  /** The background thread's work, or null when read-only; for tests. */
  Merger merger() {
    return merger;
  }
}
