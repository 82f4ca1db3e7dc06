package dev.cairn.runtime.migrate;

import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An offline migration: copies every keyspace of a source store that nobody writes into a target
 * store of another engine, resumably, and verifies the two range by range before it records the
 * target complete ({@code docs/migration.md}).
 *
 * <pre>{@code
 * MigrationSummary s = OfflineMigration.intoNewStore(
 *     Cairn.engines(), Path.of("/data/old"), "lsm", Path.of("/data/new"), Map.of(), p -> {});
 * }</pre>
 *
 * <p>The copy reads a snapshot of the source (a full cursor per keyspace for an engine without
 * {@link Capability#SNAPSHOTS}), writes batches to the target and, every few MiB, flushes the
 * target and records the resume point in the progress file ({@code
 * docs/formats/migration-progress.md}). Run again after a crash or an interrupt, with the same
 * progress file, it continues from there. At the end it compares per-range checksums of both sides
 * (key ranges when both engines scan in order, hash buckets otherwise); only when they agree does
 * the progress file say {@code COMPLETE}. A mismatch throws {@link CorruptionException} naming the
 * ranges, and the target stays marked incomplete.
 *
 * <p>Not thread-safe; run a migration once per instance.
 *
 * @since 1.2
 */
public final class OfflineMigration {

  /** The default batch limit in entries. */
  static final int DEFAULT_BATCH_ENTRIES = 10_000;

  /** The default batch limit in bytes of keys and values. */
  static final long DEFAULT_BATCH_BYTES = 4L << 20;

  /** The default data copied between two checkpoints of the progress file. */
  static final long DEFAULT_CHECKPOINT_BYTES = 16L << 20;

  private final StorageEngine source;
  private final EngineInfo sourceInfo;
  private final StorageEngine target;
  private final EngineInfo targetInfo;
  private Path progressFile;
  private int batchEntries = DEFAULT_BATCH_ENTRIES;
  private long batchBytes = DEFAULT_BATCH_BYTES;
  private long checkpointBytes = DEFAULT_CHECKPOINT_BYTES;
  private int rangeEntries = RangeChecksums.DEFAULT_RANGE_ENTRIES;
  private int buckets = RangeChecksums.DEFAULT_BUCKETS;
  private Consumer<MigrationProgress> progress = p -> {};
  private Clock clock = Clock.systemUTC();

  private OfflineMigration(
      StorageEngine source, EngineInfo sourceInfo, StorageEngine target, EngineInfo targetInfo) {
    this.source = source;
    this.sourceInfo = sourceInfo;
    this.target = target;
    this.targetInfo = targetInfo;
  }

  /**
   * A migration from {@code source} to {@code target}, whose engines the infos describe.
   *
   * @throws InvalidArgumentException if an argument is null, or source and target are one handle
   * @since 1.2
   */
  public static OfflineMigration of(
      StorageEngine source, EngineInfo sourceInfo, StorageEngine target, EngineInfo targetInfo) {
    if (source == null || sourceInfo == null || target == null || targetInfo == null) {
      throw new InvalidArgumentException("source, target and their engines are required");
    }
    if (source == target) {
      throw new InvalidArgumentException("source and target are the same store");
    }
    return new OfflineMigration(source, sourceInfo, target, targetInfo);
  }

  /**
   * Where the progress file is (normally {@code <target directory>/CAIRN-MIGRATION}): read at the
   * start to continue a migration it records, rewritten as the copy goes. Default none: the
   * migration cannot be resumed.
   *
   * @throws InvalidArgumentException if {@code file} is null
   * @since 1.2
   */
  public OfflineMigration progressFile(Path file) {
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
  public OfflineMigration batch(int entries, long bytes) {
    Steps.checkLimits(entries, bytes);
    this.batchEntries = entries;
    this.batchBytes = bytes;
    return this;
  }

  /**
   * Who is told how far the migration has got, about once per batch; default nobody. A listener
   * that throws stops the migration, which a later run with the same progress file continues.
   *
   * @throws InvalidArgumentException if {@code listener} is null
   * @since 1.2
   */
  public OfflineMigration progress(Consumer<MigrationProgress> listener) {
    if (listener == null) {
      throw new InvalidArgumentException("progress listener is null");
    }
    this.progress = listener;
    return this;
  }

  /**
   * How much data is copied between two checkpoints (the target flushed, the resume point
   * recorded); default 16 MiB. Smaller loses less work to a crash and flushes more often.
   *
   * @throws InvalidArgumentException if {@code bytes} is under 1
   * @since 1.2
   */
  public OfflineMigration checkpointEvery(long bytes) {
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
  public OfflineMigration ranges(int entries, int buckets) {
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
   * Copies, verifies and records the target complete; continues the migration the progress file
   * records, if any (a complete one is verified again).
   *
   * @return what was migrated, once verified
   * @throws CorruptionException if the verification finds ranges that differ (named in the
   *     message), or the progress file is damaged
   * @throws IncompatibleVersionException if a newer version wrote the progress file
   * @throws InvalidArgumentException if the progress file records another migration, or the target
   *     holds entries no progress file accounts for
   * @throws UnsupportedCapabilityException if the source has keyspaces and the target's engine has
   *     no {@link Capability#KEYSPACES}
   * @throws StorageException if reading the source or writing the target fails
   * @since 1.2
   */
  public MigrationSummary run() {
    long start = System.nanoTime();
    List<String> names = Steps.keyspaces(source);
    ProgressFile record =
        Steps.existing(progressFile, ProgressFile.Mode.OFFLINE, sourceInfo, targetInfo);
    boolean resumed = record != null;
    Steps.prepareTarget(target, targetInfo, names, resumed);
    long now = clock.millis();
    if (record == null) {
      record =
          new ProgressFile(
              ProgressFile.State.COPYING,
              ProgressFile.Mode.OFFLINE,
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
    boolean snapshots = sourceInfo.has(Capability.SNAPSHOTS);
    boolean ordered =
        sourceInfo.has(Capability.ORDERED_SCANS) && targetInfo.has(Capability.ORDERED_SCANS);
    Steps.Verified v;
    try (Snapshot snapshot = snapshots ? source.snapshot() : null) {
      Function<String, ReadView> from =
          snapshot == null ? n -> Copier.view(source, n) : n -> snapshot.keyspace(n);
      if (record.state() == ProgressFile.State.COPYING) {
        Copier copier =
            new Copier(
                target,
                sourceInfo.has(Capability.ORDERED_SCANS),
                new Copier.Limits(batchEntries, batchBytes, checkpointBytes),
                record,
                progressFile,
                progress,
                clock,
                expected);
        record = copier.copy(names, from);
      }
      v =
          Steps.verify(
              names,
              from,
              n -> Copier.view(target, n),
              ordered,
              rangeEntries,
              buckets,
              progress,
              expected);
    }
    if (!v.mismatches().isEmpty()) {
      if (record.state() == ProgressFile.State.COMPLETE && progressFile != null) {
        // a target verified before and not now is no longer complete
        record
            .with(
                ProgressFile.State.VERIFYING,
                names.size(),
                "",
                null,
                record.entries(),
                record.bytes(),
                clock.millis())
            .writeTo(progressFile);
      }
      throw Steps.mismatch(
          v.mismatches(),
          "the target is not marked complete"
              + (progressFile == null ? "" : " (" + progressFile + " says VERIFYING)")
              + "; was the source written during the migration? Migrate again into a new store");
    }
    record =
        record.with(
            ProgressFile.State.COMPLETE,
            names.size(),
            "",
            null,
            record.entries(),
            record.bytes(),
            clock.millis());
    if (progressFile != null) {
      record.writeTo(progressFile);
    }
    return new MigrationSummary(
        sourceInfo.name(),
        targetInfo.name(),
        names,
        v.entries(),
        record.entries() - copiedBefore,
        record.bytes(),
        v.ranges(),
        ordered,
        resumed,
        0,
        0,
        0,
        System.nanoTime() - start);
  }

  /**
   * Migrates the store in {@code from} (opened read-only: nobody may write it meanwhile) into a new
   * store of {@code engine} in {@code to}. The new store is built in a staging directory beside it,
   * {@code <to>.migrating}, holding the progress file; once verified it is closed and renamed to
   * {@code to}, so {@code to} only ever names a complete, verified store. Called again after a
   * crash or interrupt, it continues from the staging directory's progress file.
   *
   * @param registry finds the engines
   * @param settings settings of the new store's engine
   * @param listener told how far the migration has got
   * @throws InvalidArgumentException if {@code from} holds no store, {@code to} exists and is not
   *     an empty directory, or the staging directory holds no progress file (or another
   *     migration's)
   * @throws StorageException as {@link #run()} throws, and as opening the stores throws
   * @since 1.2
   */
  public static MigrationSummary intoNewStore(
      EngineRegistry registry,
      Path from,
      String engine,
      Path to,
      Map<String, String> settings,
      Consumer<MigrationProgress> listener) {
    if (registry == null
        || from == null
        || engine == null
        || to == null
        || settings == null
        || listener == null) {
      throw new InvalidArgumentException("registry, directories, engine, settings and listener");
    }
    Path target = to.toAbsolutePath();
    String sourceEngine =
        registry
            .recordedEngine(from)
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "no store at " + from + ": it has no store marker naming its engine"));
    EngineInfo sourceInfo = registry.info(sourceEngine);
    EngineInfo targetInfo = registry.info(engine);
    if (Files.exists(target) && !isEmptyDirectory(target)) {
      throw new InvalidArgumentException(
          "cannot migrate into "
              + to
              + ": it exists and is not an empty directory; migrate into a new store");
    }
    Path staging = target.resolveSibling(target.getFileName() + ".migrating");
    Path file = staging.resolve(ProgressFile.FILE_NAME);
    if (Files.exists(staging) && !Files.exists(file)) {
      throw new InvalidArgumentException(
          staging
              + " exists but holds no migration progress file ("
              + ProgressFile.FILE_NAME
              + "): it is not a migration this command can continue; remove it first");
    }
    MigrationSummary summary;
    try (StorageEngine source = registry.store(from).readOnly(true).createIfMissing(false).open();
        StorageEngine dest =
            registry
                .store(staging)
                .engine(engine)
                .createIfMissing(true)
                .settings(settings)
                .open()) {
      summary =
          OfflineMigration.of(source, sourceInfo, dest, targetInfo)
              .progressFile(file)
              .progress(listener)
              .run();
    }
    try {
      if (Files.exists(target)) {
        Files.delete(target); // empty, checked above
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StorageIOException(
          "migrated and verified into " + staging + " but cannot rename it to " + to, e);
    }
    SyncedFiles.syncDirectory(target.getParent());
    return summary;
  }

  /**
   * Whether the progress file {@code file} records a complete migration: verified (offline), or cut
   * over (online, when the target is the store to use). False when there is no such file.
   *
   * @throws CorruptionException if the file is damaged
   * @throws IncompatibleVersionException if a newer version wrote it
   * @throws InvalidArgumentException if {@code file} is null
   * @since 1.2
   */
  public static boolean isComplete(Path file) {
    if (file == null) {
      throw new InvalidArgumentException("progress file is null");
    }
    ProgressFile p = ProgressFile.read(file);
    return p != null && p.state() == ProgressFile.State.COMPLETE;
  }

  /**
   * The progress file's name in a target directory.
   *
   * @since 1.2
   */
  public static final String PROGRESS_FILE = ProgressFile.FILE_NAME;

  private static boolean isEmptyDirectory(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new StorageIOException("cannot list " + p, e);
    }
  }
}
