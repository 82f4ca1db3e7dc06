package dev.cairn.conformance.certify;

import dev.cairn.conformance.crash.CrashReport;
import dev.cairn.conformance.crash.CrashReports;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Certifies an engine: runs the whole conformance suite (or some of its groups) on it through the
 * JUnit Platform launcher and returns a {@link CertificationReport}.
 *
 * <p>The engines installed alongside the one certified, which the model-based group runs the same
 * sequences on, are those visible to the engine's own class loader: a provider loaded from a module
 * layer of its own (as {@code cairn certify --module-path} loads one) is compared with the other
 * engines of that layer and of its parents.
 *
 * <p>Thread-safe: runs are serialised, one engine at a time per JVM, because the launcher
 * instantiates the suite class itself and the engine reaches it through a static holder.
 */
public final class Certification {

  /**
   * The configuration parameter holding the command printed to replay a failed model-based
   * sequence, {@code {seed}} standing for its seed. By default it names the option to set rather
   * than a command, since a caller of this class may run it anywhere; {@code cairn certify} sets
   * its own command line.
   */
  public static final String REPLAY_COMMAND = "cairn.replay.command";

  /** As {@link #REPLAY_COMMAND}, for a failed trial of a crash-and-fault campaign. */
  public static final String CRASH_REPLAY_COMMAND = "cairn.crash.replay.command";

  private static final ReentrantLock RUN = new ReentrantLock();

  private Certification() {}

  /**
   * Certifies the installed engine named {@code engine}, found by the runtime's discovery.
   *
   * @throws dev.cairn.spi.EngineNotFoundException if no such engine is installed, listing those
   *     that are
   */
  public static CertificationReport run(String engine, CertificationOptions options) {
    return run(EngineRegistry.discover().provider(engine), options);
  }

  /**
   * Certifies {@code provider}. Progress lines go to {@link CertificationOptions#progress()} as
   * each group starts and finishes.
   */
  public static CertificationReport run(
      StorageEngineProvider provider, CertificationOptions options) {
    RUN.lock();
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    try {
      // NB: the jars are hashed before the run, as near as can be to when their classes loaded.
      EngineUnderTest engine = EngineUnderTest.of(provider);
      SuiteVersion suite = SuiteVersion.current();
      Artifact suiteArtifact = Artifact.of(Certification.class);
      Map<String, Object> environment = environment();
      CertificationTarget.set(provider, options.settings());
      // NB: the suite finds the other installed engines through the context class loader
      // (ServiceLoader), and the engine's own loader sees its layer and the layers below it.
      ClassLoader engineLoader = provider.getClass().getClassLoader();
      if (engineLoader != null) {
        thread.setContextClassLoader(engineLoader);
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put(
          REPLAY_COMMAND,
          "certify '" + provider.name() + "' again with the parameter cairn.seed={seed}");
      parameters.put(
          CRASH_REPLAY_COMMAND,
          "certify '"
              + provider.name()
              + "' again with the group "
              + ReportListener.CRASH_GROUP
              + " and the parameter cairn.crash.seed={seed}");
      parameters.putAll(options.parameters());
      LauncherDiscoveryRequestBuilder request =
          LauncherDiscoveryRequestBuilder.request()
              .selectors(DiscoverySelectors.selectClass(CertifiedEngineSuite.class))
              .configurationParameters(parameters);
      if (!options.groups().isEmpty()) {
        request.filters(
            TagFilter.includeTags(
                options.groups().stream().map(g -> ReportListener.GROUP_TAG + g).toList()));
      }
      LauncherDiscoveryRequest built = request.build();
      ReportListener listener = new ReportListener(options.progress());
      Launcher launcher = LauncherFactory.create();
      // NB: the collector is global to the JVM; runs are serialised by RUN, so what it holds
      // after this run is this run's.
      CrashReports.clear();
      Instant startedAt = Instant.now();
      long start = System.nanoTime();
      launcher.execute(built, listener);
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      List<CrashReport> crash =
          CrashReports.all().stream().filter(r -> r.engine().equals(provider.name())).toList();
      boolean crashSelected =
          options.groups().isEmpty() || options.groups().contains(ReportListener.CRASH_GROUP);
      return report(
          provider,
          listener,
          new Run(
              engine,
              suite,
              suiteArtifact,
              startedAt,
              duration,
              new RunOptions(
                  List.copyOf(options.groups()),
                  options.settings(),
                  reportedParameters(parameters),
                  listener.parametersUsed),
              environment),
          new CrashAndFaultSection(crashSelected, crash, listener.crashSkips()));
    } finally {
      thread.setContextClassLoader(context);
      CertificationTarget.clear();
      RUN.unlock();
    }
  }

  /** What {@link #report} needs beside the listener's counts. */
  private record Run(
      EngineUnderTest engine,
      SuiteVersion suite,
      Artifact suiteArtifact,
      Instant startedAt,
      Duration duration,
      RunOptions options,
      Map<String, Object> environment) {}

  /**
   * The parameters that decide what runs: {@code parameters} and the {@code cairn.*} system
   * properties no parameter overrides (JUnit falls back to system properties for a parameter not
   * given), less the replay commands, which only shape failure messages.
   */
  private static Map<String, String> reportedParameters(Map<String, String> parameters) {
    Map<String, String> all = new TreeMap<>(parameters);
    Properties system = System.getProperties();
    for (String name : system.stringPropertyNames()) {
      if (name.startsWith(ReportListener.PARAMETER_PREFIX)) {
        all.putIfAbsent(name, system.getProperty(name));
      }
    }
    all.keySet().removeAll(Set.of(REPLAY_COMMAND, CRASH_REPLAY_COMMAND));
    return all;
  }

  private static CertificationReport report(
      StorageEngineProvider p, ReportListener l, Run run, CrashAndFaultSection crash) {
    List<String> declared = new ArrayList<>();
    List<String> verified = new ArrayList<>();
    List<String> unverified = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (Capability c : Capability.values()) {
      ReportListener.Totals t = l.tags.get(ReportListener.CAPABILITY_TAG + c.name());
      ReportListener.Totals r = l.tags.get(ReportListener.REFUSAL_TAG + c.name());
      if (p.capabilities().contains(c)) {
        declared.add(c.name());
        (t != null && t.passed > 0 && t.failed == 0 ? verified : unverified).add(c.name());
      } else if (r != null && r.passed > 0 && r.failed == 0) {
        refusals.add(c.name());
      }
    }
    Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    l.groups.forEach((g, t) -> groups.put(g, t.toMap()));
    List<Map<String, String>> failures = new ArrayList<>();
    for (ReportListener.Failure f : l.failures) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("group", f.group());
      m.put("test", f.test());
      m.put("message", f.message());
      failures.add(m);
    }
    return new CertificationReport(
        run.engine(),
        run.suite(),
        run.suiteArtifact(),
        run.startedAt(),
        run.duration(),
        run.options(),
        declared,
        verified,
        unverified,
        refusals,
        l.totals.passed,
        l.totals.failed,
        l.totals.skipped,
        groups,
        l.skips,
        new ArrayList<>(l.seeds),
        new ArrayList<>(l.setAside),
        crash,
        failures,
        run.environment());
  }

  /**
   * Where the run happens: the JDK, the operating system, the processors the JVM may use, the
   * system's load average over the last minute when the run starts (null where the platform does
   * not tell), and the temporary directory the suite's stores live in, with its file system type.
   */
  private static Map<String, Object> environment() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("jdk", System.getProperty("java.vendor") + " " + Runtime.version());
    env.put("vm", System.getProperty("java.vm.name"));
    env.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    env.put("processors", Runtime.getRuntime().availableProcessors());
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    env.put("loadAverage", load >= 0 ? Math.round(load * 100) / 100.0 : null);
    env.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    String tmp = System.getProperty("java.io.tmpdir");
    env.put("tempDirectory", tmp);
    try {
      env.put("tempFileSystem", Files.getFileStore(Path.of(tmp)).type());
    } catch (IOException e) {
      env.put("tempFileSystem", "unknown (" + e.getMessage() + ")");
    }
    return env;
  }
}
