package dev.cairn.conformance.crash;

import dev.cairn.spi.StorageEngineProvider;
import org.junit.jupiter.api.AfterAll;

/**
 * The crash suite on its own correct log engine, as a durable engine's module runs it on itself: at
 * least {@value CrashConformanceSuite#POWER_CUTS} simulated power cuts per run.
 */
public class LogTestEngineCrashTest extends CrashConformanceSuite {

  /** Creates the test. */
  public LogTestEngineCrashTest() {}

  /** Prints the crash-and-fault summary, as the certification report will include it. */
  @AfterAll
  public static void printReport() {
    System.out.print(CrashReports.toText(new LogTestEngineProvider().name()));
  }

  @Override
  protected StorageEngineProvider provider() {
    return new LogTestEngineProvider();
  }
}
