package dev.cairn.runtime.migrate;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.transfer.TransferProgress;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An online migration: the application keeps reading and writing through {@link #store()} while the
 * source's entries are copied to the target; the writes made meanwhile are captured and replayed;
 * the two sides are verified range by range; and a short cut-over, with writes blocked, makes the
 * target the store that {@link #store()} serves, with no acknowledged write lost ({@code
 * docs/migration.md}).
 *
 * <pre>{@code
 * OnlineMigration m = OnlineMigration.of(source, sourceInfo, target, targetInfo)
 *     .progressFile(targetDir.resolve("CAIRN-MIGRATION"));
 * StorageEngine store = m.store(); // the application uses this from now on
 * MigrationSummary s = m.run();     // returns once store() serves from the target
 * }</pre>
 *
 * <p>Steps: (1) with writes blocked for an instant, capture begins and the source's snapshot is
 * taken; (2) the snapshot is copied, as an offline migration copies; (3) captured keys are replayed
 * until few are left; (4) with writes blocked for an instant, the last ones are replayed and both
 * sides' snapshots taken, then compared range by range while writes go on (ranges that differ, as
 * after a copy resumed from a crashed run, are repaired from the source's snapshot and compared
 * again); (5) captured keys are replayed again; (6) the cut-over: writes blocked, the last captured
 * keys replayed, the target flushed, the progress file marked {@code COMPLETE}, the {@link CutOver}
 * hook called, the handle switched, writes unblocked. With a {@link WriteHold} ({@link
 * #cutOverHeldBy}), step (6) runs inside the application's hold instead, and the handle is closed
 * rather than switched: the hold makes the application write to the target.
 *
 * <p>A crash before the cut-over leaves the source serving every acknowledged write (every write
 * went to it first); the target is incomplete, and the progress file says so. Running the migration
 * again continues the copy from the progress file's resume point; the writes captured by the
 * crashed process are lost with it, and the verification's repair brings the ranges they touched up
 * to date. A crash after the cut-over leaves the target serving every acknowledged write: it held
 * them all when writes were unblocked.
 *
 * <p>Not thread-safe except {@link #store()}: one thread calls {@link #run()} once.
 *
 * @since 1.2
 */
public final class OnlineMigration {

  /** The cut-over begins when at most this many captured keys wait for replay. */
  static final int CUT_OVER_BACKLOG = 2_000;

  /** Replay rounds before the cut-over begins whatever the backlog. */
  static final int MAX_REPLAY_ROUNDS = 50;

  /** Verify-and-repair rounds before the migration gives up. */
  static final int MAX_VERIFY_ROUNDS = 3;

  private final StorageEngine source;
  private final EngineInfo sourceInfo;
  private final StorageEngine target;
  private final EngineInfo targetInfo;
  private final MigratingEngine store;
  private Path progressFile;
  private int batchEntries = OfflineMigration.DEFAULT_BATCH_ENTRIES;
  private long batchBytes = OfflineMigration.DEFAULT_BATCH_BYTES;
  private long checkpointBytes = OfflineMigration.DEFAULT_CHECKPOINT_BYTES;
  private int rangeEntries = RangeChecksums.DEFAULT_RANGE_ENTRIES;
  private int buckets = RangeChecksums.DEFAULT_BUCKETS;
  private Consumer<MigrationProgress> progress = p -> {};
  private CutOver cutOver = t -> {};
  private WriteHold hold;
  private final Clock clock = Clock.systemUTC();
  private boolean used;

  private OnlineMigration(
      StorageEngine source, EngineInfo sourceInfo, StorageEngine target, EngineInfo targetInfo) {
    this.source = source;
    this.sourceInfo = sourceInfo;
    this.target = target;
    this.targetInfo = targetInfo;
    this.store = new MigratingEngine(source);
  }

  /**
   * A migration from {@code source}, which the application writes through {@link #store()} from now
   * on, to {@code target}. The caller keeps owning both and closes them.
   *
   * @throws InvalidArgumentException if an argument is null, or source and target are one handle
   * @since 1.2
   */
  public static OnlineMigration of(
      StorageEngine source, EngineInfo sourceInfo, StorageEngine target, EngineInfo targetInfo) {
    if (source == null || sourceInfo == null || target == null || targetInfo == null) {
      throw new InvalidArgumentException("source, target and their engines are required");
    }
    if (source == target) {
      throw new InvalidArgumentException("source and target are the same store");
    }
    return new OnlineMigration(source, sourceInfo, target, targetInfo);
  }

  /**
   * The store handle the application reads and writes through: the source until the cut-over, the
   * target after it. Closing it closes neither engine.
   *
   * @since 1.2
   */
  public StorageEngine store() {
    return store;
  }

  /**
   * Where the progress file is, as {@link OfflineMigration#progressFile}; default none.
   *
   * @throws InvalidArgumentException if {@code file} is null
   * @since 1.2
   */
  public OnlineMigration progressFile(Path file) {
    if (file == null) {
      throw new InvalidArgumentException("progress file is null");
    }
    this.progressFile = file;
    return this;
  }

  /**
   * How large a batch grows before it is written; default 10,000 entries and 4 MiB.
   *
   * @throws InvalidArgumentException if either is under 1 or over the SPI's batch limits
   * @since 1.2
   */
  public OnlineMigration batch(int entries, long bytes) {
    Steps.checkLimits(entries, bytes);
    this.batchEntries = entries;
    this.batchBytes = bytes;
    return this;
  }

  /**
   * Who is told how far the migration has got; default nobody. A listener that throws stops the
   * migration before its cut-over (the source keeps serving).
   *
   * @throws InvalidArgumentException if {@code listener} is null
   * @since 1.2
   */
  public OnlineMigration progress(Consumer<MigrationProgress> listener) {
    if (listener == null) {
      throw new InvalidArgumentException("progress listener is null");
    }
    this.progress = listener;
    return this;
  }

  /**
   * What the cut-over does besides switching {@link #store()}; default nothing.
   *
   * @throws InvalidArgumentException if {@code hook} is null
   * @since 1.2
   */
  public OnlineMigration cutOver(CutOver hook) {
    if (hook == null) {
      throw new InvalidArgumentException("cut-over hook is null");
    }
    this.cutOver = hook;
    return this;
  }

  /**
   * Who holds the application's writers for the cut-over, when they reach {@link #store()} behind a
   * lock of the application's own (see {@link WriteHold}); default none: {@link #store()} blocks
   * its writers itself and switches to the target. With a hold, {@link #store()} is closed once the
   * hold returns, and the application writes to the target as the hold arranged.
   *
   * @throws InvalidArgumentException if {@code hold} is null
   * @since 1.2
   */
  public OnlineMigration cutOverHeldBy(WriteHold hold) {
    if (hold == null) {
      throw new InvalidArgumentException("write hold is null");
    }
    this.hold = hold;
    return this;
  }

  /**
   * How much data is copied between two checkpoints (the target flushed, the resume point
   * recorded); default 16 MiB. Smaller loses less work to a crash and flushes more often.
   *
   * @throws InvalidArgumentException if {@code bytes} is under 1
   * @since 1.2
   */
  public OnlineMigration checkpointEvery(long bytes) {
    if (bytes < 1) {
      throw new InvalidArgumentException(
          "checkpoint spacing must be at least 1 byte, got " + bytes);
    }
    this.checkpointBytes = bytes;
    return this;
  }

  /**
   * The verification's ranges: {@code entries} source entries per key range when both engines scan
   * in order (default 65,536), else {@code buckets} hash buckets (default 256). Smaller ranges name
   * a difference more precisely and cost a digest each.
   *
   * @throws InvalidArgumentException if either is under 1, or {@code buckets} over 65,536
   * @since 1.2
   */
  public OnlineMigration ranges(int entries, int buckets) {
    if (entries < 1 || buckets < 1 || buckets > 65_536) {
      throw new InvalidArgumentException(
          "ranges need at least 1 entry and 1 to 65536 buckets, got "
              + entries
              + " and "
              + buckets);
    }
    this.rangeEntries = entries;
    this.buckets = buckets;
    return this;
  }

  /**
   * Runs the migration to its cut-over; see the class comment for the steps.
   *
   * @return what was migrated, once {@link #store()} serves from the target
   * @throws CorruptionException if the two sides still differ after the repair rounds
   * @throws InvalidStateException if run twice, or the progress file records a migration that cut
   *     over already
   * @throws StorageException as {@link OfflineMigration#run()} throws; the source keeps serving
   * @since 1.2
   */
  public MigrationSummary run() {
    if (used) {
      throw new InvalidStateException("an online migration runs once; make another");
    }
    used = true;
    long start = System.nanoTime();
    List<String> names = Steps.keyspaces(source);
    ProgressFile record =
        Steps.existing(progressFile, ProgressFile.Mode.ONLINE, sourceInfo, targetInfo);
    boolean resumed = record != null;
    Steps.prepareTarget(target, targetInfo, names, resumed);
    long now = clock.millis();
    if (record == null) {
      record =
          new ProgressFile(
              ProgressFile.State.COPYING,
              ProgressFile.Mode.ONLINE,
              sourceInfo.name(),
              targetInfo.name(),
              0,
              "",
              null,
              0,
              0,
              now,
              now);
      if (progressFile != null) {
        record.writeTo(progressFile);
      }
    }
    long copiedBefore = record.entries();
    long expected = Steps.expectedEntries(source, names);
    ChangeCapture capture = new ChangeCapture();
    boolean ordered =
        sourceInfo.has(Capability.ORDERED_SCANS) && targetInfo.has(Capability.ORDERED_SCANS);
    boolean snapshots =
        sourceInfo.has(Capability.SNAPSHOTS) && targetInfo.has(Capability.SNAPSHOTS);
    long replayed = 0;
    long repaired = 0;
    boolean switched = false;
    try {
      // (1) and (2): capture from a moment no write is in flight; copy a snapshot of that moment
      Snapshot snapshot = null;
      store.block();
      try {
        store.capture(capture);
        if (sourceInfo.has(Capability.SNAPSHOTS)) {
          snapshot = source.snapshot();
        }
      } finally {
        store.unblock();
      }
      try (Snapshot s = snapshot) {
        if (record.state() == ProgressFile.State.COPYING) {
          Function<String, ReadView> from =
              s == null ? n -> Copier.view(source, n) : n -> s.keyspace(n);
          record =
              new Copier(
                      target,
                      sourceInfo.has(Capability.ORDERED_SCANS),
                      new Copier.Limits(batchEntries, batchBytes, checkpointBytes),
                      record,
                      progressFile,
                      progress,
                      clock,
                      expected)
                  .copy(names, from);
        }
      }
      // (3) and (4)
      replayed += replay(capture);
      Round v = null;
      for (int round = 1; round <= MAX_VERIFY_ROUNDS; round++) {
        v = verifyOnce(names, capture, ordered, snapshots, expected, resumed);
        replayed += v.replayed();
        if (v.verified().mismatches().isEmpty()) {
          break;
        }
        repaired += v.repaired();
      }
      if (!v.verified().mismatches().isEmpty()) {
        throw Steps.mismatch(
            v.verified().mismatches(),
            "still after "
                + MAX_VERIFY_ROUNDS
                + " rounds of repair; the source keeps serving and the target is not complete");
      }
      // (5) and (6)
      replayed += replay(capture);
      long blocked = System.nanoTime();
      ProgressFile verified = record;
      CutOverSteps steps = new CutOverSteps(capture, verified, names.size());
      try {
        if (hold == null) {
          store.block();
          try {
            steps.run();
            store.switchTo(target);
            switched = true;
          } finally {
            store.unblock();
          }
        } else {
          hold.hold(steps);
          if (steps.done == null) {
            throw new InvalidStateException(
                "the write hold returned without running the cut-over; the source keeps serving");
          }
          store.stopCapture();
          store.close(); // NB: the application writes to the target now, not through this handle
          switched = true;
        }
      } catch (RuntimeException e) {
        // the source serves on: not complete after all
        if (steps.completing && progressFile != null) {
          try {
            verified.writeTo(progressFile);
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
      replayed += steps.replayed;
      record = steps.done;
      blocked = System.nanoTime() - blocked;
      return new MigrationSummary(
          sourceInfo.name(),
          targetInfo.name(),
          names,
          v.verified().entries(),
          record.entries() - copiedBefore,
          record.bytes(),
          v.verified().ranges(),
          ordered,
          resumed,
          replayed,
          repaired,
          blocked,
          System.nanoTime() - start);
    } finally {
      if (!switched) {
        store.stopCapture();
      }
    }
  }

  /**
   * The cut-over's steps, run while every writer is held: the last captured keys replayed, the
   * target flushed, the migration recorded complete, the hook called.
   */
  private final class CutOverSteps implements Runnable {
    private final ChangeCapture capture;
    private final ProgressFile verified;
    private final int keyspaces;
    private long replayed;
    private boolean completing;
    private ProgressFile done;

    CutOverSteps(ChangeCapture capture, ProgressFile verified, int keyspaces) {
      this.capture = capture;
      this.verified = verified;
      this.keyspaces = keyspaces;
    }

    @Override
    public void run() {
      progress.accept(phase(MigrationProgress.Phase.CUTTING_OVER, "", verified));
      replayed += capture.drain(source, target, batchEntries);
      target.flush();
      // NB: COMPLETE is recorded before the hook: a crash between the two leaves both stores
      // equal (writes are held) and a progress file that refuses to migrate again over a
      // target the hook may already have made the store to use
      completing = true;
      ProgressFile complete = complete(verified, keyspaces);
      cutOver.switchTo(target);
      done = complete;
    }
  }

  /** Replays captured keys until few are left (or rounds run out under a heavy writer). */
  private long replay(ChangeCapture capture) {
    long n = 0;
    for (int round = 0; round < MAX_REPLAY_ROUNDS; round++) {
      n += capture.drain(source, target, batchEntries);
      progress.accept(
          new MigrationProgress(
              MigrationProgress.Phase.REPLAYING,
              new TransferProgress("", n, 0, n + capture.pending(), -1)));
      if (capture.pending() <= CUT_OVER_BACKLOG) {
        break;
      }
    }
    return n;
  }

  private record Round(Steps.Verified verified, long replayed, long repaired) {}

  /**
   * One verification: both sides at one moment (writes blocked while the backlog is replayed and
   * the snapshots taken), compared while writes go on; differing ranges repaired from the source's
   * snapshot. Without snapshots on both sides, writes stay blocked for the whole comparison.
   */
  private Round verifyOnce(
      List<String> names,
      ChangeCapture capture,
      boolean ordered,
      boolean snapshots,
      long expected,
      boolean resumed) {
    Snapshot s = null;
    Snapshot t = null;
    long replayed;
    store.block();
    try {
      replayed = capture.drain(source, target, batchEntries);
      if (snapshots) {
        s = source.snapshot();
        t = target.snapshot();
      }
    } catch (RuntimeException e) {
      store.unblock();
      throw e;
    }
    try {
      if (snapshots) {
        store.unblock();
      }
      Snapshot ss = s;
      Snapshot ts = t;
      Function<String, ReadView> from = ss == null ? n -> Copier.view(source, n) : ss::keyspace;
      Function<String, ReadView> to = ts == null ? n -> Copier.view(target, n) : ts::keyspace;
      Steps.Verified v =
          Steps.verify(names, from, to, ordered, rangeEntries, buckets, progress, expected);
      long repaired = 0;
      if (!v.mismatches().isEmpty() && !resumed) {
        // a copy that was not resumed must match: a difference is a fault, not staleness
        throw Steps.mismatch(
            v.mismatches(), "the source keeps serving and the target is not complete");
      }
      for (RangeChecksums.Mismatch m : v.mismatches()) {
        repaired +=
            Repair.range(
                m.keyspace(),
                m.range(),
                from.apply(m.keyspace()),
                to.apply(m.keyspace()),
                target,
                batchEntries);
      }
      return new Round(v, replayed, repaired);
    } finally {
      try {
        if (s != null) {
          s.close();
        }
        if (t != null) {
          t.close();
        }
      } finally {
        if (!snapshots) {
          store.unblock();
        }
      }
    }
  }

  /** Records the migration complete: verified and (about to be) cut over. */
  private ProgressFile complete(ProgressFile record, int keyspaces) {
    ProgressFile done =
        record.with(
            ProgressFile.State.COMPLETE,
            keyspaces,
            "",
            null,
            record.entries(),
            record.bytes(),
            clock.millis());
    if (progressFile != null) {
      done.writeTo(progressFile);
    }
    return done;
  }

  private static MigrationProgress phase(
      MigrationProgress.Phase phase, String keyspace, ProgressFile record) {
    return new MigrationProgress(
        phase, new TransferProgress(keyspace, record.entries(), record.bytes(), -1, -1));
  }
}
