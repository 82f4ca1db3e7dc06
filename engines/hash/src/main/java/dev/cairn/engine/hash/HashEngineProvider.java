package dev.cairn.engine.hash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The hash engine's provider: a durable log-structured hash store for point operations, after
 * Bitcask, with an off-heap index. No ordered scans: its cursor is one unordered pass over every
 * key, for export and migration.
 *
 * <p>Stateless and thread-safe, with a public no-argument constructor for {@link
 * java.util.ServiceLoader}.
 */
public final class HashEngineProvider implements StorageEngineProvider {

  static final EngineSetting FILE_SIZE =
      new EngineSetting(
          "file.size", "size at which the active data file is sealed and a new one started", "64m");
  static final EngineSetting MERGE_THRESHOLD =
      new EngineSetting(
          "merge.threshold",
          "fraction (0 to 1) of a sealed data file's bytes that must be stale before it is merged",
          "0.5");
  static final EngineSetting MERGE_RATE =
      new EngineSetting("merge.rate", "bytes a second merge may read and write, together", "128m");
  static final EngineSetting MERGE_INTERVAL =
      new EngineSetting(
          "merge.interval", "milliseconds between background cycles (hints, merge)", "1000");

  static final EngineSetting MERGE_SMALL_FILES =
      new EngineSetting(
          "merge.small.files",
          "how many sealed files under an eighth of file.size make a merge due, stale or not"
              + " (0: never); keeps stores opened for one write at a time from piling up files",
          "4");
  static final EngineSetting RECOVERY =
      new EngineSetting(
          "recovery",
          "'strict' refuses a damaged store; 'salvage' (read-only) reads past damage, keeps every"
              + " record that verifies and lists what was lost in the consistency report",
          "strict");

  private static final List<EngineSetting> SETTINGS =
      List.of(FILE_SIZE, MERGE_THRESHOLD, MERGE_RATE, MERGE_INTERVAL, MERGE_SMALL_FILES, RECOVERY);

  /** Creates the provider; it holds no state. */
  public HashEngineProvider() {}

  @Override
  public String name() {
    return "hash";
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
        Capability.SNAPSHOTS,
        Capability.ATOMIC_BATCHES,
        Capability.CHECKPOINTS,
        Capability.ANY_FILE_SYSTEM);
  }

  @Override
  public List<EngineSetting> settings() {
    return SETTINGS;
  }

  @Override
  public String description() {
    return "durable log-structured hash store for point reads and writes (Bitcask lineage)";
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
    options.requireKnownSettings(name(), SETTINGS);
    long fileSize = options.longSetting(FILE_SIZE, 4096, 1L << 30);
    double threshold;
    String t = options.setting(MERGE_THRESHOLD);
    try {
      threshold = Double.parseDouble(t.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "setting 'merge.threshold' must be a number in (0, 1], got '" + t + "'", e);
    }
    if (!(threshold > 0 && threshold <= 1)) {
      throw new InvalidArgumentException(
          "setting 'merge.threshold' must be in (0, 1], got " + threshold);
    }
    long rate = options.longSetting(MERGE_RATE, 1024, Long.MAX_VALUE / 2);
    long interval = options.longSetting(MERGE_INTERVAL, 1, 3_600_000);
    int smallFiles = (int) options.longSetting(MERGE_SMALL_FILES, 0, 1000);
    if (smallFiles == 1) {
      throw new InvalidArgumentException(
          "setting 'merge.small.files' must be 0 (never) or at least 2, got 1");
    }
    String recovery = options.setting(RECOVERY).trim();
    if (!recovery.equals("strict") && !recovery.equals("salvage")) {
      throw new InvalidArgumentException(
          "setting 'recovery' must be 'strict' or 'salvage', got '" + recovery + "'");
    }
    return HashEngine.open(
        options,
        new HashEngine.Settings(
            fileSize, threshold, rate, interval, smallFiles, recovery.equals("salvage")));
  }
}
