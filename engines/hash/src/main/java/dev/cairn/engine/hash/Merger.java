package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's background thread: writes hint files for sealed data files, merges data files whose
 * stale fraction passed the threshold, and deletes retired files once nothing reads them.
 *
 * <p><b>Merge</b> (Bitcask's merge; HaloDB's compaction threshold and rate). The inputs are the
 * sealed files with the most stale bytes, up to about one file of live data. Each record of an
 * input that the index still names is copied, with its sequence number, into one new file that
 * starts with a record listing the files it replaces. The order keeps it crash-safe:
 *
 * <ol>
 *   <li>copy live records to {@code <id>.data.tmp}, sync it, and sync the log (a record left behind
 *       may be stale only because of a newer write that must not be lost now);
 *   <li>write and sync its hint, rename it into place;
 *   <li>rename the output into place and sync the directory: the commit point. From here on
 *       recovery treats the inputs as dead even if they are still on disk;
 *   <li>move the index entries to the output and swap the files, under the merge lock (which
 *       snapshots and checkpoints take, writers do not);
 *   <li>delete the inputs once no reader, snapshot or checkpoint holds them, and sync the
 *       directory.
 * </ol>
 *
 * <p><b>Tombstones</b> must outlive every older record of their key, or a delete could be undone by
 * recovery. A current tombstone is dropped only when no live file outside the merge holds a record
 * older than it (each file's smallest sequence is known); otherwise it is copied like a value. The
 * output also lists every retired file still on disk, so that deleting a merge output never brings
 * back a file it had replaced.
 *
 * <p>Copying is rate-limited to {@code merge.rate} bytes a second, read and written together.
 *
 * <p><b>Requests and events.</b> A file's hint is written with the context of the request whose
 * append sealed the file bound; a cycle woken by a seal runs with the context of the request that
 * sealed the last file before it began (so a merge the seal made due names it), a cycle woken by
 * its interval with none. Each hint written is reported as a {@link EngineEvent.Kind#FLUSH} event
 * (bytes: the hint's), each merge as a {@link EngineEvent.Kind#COMPACTION} event (bytes: the
 * output's), failed or not.
 *
 * <p>Thread-safe: its own thread does the work; other threads only wake it.
 */
final class Merger {

  private static final System.Logger LOG = System.getLogger("dev.cairn.engine.hash");

  private final IndexState state;
  private final long fileSizeLimit;
  private final double threshold;
  private final long rate;
  private final long intervalNanos;
  private final FailStop failStop;
  private Runnable syncLog; // set by start, before the thread runs
  private final FsyncGuard guard;

  /** A sealed file waiting for its hint, and the request whose append sealed it (or null). */
  private record Sealed(DataFile file, RequestContext cause) {}

  private final ConcurrentLinkedQueue<Sealed> needHints = new ConcurrentLinkedQueue<>();

  /** The request that sealed the last file since the last cycle began, if any. */
  private final AtomicReference<RequestContext> sealedBy = new AtomicReference<>();

  private final Set<Integer> retiredOnDisk = new TreeSet<>();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile int failedCycles; // in a row; written by the thread only

  /** Written by the thread only; read by statistics and by close too, hence concurrent. */
  private final Set<Integer> damaged = ConcurrentHashMap.newKeySet();

  private volatile int damagedFiles;
  private volatile Throwable injected;
  private volatile boolean injectedEveryCycle;
  private long cyclesStarted; // guarded by this, as the next two
  private long cyclesDone;
  private long cyclesWanted; // the number of the last cycle runCycle waits for
  private volatile boolean held;
  private volatile boolean sealedSinceCycle;

  Merger(
      IndexState state,
      long fileSizeLimit,
      double threshold,
      long rate,
      long intervalMillis,
      int smallFilesDue,
      FailStop failStop,
      FsyncGuard guard,
      List<DataFile> unhinted,
      String name) {
    this.state = state;
    this.fileSizeLimit = fileSizeLimit;
    this.threshold = threshold;
    this.rate = rate;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    this.smallFilesDue = smallFilesDue;
    this.failStop = failStop;
    this.guard = guard;
    unhinted.forEach(f -> needHints.add(new Sealed(f, null)));
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
  }

  /**
   * Starts the thread.
   *
   * @param syncLog makes every write so far durable (the writer's flush), for merge's commit
   */
  void start(Runnable syncLog) {
    this.syncLog = syncLog;
    thread.start();
  }

  /**
   * A file was sealed: write its hint soon.
   *
   * @param cause the request whose append sealed it, or null
   */
  void sealed(DataFile f, RequestContext cause) {
    needHints.add(new Sealed(f, cause));
    if (cause != null) {
      sealedBy.set(cause);
    }
    sealedSinceCycle = true;
    LockSupport.unpark(thread);
  }

  /**
   * Runs one full cycle (hints, merge, deletions) and waits for it: the next cycle to start, so
   * that one in progress does not count. For tests and tools.
   */
  void runCycle() {
    long target;
    synchronized (this) {
      target = cyclesStarted + 1;
      cyclesWanted = Math.max(cyclesWanted, target);
    }
    LockSupport.unpark(thread);
    boolean interrupted = false;
    synchronized (this) {
      while (cyclesDone < target && thread.isAlive()) {
        try {
          wait(100);
        } catch (InterruptedException e) {
          interrupted = true;
        }
        LockSupport.unpark(thread);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A failpoint for tests (bbolt's gofail): the next cycle throws {@code t} before it does
   * anything, as unexpected background failures do.
   */
  void failNextCycle(Throwable t) {
    injectedEveryCycle = false;
    injected = t;
  }

  /** {@link #failNextCycle} for every cycle from now on. */
  void failEveryCycle(Throwable t) {
    injectedEveryCycle = true;
    injected = t;
  }

  /**
   * For tests: while held, cycles do nothing (no hints, merges or deletions), so that a test can
   * look at what they would work on. The cycle in progress, if any, finishes.
   */
  void hold(boolean hold) {
    held = hold;
  }

  /** Stops the thread after its current step and waits for it. Idempotent. */
  void close() {
    stopping = true;
    LockSupport.unpark(thread);
    if (thread.getState() != Thread.State.NEW) {
      Threads.joinUninterruptibly(thread);
    }
  }

  /**
   * How many cycles in a row may fail unexpectedly before the store stops: a passing condition
   * (say, a file deleted under a checkpoint) clears on retry; a lasting one must not go on unseen.
   */
  static final int MAX_FAILED_CYCLES = 3;

  private void run() {
    while (!stopping) {
      synchronized (this) {
        cyclesStarted++;
      }
      sealedSinceCycle = false;
      RequestContext cause = sealedBy.getAndSet(null);
      if (!failStop.failed() && !held) {
        Events.within(cause, this::cycle);
      }
      synchronized (this) {
        cyclesDone++;
        notifyAll();
      }
      idle();
    }
    try {
      if (!failStop.failed()) {
        buryRetired();
      }
    } catch (StorageException e) {
      failStop.backgroundError("deleting retired files at close", e);
      LOG.log(System.Logger.Level.WARNING, "hash engine could not delete retired files", e);
    }
  }

  /**
   * Waits for the next cycle: {@code merge.interval}, or less when a file was sealed, a cycle is
   * asked for or the merger stops. A stray wake-up (a permit left by an earlier call) waits on, so
   * that {@link #runCycle} runs one cycle, as tests of failing cycles need.
   */
  private void idle() {
    long deadline = System.nanoTime() + intervalNanos;
    while (!stopping && !sealedSinceCycle) {
      synchronized (this) {
        if (cyclesWanted > cyclesDone) {
          return;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      LockSupport.parkNanos(this, left);
    }
  }

  /**
   * One cycle: deletions, hints, a merge if one is due. No error ends the thread: an I/O error
   * stops the store (the guard's rule), and so does anything unexpected (an {@link Error} at once,
   * an exception once {@value #MAX_FAILED_CYCLES} cycles in a row failed); each is counted and
   * logged, and the store's callers learn of a stop from their next write.
   */
  private void cycle() {
    try {
      Throwable failpoint = injected;
      if (failpoint != null) {
        if (!injectedEveryCycle) {
          injected = null;
        }
        switch (failpoint) {
          case Error e -> throw e;
          case RuntimeException e -> throw e;
          default -> throw new IllegalStateException(failpoint);
        }
      }
      guard.run(state.directory + ": deleting merged files", this::buryRetired);
      writeHints();
      mergeIfDue();
      guard.run(state.directory + ": deleting merged files", this::buryRetired);
      failedCycles = 0;
    } catch (EngineFailedException e) {
      // The guard stopped the store: any failed fsync of its files is fatal.
      failStop.backgroundError("background I/O failed; the store stopped", e);
      LOG.log(System.Logger.Level.ERROR, "hash engine stopped after a background I/O error", e);
    } catch (RuntimeException e) {
      failStop.backgroundError("background cycle failed", e);
      if (++failedCycles >= MAX_FAILED_CYCLES) {
        failStop.stop("background work failed " + failedCycles + " times in a row", e);
        LOG.log(System.Logger.Level.ERROR, "hash engine stopped: background work keeps failing", e);
      } else {
        LOG.log(System.Logger.Level.WARNING, "hash engine background work failed; will retry", e);
      }
    } catch (Error e) {
      failStop.backgroundError("background cycle failed; the store stopped", e);
      failStop.stop("background work failed", e);
      LOG.log(System.Logger.Level.ERROR, "hash engine stopped: background work failed", e);
    }
  }

  // ---- deletions -------------------------------------------------------------------------------

  private void buryRetired() {
    boolean any = false;
    DataFile f;
    while ((f = state.graveyard.poll()) != null) {
      try {
        Files.deleteIfExists(f.hintPath());
        Files.deleteIfExists(f.path());
      } catch (IOException e) {
        throw new StorageIOException(f.path() + ": cannot delete a merged file", e);
      }
      synchronized (retiredOnDisk) {
        retiredOnDisk.remove(f.id());
      }
      any = true;
    }
    if (any) {
      syncDirectory(state.directory);
    }
  }

  // ---- hints -----------------------------------------------------------------------------------

  private void writeHints() {
    Sealed s;
    while (!stopping && (s = needHints.poll()) != null) {
      // NB: a file queued here has no hint, or (from recovery) a damaged one, which the new hint
      // replaces: recovery has just read the whole data file instead.
      DataFile f = s.file();
      if (!f.isRetired() && f.acquire()) {
        try {
          Events.within(s.cause(), () -> writeHint(f));
          f.prefault();
        } finally {
          f.release();
        }
      }
    }
  }

  private void writeHint(DataFile file) {
    long start = System.nanoTime();
    String damage = "failed";
    try {
      damage = HintFile.write(file, guard);
    } finally {
      long bytes = -1;
      try {
        bytes = damage == null ? Files.size(file.hintPath()) : -1;
      } catch (IOException e) {
        // Gone meanwhile (merged away): its size is unknown.
      }
      Events.report(
          state.events,
          EngineEvent.Kind.FLUSH,
          start,
          bytes,
          "hint of "
              + file.path().getFileName()
              + (damage == null ? "" : " not written: " + damage));
    }
    if (damage != null) {
      skipDamaged(file, damage);
    }
  }

  // ---- merge -----------------------------------------------------------------------------------

  /**
   * How many small sealed files (each under {@link #SMALL_FRACTION} of {@code file.size}) make a
   * merge due even with nothing stale: a store opened by short-lived processes (one write each, as
   * the CLI does) starts a file at every open and seals it at every close, and must not pile up
   * files without bound.
   */
  static final int SMALL_FILES_DUE = 4;

  /** How many small files make a merge due ({@code merge.small.files}); 0: never for smallness. */
  private final int smallFilesDue;

  /** A sealed file under {@code file.size / SMALL_FRACTION} bytes counts as small. */
  static final int SMALL_FRACTION = 8;

  private boolean mergeable(DataFile f, DataFile active) {
    return f != active && f.isSealed() && !f.isRetired() && !damaged.contains(f.id());
  }

  private List<DataFile> smallFiles() {
    List<DataFile> small = new ArrayList<>();
    DataFile active = state.active();
    for (DataFile f : state.files()) {
      if (mergeable(f, active) && f.size() < fileSizeLimit / SMALL_FRACTION) {
        small.add(f);
      }
    }
    return small;
  }

  /** Whether enough small files wait that the store should merge them before it closes. */
  boolean smallFilesDue() {
    return smallFilesDue > 0 && smallFiles().size() >= smallFilesDue;
  }

  private void mergeIfDue() {
    List<DataFile> due = new ArrayList<>();
    DataFile active = state.active();
    for (DataFile f : state.files()) {
      if (mergeable(f, active) && f.staleFraction() >= threshold) {
        due.add(f);
      }
    }
    List<DataFile> small = smallFiles();
    if (smallFilesDue > 0 && small.size() >= smallFilesDue) {
      for (DataFile f : small) {
        if (!due.contains(f)) {
          due.add(f);
        }
      }
    }
    if (due.isEmpty()) {
      return;
    }
    for (DataFile f : state.files()) {
      // An output left empty by an earlier merge only lists what it replaced: fold it in.
      if (f.isMergeOutput()
          && f.minSeq() == Long.MAX_VALUE
          && !due.contains(f)
          && mergeable(f, active)) {
        due.add(f);
      }
    }
    due.sort(Comparator.comparingDouble(DataFile::staleFraction).reversed());
    List<DataFile> inputs = new ArrayList<>();
    long live = 0;
    for (DataFile f : due) {
      if (!inputs.isEmpty() && live + (f.size() - f.staleBytes()) > fileSizeLimit) {
        break;
      }
      inputs.add(f);
      live += f.size() - f.staleBytes();
    }
    if (inputs.size() == 1 && inputs.getFirst().staleFraction() < threshold) {
      return; // one small file alone: merging it would only copy it
    }
    merge(inputs);
  }

  /** Merges {@code inputs} into one new file, stopping the store on an I/O failure. */
  void merge(List<DataFile> inputs) {
    long start = System.nanoTime();
    long read = 0;
    for (DataFile f : inputs) {
      read += f.size();
    }
    long[] written = {-1};
    String outcome = "failed";
    try {
      guard.run(state.directory + ": merging " + inputs, () -> written[0] = mergeUnguarded(inputs));
      outcome = written[0] < 0 ? "given up" : "into " + written[0] + " bytes";
    } finally {
      StringBuilder names = new StringBuilder();
      for (DataFile f : inputs) {
        names.append(names.isEmpty() ? "" : ", ").append(f.path().getFileName());
      }
      Events.report(
          state.events,
          EngineEvent.Kind.COMPACTION,
          start,
          written[0],
          "merge of " + names + " (" + read + " bytes) " + outcome);
    }
  }

  /** Merges; returns the bytes of the output, or -1 when the merge was given up. */
  private long mergeUnguarded(List<DataFile> inputs) {
    int outId = state.nextFileId.getAndIncrement();
    Path out = state.directory.resolve(DataFile.name(outId));
    Path temp = state.directory.resolve(DataFile.name(outId) + ".tmp");
    long minSeqOutside = Long.MAX_VALUE;
    for (DataFile f : state.files()) {
      if (!inputs.contains(f)) {
        minSeqOutside = Math.min(minSeqOutside, f.minSeq());
      }
    }
    TreeSet<Integer> replaced = new TreeSet<>();
    inputs.forEach(f -> replaced.add(f.id()));
    synchronized (retiredOnDisk) {
      replaced.addAll(retiredOnDisk);
    }
    Moves copied = new Moves();
    Moves dropped = new Moves();
    HintFile.Writer hint = null;
    boolean committed = false;
    long outMin = Long.MAX_VALUE;
    long outMax = 0;
    long position;
    long started = System.nanoTime();
    long processed = 0;
    try (FileChannel ch =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      Path hintPath = state.directory.resolve(DataFile.hintName(outId));
      hint = guard.sync(hintPath + ": writing the hint", () -> new HintFile.Writer(hintPath));
      ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
      buf.put(RecordBuffers.fileHeader());
      int s = RecordBuffers.begin(buf);
      buf.put(DataRecord.mergeInfo(replaced.stream().mapToInt(Integer::intValue).toArray()));
      RecordBuffers.end(buf, s, DataRecord.MERGE_INFO);
      position = 0;
      for (DataFile f : inputs) {
        try (RecordReader r = RecordReader.open(f.path())) {
          for (RecordReader.Record rec = r.next(); rec != null; rec = r.next()) {
            if (stopping) {
              return -1;
            }
            processed += rec.payload().length + RecordFormat.RECORD_HEADER_SIZE;
            if (!DataRecord.isOperation(rec.type())) {
              continue;
            }
            DataRecord d;
            try {
              d =
                  DataRecord.decode(
                      rec.type(), rec.payload(), 0, rec.payload().length, f.where(rec.offset()));
            } catch (CorruptionException e) {
              skipDamaged(f, e.getMessage());
              return -1;
            }
            long h = state.keyHash.hash(d.key());
            if (!state.keydir.isCurrent(h, d.seq(), f.id(), rec.offset())) {
              continue;
            }
            if (d.isDelete() && d.seq() < minSeqOutside) {
              dropped.add(h, d.seq(), f.id(), rec.offset(), 0, 0, true);
              continue;
            }
            int size = DataRecord.frameSize(d.key(), d.value());
            if (buf.remaining() < size) {
              position += writeAll(ch, buf, position, temp);
              if (buf.capacity() < size) {
                buf = ByteBuffer.allocate(size);
              }
            }
            long at = position + buf.position();
            int type = DataRecord.typeOf(d.isDelete(), false);
            DataRecord.encode(buf, type, d.seq(), d.key(), d.value());
            copied.add(h, d.seq(), f.id(), rec.offset(), at, size, d.isDelete());
            hint.add(new HintFile.Hint(d.seq(), at, size, d.isDelete(), d.key()));
            outMin = Math.min(outMin, d.seq());
            outMax = Math.max(outMax, d.seq());
            processed += size;
            throttle(started, processed);
          }
          if (r.stop() != RecordReader.Stop.END_OF_FILE || r.validEnd() != f.size()) {
            skipDamaged(f, "damaged at offset " + r.validEnd() + ": " + r.stopDetail());
            return -1;
          }
        }
      }
      position += writeAll(ch, buf, position, temp);
      force(ch, temp);
      // NB: a record this merge leaves behind may be stale only because of a newer write that is
      // not durable yet; once the inputs are gone, losing that write would lose both (LevelDB
      // #193). So everything written so far is made durable before the commit point.
      syncLog.run();
      HintFile.Writer h = hint;
      long end = position;
      guard.sync(out + ": writing the hint", () -> h.finish(end));
      hint = null;
      guard.sync(out + ": publishing the merge output", () -> SyncedFiles.publish(temp, out));
      committed = true;
    } catch (IOException e) {
      throw new StorageIOException(temp + ": merge output failed", e);
    } finally {
      if (hint != null) {
        hint.abort();
      }
      if (!committed) {
        try {
          // NB: the hint first: a hint without its data file is, otherwise, evidence of a loss.
          Files.deleteIfExists(state.directory.resolve(DataFile.hintName(outId)));
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // Recovery deletes temporary files and hints without data.
        }
      }
    }
    publish(inputs, outId, out, position, copied, dropped, outMin, outMax);
    return position;
  }

  private void publish(
      List<DataFile> inputs,
      int outId,
      Path out,
      long size,
      Moves copied,
      Moves dropped,
      long outMin,
      long outMax) {
    DataFile output = new DataFile(outId, out, true, size, state::onLastRelease);
    output.seal();
    if (outMin <= outMax) {
      output.noteSeq(outMin);
      output.noteSeq(outMax);
    }
    synchronized (state.mergeLock) {
      // NB: the output is live before the first entry moves to it, and the inputs stay live until
      // the last has moved: a reader never finds an entry naming a file it cannot open.
      state.addLocked(output);
      for (int i = 0; i < copied.size(); i++) {
        if (!state.keydir.move(
            copied.hash(i),
            copied.seq(i),
            copied.fromFile(i),
            copied.fromOffset(i),
            copied.to(i, outId))) {
          output.addStale(copied.toSize(i));
        }
      }
      for (int i = 0; i < dropped.size(); i++) {
        state.keydir.removeIfAt(
            dropped.hash(i), dropped.seq(i), dropped.fromFile(i), dropped.fromOffset(i));
      }
      state.swapLocked(inputs, output);
    }
    synchronized (retiredOnDisk) {
      inputs.forEach(f -> retiredOnDisk.add(f.id()));
    }
    long before = 0;
    for (DataFile f : inputs) {
      before += f.size();
      f.retire();
    }
    state.merges.increment();
    state.mergedBytes.add(before);
    state.droppedTombstones.add(dropped.size());
  }

  /**
   * Gives up merging {@code f} for good: a damaged file keeps its records where they are (the reads
   * of damaged ones throw; {@code cairn check} reports them), and the evidence stays.
   */
  private void skipDamaged(DataFile f, String detail) {
    damaged.add(f.id());
    damagedFiles = damaged.size();
    failStop.backgroundError(f.path() + " is damaged and will not be merged: " + detail, null);
    LOG.log(
        System.Logger.Level.WARNING,
        "hash engine will not merge damaged file " + f.path() + ": " + detail);
  }

  /** How many background cycles in a row have failed (0: the last one succeeded). */
  int failingCycles() {
    return failedCycles;
  }

  /**
   * Stale bytes of the sealed files a merge is due for now (stale fraction at or above {@code
   * merge.threshold}, not damaged): what merging them would reclaim.
   */
  long pendingBytes() {
    long pending = 0;
    DataFile active = state.active();
    for (DataFile f : state.files()) {
      if (mergeable(f, active) && f.staleFraction() >= threshold) {
        pending += f.staleBytes();
      }
    }
    return pending;
  }

  /** How many files merge found damaged and leaves alone. */
  int damagedFiles() {
    return damagedFiles;
  }

  private void force(FileChannel ch, Path file) {
    guard.sync(
        file + ": fsync",
        () -> {
          try {
            ch.force(true);
          } catch (IOException e) {
            throw new EngineFailedException(file + ": fsync failed; the store stops", e);
          }
        });
  }

  /** Syncs a directory; a failure is a failed fsync, which stops the store. */
  private void syncDirectory(Path dir) {
    guard.sync(
        dir + ": directory fsync",
        () -> {
          try {
            SyncedFiles.syncDirectory(dir);
          } catch (StorageIOException e) {
            throw new EngineFailedException(dir + ": directory fsync failed; the store stops", e);
          }
        });
  }

  private static long writeAll(FileChannel ch, ByteBuffer buf, long position, Path file)
      throws IOException {
    buf.flip();
    long at = position;
    while (buf.hasRemaining()) {
      at += ch.write(buf, at);
    }
    buf.clear();
    return at - position;
  }

  private void throttle(long started, long processed) {
    long due = (long) (processed * 1e9 / rate);
    long elapsed = System.nanoTime() - started;
    if (due > elapsed + 1_000_000) {
      LockSupport.parkNanos(this, Math.min(due - elapsed, 100_000_000));
    }
  }
}
