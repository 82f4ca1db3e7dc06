package dev.cairn.engine.lsm;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The LSM engine's provider: a durable log-structured merge tree for write-heavy and ordered
 * workloads, after LevelDB and RocksDB.
 *
 * <p>Stateless and thread-safe, with a public no-argument constructor for {@link
 * java.util.ServiceLoader}.
 */
public final class LsmEngineProvider implements StorageEngineProvider {

  static final String NAME = "lsm";

  static final EngineSetting MEMTABLE_SIZE =
      EngineSetting.size(
          "memtable.size",
          "bytes of writes a memtable holds before it is flushed to a table",
          "64m",
          1024,
          1L << 30);
  static final EngineSetting TABLE_FILE_SIZE =
      EngineSetting.size(
          "table.file.size",
          "size at which a compaction starts a new output table",
          "64m",
          1024,
          1L << 32);
  static final EngineSetting BLOCK_SIZE =
      EngineSetting.size(
          "block.size", "bytes of entries in a table's data block", "4k", 256, 1L << 20);
  static final EngineSetting BLOOM_BITS =
      EngineSetting.integer(
          "bloom.bits.per.key",
          "bits of a table's bloom filter per key (10: about 1% false positives)",
          "10",
          1,
          30);
  static final EngineSetting L0_TRIGGER =
      EngineSetting.integer(
          "level0.compaction.trigger",
          "level-0 tables that start a compaction into level 1 (writes stall at nine times it)",
          "4",
          2,
          100);
  static final EngineSetting LEVEL_MULTIPLIER =
      EngineSetting.integer(
          "level.size.multiplier",
          "how many times larger each level below 1 may grow than the one above",
          "10",
          2,
          100);
  static final EngineSetting MAX_IMMUTABLES =
      EngineSetting.integer(
          "memtable.max.immutable",
          "full memtables that may wait for the flush before writes stall",
          "4",
          1,
          64);
  static final EngineSetting MANIFEST_SIZE =
      EngineSetting.size(
          "manifest.size",
          "size at which the manifest is rewritten whole into a new file",
          "4m",
          512,
          1L << 30);
  static final EngineSetting STALL_TIMEOUT =
      EngineSetting.duration(
          "write.stall.timeout",
          "how long a stalled write waits for the flush and compaction before failing with"
              + " BusyException (nothing written)",
          "60s",
          Duration.ofMillis(1),
          Duration.ofHours(1));
  static final EngineSetting CACHE_SIZE =
      EngineSetting.size(
          EngineSetting.CACHE_SIZE, "bytes of the block cache (0: none)", "32m", 0, 1L << 40);

  static final EngineSetting COMPRESSION =
      EngineSetting.choice(
          "compression",
          "how the data blocks of new tables are compressed (tables written before keep theirs;"
              + " the block cache holds blocks uncompressed)",
          "lz4",
          List.of("none", "lz4", "zstd"));

  private static final List<EngineSetting> SETTINGS =
      List.of(
          MEMTABLE_SIZE,
          TABLE_FILE_SIZE,
          BLOCK_SIZE,
          BLOOM_BITS,
          L0_TRIGGER,
          LEVEL_MULTIPLIER,
          MAX_IMMUTABLES,
          MANIFEST_SIZE,
          STALL_TIMEOUT,
          CACHE_SIZE,
          COMPRESSION);

  /** Creates the provider; it holds no state. */
  public LsmEngineProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return "0.1.0";
  }

  @Override
  public SpiVersion spiVersion() {
    return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(
        Capability.DURABLE,
        Capability.ORDERED_SCANS,
        Capability.SNAPSHOTS,
        Capability.ATOMIC_BATCHES,
        Capability.CHECKPOINTS,
        Capability.ANY_FILE_SYSTEM,
        Capability.CONDITIONAL_WRITES,
        Capability.KEYSPACES,
        Capability.RANGE_DELETES);
  }

  @Override
  public List<EngineSetting> settings() {
    return SETTINGS;
  }

  @Override
  public String description() {
    return "durable log-structured merge tree for write-heavy and ordered workloads"
        + " (LevelDB lineage)";
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidArgumentException for an unknown setting or a value out of range
   */
  @Override
  public StorageEngine open(EngineOptions options) {
    if (options == null) {
      throw new InvalidArgumentException("options are required");
    }
    options.requireKnownSettings(NAME, SETTINGS);
    return LsmEngine.open(options, Settings.of(options));
  }

  /**
   * What a store is opened with.
   *
   * @param memtableSize bytes at which a memtable is full
   * @param tableFileSize bytes at which a compaction output is cut
   * @param blockSize bytes of a data block
   * @param bloomBitsPerKey filter bits per key
   * @param l0Trigger level-0 tables that start a compaction
   * @param levelMultiplier growth factor between levels
   * @param maxImmutables full memtables that may wait before writes stall
   * @param manifestSize bytes at which the manifest is rewritten
   * @param stallTimeoutNanos how long a stalled write waits
   * @param cacheSize bytes of the block cache
   * @param compression the codec of new tables' data blocks
   */
  record Settings(
      long memtableSize,
      long tableFileSize,
      int blockSize,
      int bloomBitsPerKey,
      int l0Trigger,
      int levelMultiplier,
      int maxImmutables,
      long manifestSize,
      long stallTimeoutNanos,
      long cacheSize,
      Compression compression) {

    static Settings of(EngineOptions o) {
      return new Settings(
          o.size(MEMTABLE_SIZE),
          o.size(TABLE_FILE_SIZE),
          (int) o.size(BLOCK_SIZE),
          (int) o.integer(BLOOM_BITS),
          (int) o.integer(L0_TRIGGER),
          (int) o.integer(LEVEL_MULTIPLIER),
          (int) o.integer(MAX_IMMUTABLES),
          o.size(MANIFEST_SIZE),
          o.duration(STALL_TIMEOUT).toNanos(),
          o.size(CACHE_SIZE),
          Compression.ofSetting(o.choice(COMPRESSION)));
    }

    /** Level-0 tables at which writes stall. */
    int l0Stop() {
      return l0Trigger * 9;
    }

    /** The target size of level 1: as large as level 0 when it triggers a compaction. */
    long level1Size() {
      return Math.max(tableFileSize, l0Trigger * memtableSize);
    }
  }
}
