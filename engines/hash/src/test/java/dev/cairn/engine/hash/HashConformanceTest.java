package dev.cairn.engine.hash;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;

/** The conformance suite on the hash engine, with small files so that rolls and merges happen. */
class HashConformanceTest extends EngineConformanceSuite {

  @Override
  protected StorageEngineProvider provider() {
    return new HashEngineProvider();
  }

  @Override
  protected Map<String, String> settings() {
    return Map.of("file.size", "64k", "merge.interval", "20", "merge.threshold", "0.3");
  }
}
