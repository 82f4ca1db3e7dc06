package dev.cairn.engine.btree;

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
 * The B+tree engine's provider: a durable copy-on-write B+tree for read-heavy and ordered
 * workloads, after LMDB and bbolt.
 *
 * <p>Stateless and thread-safe, with a public no-argument constructor for {@link
 * java.util.ServiceLoader}.
 */
public final class BtreeEngineProvider implements StorageEngineProvider {

  static final String NAME = "btree";

  static final EngineSetting PAGE_SIZE =
      EngineSetting.size(
          "page.size",
          "bytes of a page, a power of two; fixed when the store is created (an existing store"
              + " keeps its own)",
          "4k",
          PageFormat.MIN_PAGE_SIZE,
          PageFormat.MAX_PAGE_SIZE);
  static final EngineSetting CACHE_SIZE =
      EngineSetting.size(
          EngineSetting.CACHE_SIZE,
          "bytes of engine-owned memory for the page cache, allocated as first needed (0: none)",
          "32m",
          0,
          1L << 40);

  private static final List<EngineSetting> SETTINGS = List.of(PAGE_SIZE, CACHE_SIZE);

  /** Creates the provider; it holds no state. */
  public BtreeEngineProvider() {}

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
        Capability.KEYSPACES,
        Capability.CONDITIONAL_WRITES,
        Capability.RANGE_DELETES);
  }

  @Override
  public List<EngineSetting> settings() {
    return SETTINGS;
  }

  @Override
  public String description() {
    return "durable copy-on-write B+tree for read-heavy and ordered workloads (LMDB lineage)";
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
    return BtreeEngine.open(options, Settings.of(options));
  }

  /**
   * What a store is opened with.
   *
   * @param pageSize bytes of a page, for a new store
   * @param cacheSize bytes of the page cache
   */
  record Settings(int pageSize, long cacheSize) {

    static Settings of(EngineOptions o) {
      long pageSize = o.size(PAGE_SIZE);
      if (!PageFormat.validPageSize(pageSize)) {
        throw new InvalidArgumentException(
            "setting '"
                + PAGE_SIZE.name()
                + "' must be a power of two in ["
                + PageFormat.MIN_PAGE_SIZE
                + ", "
                + PageFormat.MAX_PAGE_SIZE
                + "], got "
                + pageSize);
      }
      return new Settings((int) pageSize, o.size(CACHE_SIZE));
    }
  }
}
