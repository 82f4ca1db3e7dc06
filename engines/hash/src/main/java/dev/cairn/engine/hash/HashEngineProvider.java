package dev.cairn.engine.hash;

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
 * The hash engine's provider: a durable log-structured hash store for point operations, after
 * Bitcask, with an off-heap index. No ordered scans: its cursor is one unordered pass over every
 * key, for export and migration.
 *
 * <p>Stateless and thread-safe, with a public no-argument constructor for {@link
 * java.util.ServiceLoader}.
 */
public final class HashEngineProvider implements StorageEngineProvider {

  static final EngineSetting FILE_SIZE =
      EngineSetting.size(
          "file.size",
          "size at which the active data file is sealed and a new one started",
          "64m",
          4096,
          1L << 30);

  /**
   * A fraction, which no typed setting holds: the SPI's types are whole numbers. Kept as text with
   * its own check (and the same one error format), so that its name and meaning stay as they were.
   */
  static final EngineSetting MERGE_THRESHOLD =
      new EngineSetting(
          "merge.threshold",
          "fraction (a number in (0, 1]) of a sealed data file's bytes that must be stale before"
              + " it is merged",
          "0.5");

  static final EngineSetting MERGE_RATE =
      EngineSetting.size(
          "merge.rate",
          "bytes a second merge may read and write, together",
          "128m",
          1024,
          Long.MAX_VALUE);
  static final EngineSetting MERGE_INTERVAL =
      EngineSetting.duration(
          "merge.interval",
          "time between background cycles (hints, merge); a bare number is milliseconds",
          "1s",
          Duration.ofMillis(1),
          Duration.ofHours(1));

  static final EngineSetting MERGE_SMALL_FILES =
      EngineSetting.integer(
          "merge.small.files",
          "how many sealed files under an eighth of file.size make a merge due, stale or not"
              + " (0: never; 1 is refused); keeps stores opened for one write at a time from"
              + " piling up files",
          "4",
          0,
          1000);
  static final EngineSetting RECOVERY =
      EngineSetting.choice(
          "recovery",
          "'strict' refuses a damaged store; 'salvage' (read-only) reads past damage, keeps every"
              + " record that verifies and lists what was lost in the consistency report",
          "strict",
          List.of("strict", "salvage"));

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
        Capability.ANY_FILE_SYSTEM,
        Capability.CONDITIONAL_WRITES);
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
    return HashEngine.open(options, settings(options));
  }

  /**
   * The settings of {@code options}, each read as its type and checked.
   *
   * @throws InvalidArgumentException for an unknown setting or a value out of range
   */
  static HashEngine.Settings settings(EngineOptions options) {
    options.requireKnownSettings("hash", SETTINGS);
    int smallFiles = (int) options.integer(MERGE_SMALL_FILES);
    if (smallFiles == 1) {
      throw new InvalidArgumentException(
          "setting 'merge.small.files' must be 0 (never) or at least 2, got '1'");
    }
    return new HashEngine.Settings(
        options.size(FILE_SIZE),
        mergeThreshold(options.setting(MERGE_THRESHOLD)),
        options.size(MERGE_RATE),
        options.duration(MERGE_INTERVAL).toMillis(),
        smallFiles,
        options.choice(RECOVERY).equals("salvage"));
  }

  private static double mergeThreshold(String text) {
    double threshold;
    try {
      threshold = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      threshold = Double.NaN;
    }
    if (!(threshold > 0 && threshold <= 1)) {
      throw new InvalidArgumentException(
          "setting 'merge.threshold' must be a number in (0, 1], got '" + text + "'");
    }
    return threshold;
  }
}
