package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.RecordWriter;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The tree's durable state: the current {@link Version}, the counters (next file number, the oldest
 * log still needed, the last sequence a table holds) and the manifest that records every change to
 * them (LevelDB's {@code version_set.cc}).
 *
 * <p><b>Logging an edit</b> ({@link #logAndApply}): the edit is appended to the manifest and
 * forced, then the new version is installed for readers; only then may files the edit made obsolete
 * be deleted. When the manifest grows past its limit, a new one is written with the whole tree,
 * forced, and {@code CURRENT} switched to it atomically ({@link Manifest}); the old one is deleted
 * after. Each forced edit is reported as an {@link EngineEvent.Kind#FSYNC} event, each new manifest
 * written because the old one grew past its limit as a {@link EngineEvent.Kind#ROLL} event, on the
 * thread that logged the edit, with its request context.
 *
 * <p><b>Obsolete tables</b> are deleted once no version holds them ({@link TableFile}): the
 * deletion is queued for the flush thread, never done on a reader's thread.
 *
 * <p>Thread-safe: edits are logged one at a time (this object's monitor); {@link #current()} and
 * the file counter may be read from any thread.
 */
final class VersionSet {

  private final Path directory;
  private final BlockCache cache;
  private final Statistics statistics;
  private final FsyncGuard guard;
  private final long manifestLimit;
  private final Consumer<Path> obsolete;
  private final EngineEventListener listener;
  private final AtomicLong nextFile;
  private volatile Version current;
  private volatile KeyspaceCatalog catalog = KeyspaceCatalog.initial();
  private long logNumber;
  private long lastSequence;
  private long manifestNumber;
  private RecordWriter manifest; // null when read-only
  private volatile boolean closing;

  /**
   * Set when logging an edit failed: whether it reached the manifest is unknown, so no table is
   * deleted any more (the store has stopped; the next open sorts it out).
   */
  private volatile boolean frozen;

  /**
   * @param obsolete told of every file the tree no longer needs, to delete it on an engine thread
   * @param listener where events go
   */
  VersionSet(
      Path directory,
      BlockCache cache,
      Statistics statistics,
      FsyncGuard guard,
      long manifestLimit,
      Consumer<Path> obsolete,
      long nextFile,
      EngineEventListener listener) {
    this.listener = listener;
    this.directory = directory;
    this.cache = cache;
    this.statistics = statistics;
    this.guard = guard;
    this.manifestLimit = manifestLimit;
    this.obsolete = obsolete;
    this.nextFile = new AtomicLong(nextFile);
    this.current = Version.empty();
  }

  Path directory() {
    return directory;
  }

  BlockCache cache() {
    return cache;
  }

  Statistics statistics() {
    return statistics;
  }

  /** A new file number, never used before in this store. */
  long newFileNumber() {
    return nextFile.getAndIncrement();
  }

  /** Makes sure numbers from now on are above {@code used}. */
  void markFileNumberUsed(long used) {
    nextFile.accumulateAndGet(used + 1, Math::max);
  }

  long nextFileNumber() {
    return nextFile.get();
  }

  /** The current version, unpinned. */
  Version current() {
    return current;
  }

  /** The store's keyspaces as of the last logged edit. */
  KeyspaceCatalog catalog() {
    return catalog;
  }

  synchronized long logNumber() {
    return logNumber;
  }

  synchronized long lastSequence() {
    return lastSequence;
  }

  synchronized long manifestNumber() {
    return manifestNumber;
  }

  /**
   * Applies {@code edits} as replayed from the manifest, at open, and makes the result current. The
   * tables are not opened here.
   */
  synchronized void recover(List<VersionEdit> edits, long manifestNumber) {
    Version v = Version.empty();
    KeyspaceCatalog c = KeyspaceCatalog.initial();
    for (VersionEdit e : edits) {
      c = c.apply(e);
      Version next = apply(v, e, Map.of());
      v.release();
      v = next;
      if (e.logNumber >= 0) {
        logNumber = e.logNumber;
      }
      if (e.lastSequence >= 0) {
        lastSequence = Math.max(lastSequence, e.lastSequence);
      }
      if (e.nextFile >= 0) {
        markFileNumberUsed(e.nextFile - 1);
      }
    }
    for (TableFile f : v.all()) {
      markFileNumberUsed(f.number());
    }
    this.manifestNumber = manifestNumber;
    markFileNumberUsed(manifestNumber);
    current.release();
    current = v;
    catalog = c;
  }

  /** Applies {@code edit} at open, before the new manifest is written (which records it). */
  synchronized void applyAtOpen(VersionEdit edit) {
    Version next = apply(current, edit, Map.of());
    current.release();
    current = next;
  }

  /**
   * Writes a new manifest describing the current tree with {@code logNumber} and {@code
   * lastSequence}, points {@code CURRENT} at it, and deletes the manifest it replaces. Used at open
   * (after recovery) and when the manifest grows past its limit.
   */
  synchronized void writeNewManifest(long logNumber, long lastSequence) {
    long old = manifestNumber;
    RecordWriter oldWriter = manifest;
    long number = newFileNumber();
    VersionEdit snapshot = snapshot(current);
    catalog.describe(snapshot);
    snapshot.logNumber = logNumber;
    snapshot.lastSequence = Math.max(lastSequence, this.lastSequence);
    snapshot.nextFile = nextFileNumber();
    RecordWriter w =
        guard.sync(
            "writing manifest " + number,
            () -> {
              RecordWriter created = Manifest.create(directory, number, snapshot);
              try {
                Manifest.writeCurrent(directory, number);
              } catch (RuntimeException e) {
                created.close();
                throw e;
              }
              return created;
            });
    manifest = w;
    manifestNumber = number;
    this.logNumber = logNumber;
    this.lastSequence = snapshot.lastSequence;
    if (oldWriter != null) {
      oldWriter.close();
    }
    if (old > 0) {
      obsolete.accept(FileNames.manifest(directory, old));
    }
  }

  /**
   * Creates keyspace {@code name}, durably: logs its entry and returns its id.
   *
   * @throws IllegalStateException if it exists (the caller checks first, under the same lock)
   */
  synchronized int createKeyspace(String name, StoreState state) {
    if (catalog.id(name) >= 0) {
      throw new IllegalStateException("keyspace " + name + " exists");
    }
    int id = catalog.nextId();
    VersionEdit edit = new VersionEdit();
    edit.keyspaces.add(new VersionEdit.KeyspaceEntry(id, name));
    edit.nextKeyspace = id + 1;
    logAndApply(edit, Map.of(), state::installVersion);
    return id;
  }

  /** Drops keyspace {@code name}, durably, at sequence {@code sequence}; returns its id. */
  synchronized int dropKeyspace(String name, long sequence, StoreState state) {
    int id = catalog.id(name);
    if (id < 0) {
      throw new IllegalStateException("no keyspace " + name);
    }
    VersionEdit edit = new VersionEdit();
    edit.droppedKeyspaces.add(new VersionEdit.DroppedKeyspace(id, sequence));
    logAndApply(edit, Map.of(), state::installVersion);
    return id;
  }

  /** An edit describing {@code v} whole: every table at its level. */
  static VersionEdit snapshot(Version v) {
    VersionEdit e = new VersionEdit();
    for (int level = 0; level < Version.LEVELS; level++) {
      for (TableFile f : v.level(level)) {
        e.addTable(level, f.meta());
      }
    }
    return e;
  }

  /**
   * Logs {@code edit} (forced), then builds the new version and hands it to {@code install}, which
   * publishes it to readers, and makes it current.
   *
   * @param opened tables the edit adds that are already open, by number
   * @throws dev.cairn.spi.EngineFailedException if the manifest cannot be written (the store stops)
   */
  synchronized void logAndApply(
      VersionEdit edit, Map<Long, Table> opened, Consumer<Version> install) {
    if (edit.logNumber < 0) {
      edit.logNumber = logNumber;
    }
    if (edit.lastSequence < 0) {
      edit.lastSequence = lastSequence;
    }
    edit.nextFile = nextFileNumber();
    guard.checkNoFailure();
    Version next = apply(current, edit, opened);
    KeyspaceCatalog previousCatalog = catalog;
    Version previous = current;
    try {
      if (manifest.size() >= manifestLimit) {
        current = next;
        catalog = previousCatalog.apply(edit);
        long start = System.nanoTime();
        long from = manifestNumber;
        long oldSize = manifest.size();
        String outcome = "";
        try {
          writeNewManifest(edit.logNumber, edit.lastSequence);
          statistics.manifestRolls.increment();
        } catch (RuntimeException e) {
          current = previous;
          catalog = previousCatalog;
          outcome = " (failed: " + e + ")";
          throw e;
        } finally {
          Events.report(
              listener,
              EngineEvent.Kind.ROLL,
              start,
              -1,
              "roll of manifest "
                  + from
                  + " ("
                  + oldSize
                  + " bytes, limit "
                  + manifestLimit
                  + ") to manifest "
                  + manifestNumber
                  + outcome);
        }
      } else {
        byte[] bytes = edit.encode();
        long start = System.nanoTime();
        String outcome = "";
        try {
          guard.sync(
              "logging a version edit",
              () -> {
                manifest.append(Manifest.EDIT, bytes);
                manifest.sync();
              });
        } catch (RuntimeException e) {
          outcome = " (failed: " + e + ")";
          throw e;
        } finally {
          Events.report(
              listener,
              EngineEvent.Kind.FSYNC,
              start,
              bytes.length,
              "fsync of manifest " + manifestNumber + " after logging a version edit" + outcome);
        }
      }
    } catch (RuntimeException e) {
      frozen = true;
      next.release();
      throw e;
    }
    logNumber = edit.logNumber;
    lastSequence = Math.max(lastSequence, edit.lastSequence);
    catalog = previousCatalog.apply(edit);
    install.accept(next);
    current = next;
    previous.release();
  }

  private Version apply(Version base, VersionEdit edit, Map<Long, Table> opened) {
    List<List<TableFile>> levels = new ArrayList<>();
    for (int l = 0; l < Version.LEVELS; l++) {
      levels.add(new ArrayList<>(base.level(l)));
    }
    Map<Long, TableFile> removed = new HashMap<>();
    for (VersionEdit.Deleted d : edit.deleted) {
      List<TableFile> level = levels.get(d.level());
      for (TableFile f : level) {
        if (f.number() == d.number()) {
          removed.put(f.number(), f);
        }
      }
      if (!level.removeIf(f -> f.number() == d.number())) {
        throw new dev.cairn.spi.CorruptionException(
            directory
                + ": a version edit deletes table "
                + d.number()
                + " from level "
                + d.level()
                + ", which does not hold it");
      }
    }
    for (VersionEdit.Added a : edit.added) {
      Table t = opened.get(a.meta().number());
      TableFile moved = removed.get(a.meta().number());
      TableFile f;
      if (moved != null) {
        f = moved; // a table moved to another level stays the same open table
      } else if (t == null) {
        f = new TableFile(a.meta(), directory, cache, statistics, this::released);
      } else {
        f = new TableFile(a.meta(), t, directory, cache, statistics, this::released);
      }
      levels.get(a.level()).add(f);
    }
    levels
        .get(0)
        .sort(
            Comparator.comparingLong((TableFile f) -> f.meta().largestSequence())
                .thenComparingLong(TableFile::number)
                .reversed());
    for (int l = 1; l < Version.LEVELS; l++) {
      levels.get(l).sort((a, b) -> InternalKey.compare(a.meta().smallest(), b.meta().smallest()));
    }
    return new Version(levels);
  }

  private void released(TableFile f) {
    // NB: table numbers are never reused and a table leaves the tree for good (a move keeps its
    // TableFile), so one not in the current version is obsolete; the check guards against a
    // version still being installed that lists it.
    if (!closing && !frozen && !isLive(f.number())) {
      obsolete.accept(f.path());
    }
  }

  /** Whether table {@code number} is in the current version. */
  boolean isLive(long number) {
    for (TableFile f : current.all()) {
      if (f.number() == number) {
        return true;
      }
    }
    return false;
  }

  /** Stops deleting tables; closes the manifest and releases the current version. */
  synchronized void close() {
    closing = true;
    if (manifest != null) {
      manifest.close();
      manifest = null;
    }
    current.release();
  }

  /** Deletes {@code file}, if it exists; on an engine thread. */
  static boolean delete(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      return false; // the next open deletes what it does not need
    }
  }

  static void syncDirectory(Path dir) {
    SyncedFiles.syncDirectory(dir);
  }

  @Override
  public String toString() {
    return "VersionSet["
        + current
        + ", log "
        + logNumber
        + ", last "
        + lastSequence
        + ", next "
        + nextFile
        + ", manifest "
        + manifestNumber
        + "]";
  }
}
