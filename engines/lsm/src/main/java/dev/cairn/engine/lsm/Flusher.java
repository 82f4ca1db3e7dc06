package dev.cairn.engine.lsm;

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

  Flusher(
      StoreState state,
      VersionSet versions,
      FsyncGuard guard,
      FileDeleter deleter,
      Statistics statistics,
      int blockSize,
      int bitsPerKey,
      Compression compression,
      Runnable onFlushed) {
    this.state = state;
    this.versions = versions;
    this.guard = guard;
    this.deleter = deleter;
    this.statistics = statistics;
    this.blockSize = blockSize;
    this.bitsPerKey = bitsPerKey;
    this.compression = compression;
    this.onFlushed = onFlushed;
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
    long nextLog = imms.size() > 1 ? imms.get(imms.size() - 2).walNumber() : rs.mutable.walNumber();
    flush(oldest, nextLog);
    onFlushed.run();
    return true;
  }

  private void flush(MemTable m, long nextLog) {
    VersionEdit edit = new VersionEdit();
    edit.logNumber = nextLog;
    edit.lastSequence = m.largestSequence();
    Map<Long, Table> opened = Map.of();
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
    }
    versions.logAndApply(edit, opened, v -> state.installFlush(m, v));
    deleter.queue(FileNames.wal(versions.directory(), m.walNumber()));
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
        new TableWriter(dir, number, blockSize, bitsPerKey, compression, statistics)) {
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
