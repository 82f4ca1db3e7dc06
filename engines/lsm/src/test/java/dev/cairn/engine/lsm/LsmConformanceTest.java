package dev.cairn.engine.lsm;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/**
 * The conformance suite on the LSM engine, with tiny memtables, tables, blocks and manifest so that
 * flushes, compactions, manifest rewrites and log rolls happen constantly, even in the suite's
 * small workloads.
 */
class LsmConformanceTest extends EngineConformanceSuite {

  /** The settings that make every background step happen within a few writes. */
  static final Map<String, String> TINY =
      Map.of(
          "memtable.size", "8k",
          "table.file.size", "16k",
          "block.size", "512",
          "level0.compaction.trigger", "2",
          "level.size.multiplier", "4",
          "manifest.size", "512",
          "cache.size", "256k");

  @Override
  protected StorageEngineProvider provider() {
    return new LsmEngineProvider();
  }

  @Override
  protected Map<String, String> settings() {
    return TINY;
  }
}
