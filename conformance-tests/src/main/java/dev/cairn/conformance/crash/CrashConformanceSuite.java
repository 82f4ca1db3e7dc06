package dev.cairn.conformance.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngineProvider;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The crash-and-fault group of the conformance suite: the campaigns that hold a durable engine to
 * the crash guarantees of {@link dev.cairn.spi.Durability}.
 *
 * <p>An engine does not extend this class: {@link dev.cairn.conformance.EngineConformanceSuite},
 * the one class an engine's tests extend, runs it as its {@code crash-and-faults} group with the
 * same provider and settings. Extending it directly runs this group alone, which the suite's own
 * tests do on their small test engines.
 *
 * <p>Every test needs {@link Capability#DURABLE}; all but the process-kill test need {@link
 * Capability#ANY_FILE_SYSTEM} too (they run on the fault-injecting file system); without them a
 * test is skipped by assumption, naming the capability. The process-kill test runs on the default
 * file system, so it applies to every durable engine. Trial counts scale with {@code
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

  // NB: registered through a field rather than @ExtendWith, which would name a package-private
  // type in this public class's signature.
  @RegisterExtension static final CrashRun.Binder BINDER = new CrashRun.Binder();

  /** Set before each test by {@link CrashRun.Binder}: settings and the replay command. */
  CrashRun run;

  /** Creates the group. */
  protected CrashConformanceSuite() {}

  /** The engine under test: a new provider instance, or a shared one (providers are stateless). */
  protected abstract StorageEngineProvider provider();

  /** Engine-specific settings every store of the campaigns is opened with. None by default. */
  protected Map<String, String> settings() {
    return Map.of();
  }

  /**
   * The provider class the process-kill test starts in a child JVM (by name, with its public
   * no-argument constructor). Defaults to {@code provider().getClass()}; the test is skipped when
   * that class has no such constructor.
   */
  protected Class<? extends StorageEngineProvider> childProcessProvider() {
    return provider().getClass();
  }

  private StorageEngineProvider durable() {
    StorageEngineProvider p = provider();
    requireCapability(p, Capability.DURABLE);
    return WithSettings.of(p, settings());
  }

  private StorageEngineProvider onFaultyFileSystem() {
    StorageEngineProvider p = durable();
    requireCapability(p, Capability.ANY_FILE_SYSTEM);
    return p;
  }

  private static void requireCapability(StorageEngineProvider p, Capability c) {
    assumeTrue(
        p.capabilities().contains(c),
        () -> "engine '" + p.name() + "' does not declare capability " + c);
  }

  private static void check(CrashReport r) {
    assertTrue(r.passed(), () -> r.summary() + "\n" + String.join("\n", r.failures()));
    assertTrue(r.crashStates() > 0 || r.trials() > 0, () -> "nothing was tried: " + r.summary());
  }

  /** Random workloads, a power cut at a random file system mutation, reopen, oracle. */
  @Test
  @Tag("capability:DURABLE")
  @Tag("capability:ANY_FILE_SYSTEM")
  public void randomPowerCuts() {
    check(
        PowerCutCampaign.run(
            onFaultyFileSystem(), run.scaled(POWER_CUTS), run.settings(), run.replayHint()));
  }

  /** Every crash point times every pending-write subset of short workloads. */
  @Test
  @Tag("capability:DURABLE")
  @Tag("capability:ANY_FILE_SYSTEM")
  public void exhaustiveSmallWorkloads() {
    check(
        ExhaustiveCampaign.run(
            onFaultyFileSystem(), run.scaled(25), run.settings(), run.replayHint()));
  }

  /** A second power cut at every mutation of recovery leaves what a clean recovery gives. */
  @Test
  @Tag("capability:DURABLE")
  @Tag("capability:ANY_FILE_SYSTEM")
  public void crashDuringRecovery() {
    check(
        RecoveryCrashCampaign.run(
            onFaultyFileSystem(), run.scaled(60), run.settings(), run.replayHint()));
  }

  /** One failing file system operation at every injection point of a workload. */
  @Test
  @Tag("capability:DURABLE")
  @Tag("capability:ANY_FILE_SYSTEM")
  public void ioErrorAtEveryInjectionPoint() {
    check(
        IoErrorCampaign.everyInjectionPoint(
            onFaultyFileSystem(), run.scaled(4), run.settings(), run.replayHint()));
  }

  /** Writes fail with "No space left on device" after a random byte budget. */
  @Test
  @Tag("capability:DURABLE")
  @Tag("capability:ANY_FILE_SYSTEM")
  public void fullDisk() {
    check(
        IoErrorCampaign.fullDisk(
            onFaultyFileSystem(), run.scaled(40), run.settings(), run.replayHint()));
  }

  /** Damaged files fail with SPI exceptions or recover; never hang, never return wrong data. */
  @Test
  @Tag("capability:DURABLE")
  @Tag("capability:ANY_FILE_SYSTEM")
  public void corruptFiles() {
    check(
        CorruptionCampaign.run(
            onFaultyFileSystem(), run.scaled(30), run.settings(), run.replayHint()));
  }

  /**
   * A child JVM killed with SIGKILL keeps every acknowledged write, BUFFERED ones too. Runs on the
   * default file system, so it needs only {@link Capability#DURABLE}.
   */
  @Test
  @Tag("capability:DURABLE")
  public void processKill() {
    StorageEngineProvider p = durable();
    Class<? extends StorageEngineProvider> child = childProcessProvider();
    assumeTrue(
        Modifier.isPublic(child.getModifiers()) && hasPublicNoArgConstructor(child),
        () -> child.getName() + " has no public no-argument constructor for the child process");
    check(
        ProcessKillCampaign.run(
            p, child, settings(), run.scaled(4), run.settings(), run.replayHint()));
  }

  private static boolean hasPublicNoArgConstructor(Class<?> c) {
    try {
      return Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
