package dev.cairn.engine.lsm;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Opening a store: reads {@code CURRENT} and the manifest it names, checks that the files the
 * manifest needs are there, replays the logs it still needs into memtables, and (unless read-only)
 * writes them out as level-0 tables, starts a new log and a new manifest, and deletes what a crash
 * left behind. LevelDB's {@code DBImpl::Recover}.
 *
 * <p><b>What a crash leaves, and what is damage.</b>
 *
 * <ul>
 *   <li>No {@code CURRENT}, no table and no log holding a record: a store whose creation was cut
 *       short, or none. A directory holding tables or logged writes without {@code CURRENT} is
 *       damaged.
 *   <li>The manifest's last record torn: it was never acted on (each edit is forced before the
 *       files it makes obsolete are deleted); replay drops it ({@link Manifest}). That a dropped
 *       edit was not in fact durable is checked below: the files the older state needs must all be
 *       there.
 *   <li>A table the manifest names is missing, or the log it names as the oldest needed: damage,
 *       {@link CorruptionException} naming it (only an edit that recovery could not read can have
 *       let them go; every log is created, and its directory forced, before a manifest names it).
 *   <li>Only the newest log that holds records may end torn: it is read up to its first bad or
 *       incomplete record, and never past. The writer numbers writes without gaps, across logs: a
 *       batch whose sequence skips ahead means writes before it were lost (an older log that ends
 *       cleanly but early), damage too. Every older log was forced before the next was created, so
 *       damage there is corruption; and bytes before an offset that a later record of the same log
 *       says was forced ({@link WalReader#syncedBeyond}) cannot have been torn by a crash: damage
 *       too.
 *   <li>Tables, logs and manifests that the manifest does not need (a flush or compaction cut
 *       short, files whose deletion a crash prevented) and unfinished replacements ({@code *.tmp})
 *       are deleted, after the checks: a store found damaged is left as it is, evidence for {@code
 *       cairn check}.
 * </ul>
 *
 * <p>Not thread-safe: runs once, on an engine thread, before the store is shared.
 */
final class Recovery {

  /**
   * What recovery leaves for the engine.
   *
   * @param memTables the memtables replayed (read-only opens), oldest first; empty otherwise
   * @param lastSequence the last sequence number in the store
   * @param wal the new log (null when read-only)
   */
  record Result(List<MemTable> memTables, long lastSequence, WalFile wal) {}

  private final Path dir;
  private final VersionSet versions;
  private final boolean readOnly;
  private final boolean createIfMissing;
  private final long memtableSize;
  private final int blockSize;
  private final int bitsPerKey;
  private final Compression compression;
  private final Statistics statistics;
  private final FsyncGuard guard;

  // What the run did, for its RECOVERY event (summary()).
  private long bytesRead;
  private int logsReplayed;
  private int tablesWritten;
  private String outcome = "did not finish";

  Recovery(
      Path dir,
      VersionSet versions,
      boolean readOnly,
      boolean createIfMissing,
      long memtableSize,
      int blockSize,
      int bitsPerKey,
      Compression compression,
      Statistics statistics,
      FsyncGuard guard) {
    this.guard = guard;
    this.dir = dir;
    this.versions = versions;
    this.readOnly = readOnly;
    this.createIfMissing = createIfMissing;
    this.memtableSize = memtableSize;
    this.blockSize = blockSize;
    this.bitsPerKey = bitsPerKey;
    this.compression = compression;
    this.statistics = statistics;
  }

  /** The bytes of the manifest and logs read so far. */
  long bytesRead() {
    return bytesRead;
  }

  /** One line on what the run did (or how far it got), for its event. */
  String summary() {
    return outcome
        + ": replayed "
        + logsReplayed
        + " write-ahead logs into "
        + tablesWritten
        + " level-0 tables, read "
        + bytesRead
        + " bytes";
  }

  private void countRead(Path p) {
    try {
      bytesRead += Files.size(p);
    } catch (IOException e) {
      // statistics only; reading it fails or failed where it matters
    }
  }

  /** The files of the directory by kind and number; temporary files by path. */
  private static final class Listing {
    final TreeSet<Long> wals = new TreeSet<>();
    final TreeSet<Long> tables = new TreeSet<>();
    final TreeSet<Long> manifests = new TreeSet<>();
    final List<Path> temps = new ArrayList<>();
  }

  private Listing list() {
    Listing l = new Listing();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        FileNames.Parsed f = FileNames.parse(p.getFileName().toString());
        switch (f.kind()) {
          case WAL -> l.wals.add(f.number());
          case TABLE -> l.tables.add(f.number());
          case MANIFEST -> l.manifests.add(f.number());
          case TEMP -> l.temps.add(p);
          case CURRENT, OTHER -> {}
        }
      }
    } catch (IOException e) {
      throw new StorageIOException(dir + ": cannot list the store directory", e);
    }
    for (long n : l.wals) {
      versions.markFileNumberUsed(n);
    }
    for (long n : l.tables) {
      versions.markFileNumberUsed(n);
    }
    for (long n : l.manifests) {
      versions.markFileNumberUsed(n);
    }
    return l;
  }

  /**
   * Recovers the store, creating it if it is missing and creation was asked for.
   *
   * @param syncer makes the new log (null when read-only)
   * @throws CorruptionException if the store is damaged beyond what a crash leaves
   * @throws StorageIOException if the file system fails, or there is no store and none may be
   *     created
   */
  Result run(WalSyncer syncer) {
    Listing files = list();
    if (!Manifest.currentExists(dir)) {
      if (!files.tables.isEmpty() || holdsRecords(files.wals)) {
        throw new CorruptionException(
            dir
                + ": tables or logged writes but no "
                + FileNames.CURRENT
                + ": the store's pointer to its manifest is lost");
      }
      if (readOnly || !createIfMissing) {
        throw new StorageIOException(dir + ": no LSM store here (and creation was not asked for)");
      }
      Result created = create(files, syncer);
      outcome = "created a new store";
      return created;
    }
    long manifestNumber = Manifest.readCurrent(dir);
    countRead(FileNames.manifest(dir, manifestNumber));
    Manifest.Replay replay = Manifest.read(dir, manifestNumber);
    versions.recover(replay.edits(), manifestNumber);
    long logNumber = versions.logNumber();
    Version v = versions.current();
    for (TableFile t : v.all()) {
      if (!files.tables.contains(t.number())) {
        throw new CorruptionException(
            t.path() + ": the manifest names this table, which is missing");
      }
    }
    if (!files.wals.contains(logNumber)) {
      throw new CorruptionException(
          FileNames.wal(dir, logNumber)
              + ": the manifest names this log as the oldest with"
              + " writes not in a table, and it is missing");
    }
    List<Long> replayed = new ArrayList<>(files.wals.tailSet(logNumber, true));
    List<MemTable> memTables = new ArrayList<>();
    List<FileMeta> flushed = new ArrayList<>();
    long lastSequence = replayLogs(replayed, memTables, flushed);
    tablesWritten = flushed.size();
    if (readOnly) {
      outcome = "opened read-only at manifest " + manifestNumber + ", sequence " + lastSequence;
      return new Result(memTables, lastSequence, null);
    }
    // The new log first, then the manifest that names it, then the deletions.
    WalFile wal = syncer.start(versions.newFileNumber());
    VersionEdit added = new VersionEdit();
    flushed.forEach(m -> added.addTable(0, m));
    versions.applyAtOpen(added);
    versions.writeNewManifest(wal.number(), lastSequence);
    deleteLeftovers(files, replayed);
    outcome =
        "opened at manifest "
            + manifestNumber
            + ", sequence "
            + lastSequence
            + ", new log "
            + wal.number();
    return new Result(List.of(), lastSequence, wal);
  }

  private Result create(Listing files, WalSyncer syncer) {
    // NB: the first log first, then the manifest naming it, then CURRENT: a log always exists
    // before a manifest names it (so a missing one is damage), and a creation cut short leaves
    // only an empty log and perhaps a manifest, which are cleared here.
    for (long m : files.manifests) {
      VersionSet.delete(FileNames.manifest(dir, m));
    }
    for (long w : files.wals) {
      VersionSet.delete(FileNames.wal(dir, w));
    }
    for (Path t : files.temps) {
      VersionSet.delete(t);
    }
    WalFile wal = syncer.start(versions.newFileNumber());
    versions.writeNewManifest(wal.number(), 0);
    return new Result(List.of(), 0, wal);
  }

  /** Whether any of logs {@code numbers} holds a write (a batch record), or damage before one. */
  private boolean holdsRecords(TreeSet<Long> numbers) {
    for (long n : numbers) {
      try (WalReader r = WalReader.open(FileNames.wal(dir, n))) {
        for (WalReader.Record rec = r.next(); rec != null; rec = r.next()) {
          if (WalRecord.kind(rec.bytes()) == WalRecord.BATCH) {
            return true;
          }
        }
        if (r.stop() != WalReader.Stop.END && r.syncedBeyond(r.stopOffset()) >= 0) {
          return true; // damaged, with records after the damage
        }
      }
    }
    return false;
  }

  /**
   * Replays logs {@code numbers} in order; see the class comment for what may be torn. Unless
   * read-only, memtables that fill are written out as tables ({@code flushed}) and the rest is
   * written out at the end; read-only, they are kept in {@code memTables}.
   *
   * @return the last sequence number seen
   */
  private long replayLogs(List<Long> numbers, List<MemTable> memTables, List<FileMeta> flushed) {
    long lastSequence = versions.lastSequence();
    long floor = lastSequence;
    MemTable mem = new MemTable(-1);
    String tornAt = null;
    for (long number : numbers) {
      Path path = FileNames.wal(dir, number);
      String where = path.toString();
      boolean content = false;
      countRead(path);
      logsReplayed++;
      try (WalReader r = WalReader.open(path)) {
        WalReader.Record header = r.next();
        FormatVersion version = FormatVersion.V1;
        if (header != null) {
          version = WalRecord.checkFileHeader(header.bytes(), number, where);
        } else if (tornAt == null) {
          tornAt = where + " has no header";
        }
        for (WalReader.Record rec = header == null ? null : r.next(); rec != null; rec = r.next()) {
          String at = where + " at offset " + rec.offset();
          if (tornAt != null) {
            throw new CorruptionException(
                tornAt + ", yet a newer log holds records (" + at + "): an older log is damaged");
          }
          content = true;
          switch (WalRecord.kind(rec.bytes())) {
            case WalRecord.BATCH -> {
              WalRecord.BatchHead head = WalRecord.batchHead(rec.bytes(), at);
              if (head.firstSequence() <= lastSequence && head.firstSequence() > floor) {
                throw new CorruptionException(
                    at
                        + ": a batch at sequence "
                        + head.firstSequence()
                        + " after sequence "
                        + lastSequence
                        + ": sequence numbers go back");
              }
              if (head.firstSequence() > lastSequence + 1) {
                // NB: the writer numbers its writes without gaps, across logs too. A gap means
                // writes were lost before this one: an older log that ends early (its tail dropped
                // by a failed force, say) would otherwise look cleanly ended, and replaying on
                // would leave a hole in the history.
                throw new CorruptionException(
                    at
                        + ": a batch at sequence "
                        + head.firstSequence()
                        + " right after sequence "
                        + lastSequence
                        + ": the writes numbered between are missing (an older log lost its end)");
              }
              List<Mutation> ops =
                  BatchCodec.decode(
                      rec.bytes(),
                      WalRecord.BATCH_HEAD_SIZE,
                      head.count(),
                      version.hasRangeTombstones(),
                      at);
              long seq = head.firstSequence();
              for (Mutation m : ops) {
                if (seq > floor) {
                  mem.add(m.key(), seq, m.kind(), m.value());
                }
                seq++;
              }
              lastSequence = Math.max(lastSequence, seq - 1);
              if (!readOnly && mem.approximateBytes() >= memtableSize) {
                flushed.add(writeOut(mem));
                mem = new MemTable(-1);
              }
            }
            case WalRecord.CLOSE ->
                lastSequence = Math.max(lastSequence, WalRecord.closeLastSequence(rec.bytes(), at));
            default ->
                throw new CorruptionException(
                    at + ": a record of kind " + WalRecord.kind(rec.bytes()));
          }
        }
        if (r.stop() != WalReader.Stop.END) {
          long synced = r.syncedBeyond(r.stopOffset());
          if (synced > r.stopOffset()) {
            throw new CorruptionException(
                where
                    + ": damaged at offset "
                    + r.stopOffset()
                    + " ("
                    + r.stopDetail()
                    + "), before offset "
                    + synced
                    + ", which a later record says was forced");
          }
          if (tornAt == null) {
            tornAt = where + " ends torn at offset " + r.stopOffset() + " (" + r.stopDetail() + ")";
          }
        }
      }
    }
    if (readOnly) {
      if (!mem.isEmpty()) {
        memTables.add(mem);
      }
    } else if (!mem.isEmpty()) {
      flushed.add(writeOut(mem));
    }
    return lastSequence;
  }

  private FileMeta writeOut(MemTable mem) {
    return Flusher.write(
        dir, versions.newFileNumber(), mem, blockSize, bitsPerKey, compression, statistics, guard);
  }

  private void deleteLeftovers(Listing files, List<Long> replayed) {
    for (Path t : files.temps) {
      VersionSet.delete(t);
    }
    for (long w : files.wals) {
      VersionSet.delete(FileNames.wal(dir, w)); // replayed into tables, or older than needed
    }
    Map<Long, Boolean> live = new TreeMap<>();
    for (TableFile t : versions.current().all()) {
      live.put(t.number(), true);
    }
    for (long t : files.tables) {
      if (!live.containsKey(t)) {
        VersionSet.delete(FileNames.table(dir, t));
      }
    }
    long current = versions.manifestNumber();
    for (long m : files.manifests) {
      if (m != current) {
        VersionSet.delete(FileNames.manifest(dir, m));
      }
    }
  }
}
