package dev.cairn.engine.lsm;

import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.RequestContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The compaction thread's work: picks a compaction ({@link CompactionPicker}) and runs it, merging
 * the input tables into new tables one level down, dropping what no reader can see, then records
 * the swap in the manifest and installs the new version (LevelDB's {@code DoCompactionWork}).
 *
 * <p><b>What is dropped.</b> Entries are merged in internal key order, so a key's versions come
 * newest first. A version is dropped when a newer version of its key is visible to every reader
 * (its sequence is at or below the oldest snapshot's). A tombstone is dropped when, in addition, no
 * deeper level may hold its key ({@link Version#isBottommostFor}): then nothing older remains for
 * it to hide. Range tombstones follow the same rules ({@link CompactionTombstones}): an entry one
 * deletes for every reader that sees it is dropped, and a tombstone is dropped only at the bottom
 * and only once every reader sees it. Everything else is kept, so a snapshot reads what it read
 * before.
 *
 * <p><b>Outputs.</b> A new table starts when the current one reaches {@code table.file.size}, but
 * never between two versions of one key, so the tables of a level never share a key; each output
 * keeps the range tombstones of its share of the key space, cut at the first key of the next (its
 * last key is then that key's range sentinel, {@link TableBounds}). Each output is forced (a step
 * of the {@link FsyncGuard}) and its directory forced before the edit naming it is logged; the
 * inputs are deleted once no reader holds them. A compaction cut short (the store closing, a
 * failure) deletes its outputs; a crash leaves them unnamed, deleted at the next open.
 *
 * <p>Reads never wait for compaction: readers keep the version they pinned, and the new one is
 * published whole. Runs on one engine thread.
 *
 * <p><b>Cause.</b> Each flush names the request that caused it ({@link #causedBy}) as it starts and
 * again once its table is installed; the compactions that start after that, until none is due, run
 * with that request's context bound ({@link #cause}, given to the {@link BackgroundThread}) and
 * their {@link EngineEvent.Kind#COMPACTION} events name it; a later flush's request takes over.
 * Compactions found due with no flush before them since the last time none was (at open, after a
 * snapshot closed) name no request.
 */
final class Compactor {

  private final StoreState state;
  private final VersionSet versions;
  private final FsyncGuard guard;
  private final Statistics statistics;
  private final LsmEngineProvider.Settings settings;
  private final CompactionPicker picker;
  private final EngineEventListener listener;
  private final AtomicReference<Cause> cause = new AtomicReference<>();

  /** The cause the running step took; on the compaction thread. */
  private Cause stepCause;

  /** One naming of a cause: a flush names its request as it starts and again once it is done. */
  private record Cause(RequestContext context) {}

  private volatile BooleanSupplier stopping = () -> false;

  Compactor(
      StoreState state,
      VersionSet versions,
      FsyncGuard guard,
      Statistics statistics,
      LsmEngineProvider.Settings settings,
      EngineEventListener listener) {
    this.listener = listener;
    this.state = state;
    this.versions = versions;
    this.guard = guard;
    this.statistics = statistics;
    this.settings = settings;
    this.picker = new CompactionPicker(settings);
  }

  /** Records that the request {@code c} (null: none) caused the last flush; any thread. */
  void causedBy(RequestContext c) {
    if (c != null) {
      cause.set(new Cause(c));
    }
  }

  /** The request context the next step runs with, or null; on the compaction thread. */
  RequestContext cause() {
    stepCause = cause.get();
    return stepCause == null ? null : stepCause.context();
  }

  /** Tells the compactor when to give up a compaction: the store is closing. */
  void stopWhen(BooleanSupplier stopping) {
    this.stopping = stopping;
  }

  boolean due(Version v) {
    return picker.pick(v, state.snapshots.smallest(state.visibleSequence())) != null;
  }

  long pendingBytes(Version v) {
    return picker.pendingBytes(v);
  }

  /** One step: runs one compaction if one is due; true if more may be. */
  boolean step() {
    Version v = pinCurrent();
    try {
      if (purgeDroppedTable(v)) {
        return true;
      }
      CompactionPicker.Compaction c =
          picker.pick(v, state.snapshots.smallest(state.visibleSequence()));
      if (c == null) {
        // NB: caught up: what a later compaction does is no longer this request's doing, unless a
        // flush named its request again meanwhile (as each does once done, after installing its
        // table: so a compaction due after a flush always names it).
        cause.compareAndSet(stepCause, null);
        return false;
      }
      if (c.isTrivialMove()) {
        long start = System.nanoTime();
        TableFile f = c.inputs().getFirst();
        VersionEdit edit =
            new VersionEdit().deleteTable(c.level(), f.number()).addTable(c.level() + 1, f.meta());
        versions.logAndApply(edit, Map.of(), state::installVersion);
        statistics.trivialMoves.increment();
        picker.ran(c);
        Events.report(
            listener,
            EngineEvent.Kind.COMPACTION,
            start,
            0,
            "trivial move of table "
                + f.number()
                + " ("
                + f.meta().size()
                + " bytes) from level "
                + c.level()
                + " to level "
                + (c.level() + 1));
        return true;
      }
      report(v, c);
      picker.ran(c);
      return true;
    } finally {
      v.release();
    }
  }

  /**
   * Deletes one table that holds only entries of a keyspace dropped before every open reader,
   * without reading it: a manifest edit alone. True if one was.
   */
  private boolean purgeDroppedTable(Version v) {
    KeyspaceCatalog catalog = versions.catalog();
    if (catalog.dropped().isEmpty()) {
      return false;
    }
    long smallestSnapshot = state.snapshots.smallest(state.visibleSequence());
    for (int level = 0; level < Version.LEVELS; level++) {
      for (TableFile f : v.level(level)) {
        byte[] first = f.meta().smallest().userKey;
        byte[] last = f.meta().largest().userKey;
        if (catalog.purgeable(first, smallestSnapshot)
            && StoreKeys.keyspaceOf(first, "") == StoreKeys.keyspaceOf(last, "")) {
          versions.logAndApply(
              new VersionEdit().deleteTable(level, f.number()), Map.of(), state::installVersion);
          statistics.tablesPurged.increment();
          statistics.versionsDropped.add(f.meta().entries());
          return true;
        }
      }
    }
    return false;
  }

  private Version pinCurrent() {
    while (true) {
      Version v = versions.current();
      if (v.tryAcquire()) {
        return v;
      }
      Thread.onSpinWait();
    }
  }

  /** Runs compaction {@code c} and reports it, failed or not. */
  private void report(Version v, CompactionPicker.Compaction c) {
    long start = System.nanoTime();
    long readBefore = statistics.compactionBytesRead.sum();
    long writtenBefore = statistics.compactionBytesWritten.sum();
    String outcome = "";
    boolean done = false;
    try {
      done = run(v, c);
      if (!done) {
        outcome = " (given up: the store closes)";
      }
    } catch (RuntimeException | Error e) {
      outcome = " (failed: " + e + ")";
      throw e;
    } finally {
      // NB: the statistics count only this thread's compactions: the differences are this one's.
      long read = statistics.compactionBytesRead.sum() - readBefore;
      long written = statistics.compactionBytesWritten.sum() - writtenBefore;
      Events.report(
          listener,
          EngineEvent.Kind.COMPACTION,
          start,
          written,
          "compaction of level "
              + c.level()
              + " to level "
              + (c.level() + 1)
              + ": "
              + c.inputs().size()
              + " + "
              + c.overlaps().size()
              + " tables, read "
              + read
              + " bytes, wrote "
              + written
              + " bytes"
              + outcome);
    }
  }

  /** Runs compaction {@code c}; false if it gave up because the store closes. */
  private boolean run(Version v, CompactionPicker.Compaction c) {
    int outputLevel = c.level() + 1;
    long smallestSnapshot = state.snapshots.smallest(state.visibleSequence());
    KeyspaceCatalog catalog = versions.catalog();
    List<InternalIterator> children = new ArrayList<>();
    long read = 0;
    if (c.level() == 0) {
      for (TableFile f : c.inputs()) {
        children.add(f.table().iterator(false));
        read += f.meta().size();
      }
    } else {
      children.add(new LevelIterator(c.inputs(), false));
      for (TableFile f : c.inputs()) {
        read += f.meta().size();
      }
    }
    if (!c.overlaps().isEmpty()) {
      children.add(new LevelIterator(c.overlaps(), false));
      for (TableFile f : c.overlaps()) {
        read += f.meta().size();
      }
    }
    MergingIterator it = new MergingIterator(children, true);
    Bottommost bottom = new Bottommost(v, outputLevel);
    List<TableFile> allInputs = new ArrayList<>(c.inputs());
    allInputs.addAll(c.overlaps());
    CompactionTombstones ranges =
        new CompactionTombstones(allInputs, state.snapshots.pinned(), smallestSnapshot);
    RangeTombstones keptRanges = ranges.kept(v, outputLevel, catalog);
    byte[] outputStart = null; // where the current output's share of the key space starts
    List<FileMeta> outputs = new ArrayList<>();
    Map<Long, Table> opened = new HashMap<>();
    TableWriter out = null;
    boolean logged = false;
    try {
      byte[] currentKey = null;
      long lastSequenceForKey = Long.MAX_VALUE;
      long n = 0;
      for (it.seekToFirst(); it.valid(); it.next()) {
        if ((++n & 1023) == 0 && stopping.getAsBoolean()) {
          return false; // the store closes: give up, deleting the outputs (finally)
        }
        InternalKey k = it.key();
        boolean newKey = currentKey == null || !Arrays.equals(k.userKey, currentKey);
        if (newKey) {
          currentKey = k.userKey;
          lastSequenceForKey = Long.MAX_VALUE;
        }
        boolean drop = false;
        if (catalog.purgeable(k.userKey, smallestSnapshot)) {
          drop = true; // its keyspace was dropped before every reader still open
          statistics.versionsDropped.increment();
        } else if (lastSequenceForKey <= smallestSnapshot) {
          drop = true; // a newer version is visible to every reader
          statistics.versionsDropped.increment();
        } else if (ranges.deletes(k.userKey, k.sequence())) {
          drop = true; // a range tombstone deletes it for every reader that sees it
          statistics.versionsDropped.increment();
        } else if (k.kind() == InternalKey.DELETE
            && k.sequence() <= smallestSnapshot
            && bottom.isBottommostFor(k.userKey)) {
          drop = true; // nothing older remains below for it to hide
          statistics.tombstonesDropped.increment();
        }
        lastSequenceForKey = k.sequence();
        if (drop) {
          continue;
        }
        if (out != null && newKey && out.estimatedSize() >= settings.tableFileSize()) {
          out.rangeTombstones(keptRanges.clip(outputStart, k.userKey));
          outputs.add(out.finish(guard));
          out.close();
          out = null;
          outputStart = k.userKey;
        }
        if (out == null) {
          out =
              new TableWriter(
                      versions.directory(),
                      versions.newFileNumber(),
                      settings.blockSize(),
                      settings.bloomBitsPerKey(),
                      settings.compression(),
                      statistics)
                  .syncingAsItGrows(guard);
        }
        out.add(k.encode(), it.value());
      }
      RangeTombstones lastRanges = keptRanges.clip(outputStart, null);
      if (out == null && !lastRanges.isEmpty()) {
        out = // NB: tombstones left after the last entry (or with no entry at all)
            new TableWriter(
                    versions.directory(),
                    versions.newFileNumber(),
                    settings.blockSize(),
                    settings.bloomBitsPerKey(),
                    settings.compression(),
                    statistics)
                .syncingAsItGrows(guard);
      }
      if (out != null) {
        out.rangeTombstones(lastRanges);
        outputs.add(out.finish(guard));
        out.close();
        out = null;
      }
      statistics.tombstonesDropped.add(ranges.dropped());
      if (!outputs.isEmpty()) {
        guard.sync(
            "syncing the store directory", () -> VersionSet.syncDirectory(versions.directory()));
      }
      VersionEdit edit = new VersionEdit();
      for (TableFile f : c.inputs()) {
        edit.deleteTable(c.level(), f.number());
      }
      for (TableFile f : c.overlaps()) {
        edit.deleteTable(outputLevel, f.number());
      }
      long written = 0;
      for (FileMeta m : outputs) {
        edit.addTable(outputLevel, m);
        written += m.size();
      }
      // NB: from here on the edit may reach the manifest even if logging it fails (a directory
      // sync failing after CURRENT was renamed, say): the outputs are never deleted here again;
      // the next open deletes them if the manifest does not name them.
      logged = true;
      versions.logAndApply(edit, opened, state::installVersion);
      statistics.compactions.increment();
      statistics.compactionBytesRead.add(read);
      statistics.compactionBytesWritten.add(written);
      return true;
    } finally {
      if (out != null) {
        out.close();
      }
      if (!logged) {
        for (FileMeta m : outputs) {
          VersionSet.delete(FileNames.table(versions.directory(), m.number()));
        }
      }
    }
  }

  /**
   * Whether the output level is the deepest that may hold a key, for keys asked in increasing
   * order: one pointer per deeper level, advanced past the tables that end before the key.
   */
  private static final class Bottommost {
    private final Version version;
    private final int level;
    private final int[] next = new int[Version.LEVELS];

    Bottommost(Version version, int level) {
      this.version = version;
      this.level = level;
    }

    boolean isBottommostFor(byte[] storeKey) {
      for (int l = level + 1; l < Version.LEVELS; l++) {
        List<TableFile> files = version.level(l);
        while (next[l] < files.size()
            && Arrays.compareUnsigned(files.get(next[l]).meta().largest().userKey, storeKey) < 0) {
          next[l]++;
        }
        if (next[l] < files.size() && files.get(next[l]).meta().covers(storeKey)) {
          return false;
        }
      }
      return true;
    }
  }
}
