package dev.cairn.engine.memory;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;

/** The conformance suite on the memory engine: the one hook. */
class MemoryConformanceTest extends EngineConformanceSuite {
  @Override
  protected StorageEngineProvider provider() {
    return new MemoryEngineProvider();
  }
}
