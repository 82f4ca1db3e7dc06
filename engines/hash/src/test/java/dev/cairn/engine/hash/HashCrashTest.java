package dev.cairn.engine.hash;

import dev.cairn.conformance.crash.CrashConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;

/** The crash and fault campaigns on the hash engine, through the fault-injecting file system. */
class HashCrashTest extends CrashConformanceSuite {

  @Override
  protected StorageEngineProvider provider() {
    return new HashEngineProvider();
  }
}
