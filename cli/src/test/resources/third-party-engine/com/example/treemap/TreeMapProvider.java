package com.example.treemap;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code treemap}: an in-memory engine over a {@code TreeMap} under one lock. It declares only what
 * it does: ordered scans and atomic batches; it is not durable, has no snapshots or checkpoints,
 * and keeps its data in memory whatever file system it is given.
 */
public class TreeMapProvider implements StorageEngineProvider {

  private final String name;
  private final boolean losesLastKeyDeletes;

  /** The correct engine. */
  public TreeMapProvider() {
    this("treemap", false);
  }

  TreeMapProvider(String name, boolean losesLastKeyDeletes) {
    this.name = name;
    this.losesLastKeyDeletes = losesLastKeyDeletes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public SpiVersion spiVersion() {
    return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.copyOf(EnumSet.of(Capability.ORDERED_SCANS, Capability.ATOMIC_BATCHES));
  }

  @Override
  public String description() {
    return "a TreeMap under a lock, built outside the repository";
  }

  @Override
  public StorageEngine open(EngineOptions options) {
    if (options == null) {
      throw new InvalidArgumentException("engine options are null");
    }
    options.requireKnownSettings(name, settings());
    return new TreeMapEngine(options, losesLastKeyDeletes);
  }
}
