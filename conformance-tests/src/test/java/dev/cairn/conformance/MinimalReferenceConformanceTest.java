package dev.cairn.conformance;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.StorageEngineProvider;

/** The suite on an engine with no optional capability: the skip and refusal paths. */
class MinimalReferenceConformanceTest extends EngineConformanceSuite {
  @Override
  protected StorageEngineProvider provider() {
    return ReferenceProvider.minimal();
  }
}
