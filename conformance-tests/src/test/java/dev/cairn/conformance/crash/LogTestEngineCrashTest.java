package dev.cairn.conformance.crash;

import dev.cairn.spi.StorageEngineProvider;

/**
 * The crash suite on its own correct log engine, as a durable engine's module runs it on itself: at
 * least {@value CrashConformanceSuite#POWER_CUTS} simulated power cuts per run.
 */
public class LogTestEngineCrashTest extends CrashConformanceSuite {

  /** Creates the test. */
  public LogTestEngineCrashTest() {}

  @Override
  protected StorageEngineProvider provider() {
    return new LogTestEngineProvider();
  }
}
