package dev.cairn.engine.btree;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/**
 * The conformance suite on the B+tree engine, with the smallest pages and a small cache, so that
 * the suite's small data sets build trees of several levels, overflow chains and evictions.
 */
class BtreeConformanceTest extends EngineConformanceSuite {

  /** Settings that make trees deep and the cache small within a few hundred writes. */
  static final Map<String, String> SMALL = Map.of("page.size", "4k", "cache.size", "64k");

  @Override
  protected StorageEngineProvider provider() {
    return new BtreeEngineProvider();
  }

  @Override
  protected Map<String, String> settings() {
    return SMALL;
  }
}
