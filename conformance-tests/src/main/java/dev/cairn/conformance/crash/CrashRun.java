package dev.cairn.conformance.crash;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What one crash-and-fault test of {@link CrashConformanceSuite} runs with: its {@link
 * CrashSettings} (JUnit configuration parameters, falling back to system properties) and the
 * command that replays one of its trials.
 *
 * <p>The replay command is the configuration parameter {@code cairn.crash.replay.command} when set
 * ({@code {seed}} stands for the seed; {@code cairn certify} sets one), else a Maven command that
 * runs only this test of the engine's test class with {@code -Dcairn.crash.seed}.
 *
 * @param settings scale, replayed seed and base seed
 * @param replayHint the replay command, {@code {seed}} standing for the seed
 */
record CrashRun(CrashSettings settings, String replayHint) {

  /** The configuration parameter naming the replay command. */
  static final String REPLAY = "cairn.crash.replay.command";

  /** {@code n} trials times the scale. */
  int scaled(int n) {
    return Math.multiplyExact(n, settings.scale());
  }

  static CrashRun from(ExtensionContext context) {
    CrashSettings settings = CrashSettings.from(context::getConfigurationParameter);
    String replay =
        context
            .getConfigurationParameter(REPLAY)
            .filter(s -> !s.isBlank())
            .orElseGet(() -> mavenCommand(context));
    return new CrashRun(settings, replay);
  }

  /**
   * A Maven command that runs only this test's trial of the seed: {@code -Dtest=<class>#<method>}
   * for a class extending {@link CrashConformanceSuite} itself; for the group nested in the
   * engine's one test class, {@code -Dtest=<class> -Dgroups=<the group's tag>}, since Surefire does
   * not select a method of an inherited nested class (the other campaigns then run that one seed
   * too, a trial each).
   */
  private static String mavenCommand(ExtensionContext context) {
    List<Object> instances = context.getRequiredTestInstances().getAllInstances();
    Class<?> outer = instances.getFirst().getClass();
    String method = context.getTestMethod().map(m -> "#" + m.getName()).orElse("");
    String selector =
        instances.size() == 1
            ? "-Dtest=" + outer.getSimpleName() + method
            : "-Dtest="
                + outer.getSimpleName()
                + context.getTags().stream()
                    .filter(t -> t.startsWith("group:"))
                    .findFirst()
                    .map(t -> " -Dgroups=" + t)
                    .orElse("");
    Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path pom = here.resolve("pom.xml");
    return maven(here)
        + " -o "
        + (Files.exists(pom) ? "-f " + pom + " " : "")
        + "test "
        + selector
        + " -D"
        + CrashSettings.SEED
        + "={seed}";
  }

  /**
   * The project's own Maven Wrapper ({@code ./mvnw}, run from its directory) when {@code here} or a
   * directory above it has one, else {@code mvn}.
   */
  static String maven(Path here) {
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("mvnw"))) {
        return "./mvnw";
      }
    }
    return "mvn";
  }

  /** Hands each test of a {@link CrashConformanceSuite} its {@link CrashRun}. */
  static final class Binder implements BeforeEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
      if (context.getRequiredTestInstance() instanceof CrashConformanceSuite suite) {
        suite.run = from(context);
        // What this run uses, defaults included, for the certification report's options.
        Map<String, String> used = new LinkedHashMap<>();
        used.put(CrashSettings.SCALE, Integer.toString(suite.run.settings().scale()));
        suite
            .run
            .settings()
            .replaySeed()
            .ifPresent(seed -> used.put(CrashSettings.SEED, Long.toString(seed)));
        context.publishReportEntry(used);
      }
    }
  }
}
