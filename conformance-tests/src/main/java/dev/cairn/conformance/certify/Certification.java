package dev.cairn.conformance.certify;

import dev.cairn.conformance.crash.CrashReport;
import dev.cairn.conformance.crash.CrashReports;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

  /** Certifies {@code provider}. */
  public static CertificationReport run(
      StorageEngineProvider provider, CertificationOptions options) {
    RUN.lock();
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    try {
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
      launcher.execute(built, listener);
      List<CrashReport> crash =
          CrashReports.all().stream().filter(r -> r.engine().equals(provider.name())).toList();
      boolean crashSelected =
          options.groups().isEmpty() || options.groups().contains(ReportListener.CRASH_GROUP);
      return report(
          provider, listener, new CrashAndFaultSection(crashSelected, crash, listener.crashSkips));
    } finally {
      thread.setContextClassLoader(context);
      CertificationTarget.clear();
      RUN.unlock();
    }
  }

  private static CertificationReport report(
      StorageEngineProvider p, ReportListener l, CrashAndFaultSection crash) {
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
        p.name(),
        p.version(),
        String.valueOf(p.spiVersion()),
        suiteVersion(),
        declared,
        verified,
        unverified,
        refusals,
        l.totals.passed,
        l.totals.failed,
        l.totals.skipped,
        groups,
        new ArrayList<>(l.seeds),
        crash,
        failures,
        environment());
  }

  /** The suite's version, from the build. */
  public static String suiteVersion() {
    try (InputStream in = Certification.class.getResourceAsStream("suite.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("jdk", System.getProperty("java.vendor") + " " + Runtime.version());
    env.put("vm", System.getProperty("java.vm.name"));
    env.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    env.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
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
