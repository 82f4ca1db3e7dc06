package dev.cairn.engine.rocksdb;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/**
 * The conformance suite on the RocksDB engine: the one hook. Small memtables make the suite's small
 * data sets reach table files, so reads cross memtable and tables.
 */
class RocksDbConformanceTest extends EngineConformanceSuite {
  @Override
  protected StorageEngineProvider provider() {
    return new RocksDbProvider();
  }

  @Override
  protected Map<String, String> settings() {
    return Map.of("write-buffer.size", "64k", "block-cache.size", "1m");
  }
}
