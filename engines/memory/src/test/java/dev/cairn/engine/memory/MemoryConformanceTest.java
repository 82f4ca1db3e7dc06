package dev.cairn.engine.memory;

import dev.cairn.conformance.EngineConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;

/**
 * The conformance suite on the memory engine: the one hook. The engine is not durable, so the
 * crash-and-faults group is skipped, saying so; its declared ANY_FILE_SYSTEM is verified on the
 * fault-injecting file system by the capabilities group.
 */
class MemoryConformanceTest extends EngineConformanceSuite {
  @Override
  protected StorageEngineProvider provider() {
    return new MemoryEngineProvider();
  }
}
