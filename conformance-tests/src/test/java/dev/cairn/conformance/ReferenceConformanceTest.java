package dev.cairn.conformance;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.StorageEngineProvider;

/** The whole suite on the durable reference engine, which declares every capability. */
class ReferenceConformanceTest extends EngineConformanceSuite {
  @Override
  protected StorageEngineProvider provider() {
    return ReferenceProvider.durable();
  }
}
