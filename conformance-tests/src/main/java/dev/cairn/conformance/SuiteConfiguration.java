package dev.cairn.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The suite's knobs, read from JUnit configuration parameters, which fall back to system properties
 * ({@code -Dcairn.seed=...}).
 *
 * <ul>
 *   <li>{@code cairn.seed}: run only the model-based sequence of this seed (a replay).
 *   <li>{@code cairn.model.sequences}: how many sequences (default 20).
 *   <li>{@code cairn.model.operations}: steps per sequence (default 300).
 *   <li>{@code cairn.replay.command}: the replay command to print, {@code {seed}} standing for the
 *       seed; by default a Maven command for the test class that ran.
 * </ul>
 *
 * @param seed the seed to replay, if any
 * @param sequences how many sequences to run
 * @param operations steps per sequence
 * @param replayCommand the replay command, with {@code {seed}} for the seed
 */
record SuiteConfiguration(OptionalLong seed, int sequences, int operations, String replayCommand) {

  static final String SEED = "cairn.seed";
  static final String SEQUENCES = "cairn.model.sequences";
  static final String OPERATIONS = "cairn.model.operations";
  static final String REPLAY = "cairn.replay.command";

  static SuiteConfiguration from(ExtensionContext context) {
    OptionalLong seed =
        context
            .getConfigurationParameter(SEED)
            .filter(s -> !s.isBlank())
            .map(s -> OptionalLong.of(Long.parseLong(s.trim())))
            .orElse(OptionalLong.empty());
    int sequences = context.getConfigurationParameter(SEQUENCES).map(Integer::parseInt).orElse(20);
    int operations =
        context.getConfigurationParameter(OPERATIONS).map(Integer::parseInt).orElse(300);
    Class<?> outer = context.getRequiredTestInstances().getAllInstances().getFirst().getClass();
    String replay =
        context
            .getConfigurationParameter(REPLAY)
            .orElseGet(
                () ->
                    mavenCommand(
                        outer.getSimpleName(),
                        Path.of(System.getProperty("user.dir")).toAbsolutePath()));
    return new SuiteConfiguration(seed, sequences, operations, replay);
  }

  /** The replay command for {@code seed}. */
  String replay(long seed) {
    return replayCommand.replace("{seed}", Long.toString(seed));
  }

  /**
   * {@code ./mvnw -pl <module> test -Dtest=<class> -Dcairn.seed={seed}}, to run from the directory
   * that holds the project's Maven Wrapper, the module found from the working directory; without a
   * wrapper, {@code mvn test -Dtest=<class> -Dcairn.seed={seed}}, to run from the module.
   *
   * @param here the module's directory (the tests' working directory)
   */
  static String mavenCommand(String testClass, Path here) {
    Optional<Path> root = Optional.empty();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("mvnw"))) {
        root = Optional.of(p);
      }
    }
    String module = root.map(r -> r.relativize(here).toString()).orElse("");
    return (root.isPresent() ? "./mvnw " : "mvn ")
        + (module.isEmpty() ? "" : "-pl " + module + " ")
        + "test -Dtest="
        + testClass
        + " -D"
        + SEED
        + "={seed}";
  }

  /** Resolves a {@link SuiteConfiguration} parameter of a test method. */
  static final class Resolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
      return p.getParameter().getType() == SuiteConfiguration.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
      return from(c);
    }
  }
}
