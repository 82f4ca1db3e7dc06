package dev.cairn.engine.rocksdb;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code rocksdb} engine: RocksDB through its Java binding, as a Cairn engine.
 *
 * <p>Stateless and thread-safe. Declares {@link Capability#DURABLE}, {@link
 * Capability#ORDERED_SCANS}, {@link Capability#SNAPSHOTS}, {@link Capability#ATOMIC_BATCHES},
 * {@link Capability#CHECKPOINTS}, and (SPI 1.1) {@link Capability#KEYSPACES} (column families),
 * {@link Capability#CONDITIONAL_WRITES} (checked under the adapter's write lock) and {@link
 * Capability#RANGE_DELETES} ({@code DeleteRange}); not {@link Capability#ANY_FILE_SYSTEM}: RocksDB
 * does its own native I/O, so a directory on another file system is refused with {@link
 * dev.cairn.spi.InvalidArgumentException}.
 *
 * <p>Durability maps onto RocksDB's write options: {@code SYNC} is {@code sync=true} (the WAL is
 * fsynced before the write returns); {@code BUFFERED} is {@code sync=false} with the WAL on and
 * {@code manual_wal_flush=false}, so the WAL record has been handed to the OS by a {@code write}
 * system call when the put returns and survives a crash of the process.
 */
public final class RocksDbProvider implements StorageEngineProvider {

  static final String NAME = "rocksdb";

  /** The RocksDB release this adapter is built and tested against. */
  static final String ROCKSDB_VERSION = "10.10.1";

  private static final Set<Capability> CAPABILITIES =
      Set.copyOf(
          EnumSet.of(
              Capability.DURABLE,
              Capability.ORDERED_SCANS,
              Capability.SNAPSHOTS,
              Capability.ATOMIC_BATCHES,
              Capability.CHECKPOINTS,
              Capability.KEYSPACES,
              Capability.CONDITIONAL_WRITES,
              Capability.RANGE_DELETES));

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public RocksDbProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return "0.1.0+rocksdb-" + ROCKSDB_VERSION;
  }

  @Override
  public SpiVersion spiVersion() {
    return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
  }

  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public List<EngineSetting> settings() {
    return RocksDbSettings.ALL;
  }

  @Override
  public String description() {
    return "RocksDB "
        + ROCKSDB_VERSION
        + " through its Java binding: LSM tree, the industry default (default file system only)";
  }

  /**
   * Opens or creates a RocksDB store in the options' directory.
   *
   * @throws dev.cairn.spi.InvalidArgumentException for a missing directory, one on another file
   *     system, or an unknown or bad setting
   * @throws dev.cairn.spi.StoreLockedException if the store is open elsewhere
   * @throws dev.cairn.spi.IncompatibleVersionException if the directory holds files that are not a
   *     RocksDB store
   * @throws dev.cairn.spi.CorruptionException if RocksDB finds damage while opening
   * @throws dev.cairn.spi.StorageIOException if the file system fails, or the store is missing and
   *     creation was not asked for
   */
  @Override
  public StorageEngine open(EngineOptions options) {
    return RocksDbEngine.open(options, RocksDbSettings.from(options));
  }
}
