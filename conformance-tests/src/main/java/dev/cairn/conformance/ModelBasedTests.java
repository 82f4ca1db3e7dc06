package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.conformance.model.CrossEngineRunner;
import dev.cairn.conformance.model.Features;
import dev.cairn.conformance.model.ModelHarness;
import dev.cairn.conformance.model.StoreSource;
import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngineProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The model-based harness on the engine under test: seeded sequences checked against a model,
 * failures shrunk and reported with a replay command; and the same sequences diffed against every
 * other engine installed.
 */
@ExtendWith(SuiteConfiguration.Resolver.class)
abstract class ModelBasedTests extends ConformanceGroup {

  /**
   * Fresh stores of {@code provider} under {@code root}, opened through the runtime (directly when
   * the engine has keyspaces and the runtime does not forward them: {@link
   * RuntimeRoute#openNamingKeyspaces}).
   */
  static StoreSource storesOf(
      StorageEngineProvider provider, Map<String, String> settings, Path root) {
    AtomicInteger n = new AtomicInteger();
    return () -> {
      Path dir = root.resolve(provider.name() + "-" + n.getAndIncrement());
      return new StoreSource.Location() {
        @Override
        public dev.cairn.spi.StorageEngine open() {
          return RuntimeRoute.openNamingKeyspaces(
              provider, EngineOptions.builder().directory(dir).settings(settings).build());
        }

        @Override
        public void close() {
          delete(dir);
        }
      };
    };
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> sequencesAgreeWithTheModel(SuiteConfiguration config, TestReporter reporter) {
    List<Long> seeds = new ArrayList<>();
    if (config.seed().isPresent()) {
      seeds.add(config.seed().getAsLong());
    } else {
      SplittableRandom r = new SplittableRandom();
      for (int i = 0; i < config.sequences(); i++) {
        seeds.add(r.nextLong() & Long.MAX_VALUE);
      }
    }
    // What this run used, defaults included, for the certification report's options.
    reporter.publishEntry(
        Map.of(
            SuiteConfiguration.SEQUENCES,
            Integer.toString(seeds.size()),
            SuiteConfiguration.OPERATIONS,
            Integer.toString(config.operations())));
    StorageEngineProvider p = provider();
    Features features = Features.of(p.capabilities());
    StoreSource source = storesOf(p, settings(), temp);
    return seeds.stream()
        .map(
            seed ->
                DynamicTest.dynamicTest(
                    "seed " + seed,
                    () -> {
                      reporter.publishEntry("cairn.seed", Long.toString(seed));
                      ModelHarness.check(p.name(), seed, config.operations(), features, source)
                          .ifPresent(f -> fail(f.describe(config.replay(seed))));
                    }));
  }

  /**
   * The engine under test and the other engines installed (those the runtime accepts, found through
   * the context class loader) run one sequence; the engine must agree with the model. An installed
   * engine that does not is set aside and reported, not held against the engine under test.
   */
  @Test
  void sequencesAgreeAcrossInstalledEngines(SuiteConfiguration config, TestReporter reporter) {
    StorageEngineProvider self = provider();
    Map<String, StoreSource> engines = new LinkedHashMap<>();
    Features features = Features.of(self.capabilities());
    engines.put(self.name(), storesOf(self, settings(), temp));
    EngineRegistry installed = EngineRegistry.discover();
    for (EngineInfo other : installed.list()) {
      if (!other.name().equals(self.name())) {
        engines.put(other.name(), storesOf(installed.provider(other.name()), Map.of(), temp));
        features = features.and(Features.of(other.capabilities()));
      }
    }
    Assumptions.assumeTrue(
        engines.size() > 1, "no other engine installed to compare '" + self.name() + "' with");
    long seed = config.seed().orElse(new SplittableRandom().nextLong() & Long.MAX_VALUE);
    reporter.publishEntry("cairn.seed", Long.toString(seed));
    Optional<String> divergence =
        CrossEngineRunner.judge(
            seed,
            config.operations(),
            features,
            self.name(),
            engines,
            note -> reporter.publishEntry("cairn.setAside", note));
    divergence.ifPresent(d -> fail(d + "\nreplay: " + config.replay(seed)));
  }
}
