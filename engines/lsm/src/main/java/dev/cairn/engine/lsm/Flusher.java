package dev.cairn.engine.lsm;

import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.RequestContext;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flush thread's work: writes the oldest immutable memtable to a level-0 table, records it in
 * the manifest with the oldest log still needed, installs the new version, and deletes the log the
 * memtable came from; and deletes whatever else the store queued as obsolete.
 *
 * <p>Order matters (LevelDB's {@code WriteLevel0Table}, and its crash bugs #193, #196): the table
 * is written and forced, its directory forced, then the edit is logged and forced; only then is the
 * log deleted. A crash before the edit leaves a table the manifest does not name (deleted at the
 * next open) and the log, which recovery replays.
 *
 * <p><b>Cause.</b> The writer tells the flusher which request's group made each memtable immutable
 * ({@link #causedBy}); the flush of that memtable runs with that request's context bound ({@link
 * #nextCause}, given to the {@link BackgroundThread}), and its {@link EngineEvent.Kind#FLUSH} event
 * names it.
 *
 * <p>Runs on one engine thread.
 */
final class Flusher {

  private final StoreState state;
  private final VersionSet versions;
  private final FsyncGuard guard;
  private final FileDeleter deleter;
  private final Statistics statistics;
  private final int blockSize;
  private final int bitsPerKey;
  private final Compression compression;
  private final Runnable onFlushed;
  private final EngineEventListener listener;

  /** The request context that made each immutable memtable immutable, when there was one. */
  private final Map<MemTable, RequestContext> causes =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /** The bytes of the table the last flush wrote; on the flush thread. */
  private long flushedBytes;

  /** The memtable the next step flushes, chosen with its cause ({@link #nextCause}). */
  private MemTable target;

  Flusher(
      StoreState state,
      VersionSet versions,
      FsyncGuard guard,
      FileDeleter deleter,
      Statistics statistics,
      int blockSize,
      int bitsPerKey,
      Compression compression,
      Runnable onFlushed,
      EngineEventListener listener) {
    this.state = state;
    this.versions = versions;
    this.guard = guard;
    this.deleter = deleter;
    this.statistics = statistics;
    this.blockSize = blockSize;
    this.bitsPerKey = bitsPerKey;
    this.compression = compression;
    this.onFlushed = onFlushed;
    this.listener = listener;
  }

  /** Records that {@code cause} (null: none) made {@code m} immutable; on the writer's thread. */
  void causedBy(MemTable m, RequestContext cause) {
    if (cause != null) {
      causes.put(m, cause);
    }
  }

  /**
   * The request context that made the next memtable to flush immutable, or null; on the flush
   * thread, before each step, which flushes that memtable only.
   */
  RequestContext nextCause() {
    List<MemTable> imms = state.current().immutables;
    target = imms.isEmpty() ? null : imms.getLast();
    return target == null ? null : causes.get(target);
  }

  /** One step: deletes queued files, flushes the oldest immutable memtable; true if more is due. */
  boolean step() {
    deleter.deleteQueued();
    ReadState rs = state.current();
    List<MemTable> imms = rs.immutables;
    if (imms.isEmpty()) {
      return !deleter.isEmpty();
    }
    MemTable oldest = imms.getLast();
    if (oldest != target) {
      return true; // became immutable after nextCause() looked: the next step, with its cause
    }
    long nextLog = imms.size() > 1 ? imms.get(imms.size() - 2).walNumber() : rs.mutable.walNumber();
    flush(oldest, nextLog);
    causes.remove(oldest);
    onFlushed.run();
    return true;
  }

  private void flush(MemTable m, long nextLog) {
    long start = System.nanoTime();
    long written = 0;
    String outcome = "";
    long table = -1;
    try {
      table = flushNow(m, nextLog);
      written = flushedBytes;
    } catch (RuntimeException | Error e) {
      outcome = " (failed: " + e + ")";
      throw e;
    } finally {
      Events.report(
          listener,
          EngineEvent.Kind.FLUSH,
          start,
          written,
          "flush of the memtable of write-ahead log "
              + m.walNumber()
              + " ("
              + m.entries()
              + " entries, "
              + m.approximateBytes()
              + " bytes) to "
              + (table < 0 ? "no table (empty)" : "level-0 table " + table)
              + outcome);
    }
  }

  /** Flushes {@code m}; returns the number of the table written, or -1 for none. */
  private long flushNow(MemTable m, long nextLog) {
    flushedBytes = 0;
    VersionEdit edit = new VersionEdit();
    edit.logNumber = nextLog;
    edit.lastSequence = m.largestSequence();
    Map<Long, Table> opened = Map.of();
    long table = -1;
    if (!m.isEmpty()) {
      FileMeta meta =
          write(
              versions.directory(),
              versions.newFileNumber(),
              m,
              blockSize,
              bitsPerKey,
              compression,
              statistics,
              guard);
      edit.addTable(0, meta);
      statistics.flushes.increment();
      statistics.flushBytes.add(meta.size());
      table = meta.number();
      flushedBytes = meta.size();
    }
    versions.logAndApply(edit, opened, v -> state.installFlush(m, v));
    deleter.queue(FileNames.wal(versions.directory(), m.walNumber()));
    return table;
  }

  /** Writes {@code m} to table {@code number}, forced with its directory. */
  static FileMeta write(
      java.nio.file.Path dir,
      long number,
      MemTable m,
      int blockSize,
      int bitsPerKey,
      Compression compression,
      Statistics statistics,
      FsyncGuard guard) {
    return write(
        dir, number, m, Long.MAX_VALUE, blockSize, bitsPerKey, compression, statistics, guard);
  }

  /**
   * Writes the entries and range tombstones of {@code m} at or below {@code maxSequence} to table
   * {@code number}, forced with its directory; null (and no file) when there are none.
   */
  static FileMeta write(
      java.nio.file.Path dir,
      long number,
      MemTable m,
      long maxSequence,
      int blockSize,
      int bitsPerKey,
      Compression compression,
      Statistics statistics,
      FsyncGuard guard) {
    try (TableWriter w =
        new TableWriter(dir, number, blockSize, bitsPerKey, compression, statistics)
            .syncingAsItGrows(guard)) {
      for (long n = m.first(); n != 0; n = m.next(n)) {
        if (InternalKey.sequenceOf(m.trailer(n)) <= maxSequence) {
          w.add(m.encodedKey(n), m.value(n));
        }
      }
      RangeTombstones tombstones = m.rangeTombstones().atOrBelow(maxSequence);
      if (w.entries() == 0 && tombstones.isEmpty()) {
        return null;
      }
      w.rangeTombstones(tombstones);
      FileMeta meta = w.finish(guard);
      guard.sync("syncing the store directory", () -> VersionSet.syncDirectory(dir));
      return meta;
    }
  }
}
