package dev.cairn.engine.rocksdb;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/**
 * The conformance suite on the RocksDB engine: the one hook. Small memtables make the suite's small
 * data sets reach table files, so reads cross memtable and tables. Of the crash-and-faults group
 * only the SIGKILL campaign applies: RocksDB does its own native I/O, so the engine does not
 * declare ANY_FILE_SYSTEM and the fault-injecting file system campaigns are skipped, saying so.
 */
class RocksDbConformanceTest extends EngineConformanceSuite {
  @Override
  protected StorageEngineProvider provider() {
    return new RocksDbProvider();
  }

  @Override
  protected Map<String, String> settings() {
    // NB: no cache setting: the suite opens a store with each declared setting at its default, and
    // cache.size beside block-cache.size (its alias) must agree. The cache is a limit, not an
    // allocation, and the suite's data sets are small.
    return Map.of("write-buffer.size", "64k");
  }
}
