package dev.cairn.conformance.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngineProvider;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The crash and fault tests of the conformance suite: extend it with one method, {@link
 * #provider()}, to hold an engine to them.
 *
 * <pre>{@code
 * class LsmCrashTest extends CrashConformanceSuite {
 *   protected StorageEngineProvider provider() { return new LsmProvider(); }
 * }
 * }</pre>
 *
 * <p>Every test needs {@link Capability#DURABLE}; all but the process-kill test need {@link
 * Capability#ANY_FILE_SYSTEM} too (they run on the fault-injecting file system); without them a
 * test is skipped by assumption, naming the capability. Trial counts scale with {@code
 * -Dcairn.crash.scale=N} (the {@code stress} profile sets 100); a failure prints its seed and the
 * command that replays it with {@code -Dcairn.crash.seed=N}. Every campaign's {@link CrashReport}
 * goes to {@link CrashReports} for the certification report.
 *
 * <p>Thread safety: JUnit runs each test on one thread; the tests share no state but the report
 * collector.
 */
public abstract class CrashConformanceSuite {

  /** Random power cuts per engine in the default (CI) run. */
  public static final int POWER_CUTS = 1000;

  private final CrashSettings settings = CrashSettings.fromSystemProperties();

  /** Creates the suite. */
  protected CrashConformanceSuite() {}

  /** The engine under test: a new provider instance, or a shared one (providers are stateless). */
  protected abstract StorageEngineProvider provider();

  /**
   * The provider class the process-kill test starts in a child JVM (by name, with its public
   * no-argument constructor). Defaults to {@code provider().getClass()}; the test is skipped when
   * that class has no such constructor.
   */
  protected Class<? extends StorageEngineProvider> childProcessProvider() {
    return provider().getClass();
  }

  private StorageEngineProvider onFaultyFileSystem() {
    StorageEngineProvider p = provider();
    assumeTrue(
        p.capabilities().contains(Capability.DURABLE),
        "engine '" + p.name() + "' does not declare DURABLE");
    assumeTrue(
        p.capabilities().contains(Capability.ANY_FILE_SYSTEM),
        "engine '" + p.name() + "' does not declare ANY_FILE_SYSTEM");
    return p;
  }

  private int scaled(int n) {
    return Math.multiplyExact(n, settings.scale());
  }

  private String replayHint(TestInfo info) {
    return "./mvnw -o -f "
        + System.getProperty("user.dir")
        + "/pom.xml verify -Dtest="
        + getClass().getSimpleName()
        + "#"
        + info.getTestMethod().map(m -> m.getName()).orElse("*");
  }

  private static void check(CrashReport r) {
    assertTrue(r.passed(), () -> r.summary() + "\n" + String.join("\n", r.failures()));
    assertTrue(r.crashStates() > 0 || r.trials() > 0, () -> "nothing was tried: " + r.summary());
  }

  /** Random workloads, a power cut at a random file system mutation, reopen, oracle. */
  @Test
  public void randomPowerCuts(TestInfo info) {
    check(
        PowerCutCampaign.run(onFaultyFileSystem(), scaled(POWER_CUTS), settings, replayHint(info)));
  }

  /** Every crash point times every pending-write subset of short workloads. */
  @Test
  public void exhaustiveSmallWorkloads(TestInfo info) {
    check(ExhaustiveCampaign.run(onFaultyFileSystem(), scaled(25), settings, replayHint(info)));
  }

  /** A second power cut at every mutation of recovery leaves what a clean recovery gives. */
  @Test
  public void crashDuringRecovery(TestInfo info) {
    check(RecoveryCrashCampaign.run(onFaultyFileSystem(), scaled(60), settings, replayHint(info)));
  }

  /** One failing file system operation at every injection point of a workload. */
  @Test
  public void ioErrorAtEveryInjectionPoint(TestInfo info) {
    check(
        IoErrorCampaign.everyInjectionPoint(
            onFaultyFileSystem(), scaled(4), settings, replayHint(info)));
  }

  /** Writes fail with "No space left on device" after a random byte budget. */
  @Test
  public void fullDisk(TestInfo info) {
    check(IoErrorCampaign.fullDisk(onFaultyFileSystem(), scaled(40), settings, replayHint(info)));
  }

  /** Damaged files fail with SPI exceptions or recover; never hang, never return wrong data. */
  @Test
  public void corruptFiles(TestInfo info) {
    check(CorruptionCampaign.run(onFaultyFileSystem(), scaled(30), settings, replayHint(info)));
  }

  /** A child JVM killed with SIGKILL keeps every acknowledged write, BUFFERED ones too. */
  @Test
  public void processKill(TestInfo info) {
    StorageEngineProvider p = provider();
    assumeTrue(
        p.capabilities().contains(Capability.DURABLE),
        "engine '" + p.name() + "' does not declare DURABLE");
    Class<? extends StorageEngineProvider> child = childProcessProvider();
    assumeTrue(
        Modifier.isPublic(child.getModifiers()) && hasPublicNoArgConstructor(child),
        child.getName() + " has no public no-argument constructor for the child process");
    check(ProcessKillCampaign.run(p, child, scaled(4), settings, replayHint(info)));
  }

  private static boolean hasPublicNoArgConstructor(Class<?> c) {
    try {
      return Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
