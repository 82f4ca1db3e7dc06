package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.broken.BrokenEngines;
import dev.cairn.conformance.model.CrossEngineRunner;
import dev.cairn.conformance.model.Features;
import dev.cairn.conformance.model.StoreSource;
import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One seed's sequence on several engines, compared step by step. */
class CrossEngineRunnerTest {

  @TempDir Path temp;

  /** Numbers every store location, so that no run reuses another's directory. */
  private final AtomicInteger locations = new AtomicInteger();

  private Map<String, StoreSource> sources(List<StorageEngineProvider> providers) {
    Map<String, StoreSource> out = new LinkedHashMap<>();
    for (StorageEngineProvider p : providers) {
      out.put(
          p.name(),
          () -> {
            Path dir = temp.resolve(p.name() + "-" + locations.getAndIncrement());
            return () -> p.open(EngineOptions.builder().directory(dir).build());
          });
    }
    return out;
  }

  @Test
  void correctEnginesAgree() {
    List<StorageEngineProvider> engines =
        List.of(ReferenceProvider.durable(), ReferenceProvider.inMemory());
    Features common =
        Features.of(engines.get(0).capabilities()).and(Features.of(engines.get(1).capabilities()));
    for (long seed = 1; seed <= 5; seed++) {
      Optional<String> d = CrossEngineRunner.compare(seed, 300, common, sources(engines));
      assertTrue(d.isEmpty(), () -> d.get());
    }
  }

  @Test
  void aBrokenEngineIsNamedAtTheFirstDivergentStep() {
    List<StorageEngineProvider> engines =
        List.of(ReferenceProvider.inMemory(), BrokenEngines.reverseCursorOffByOne());
    Features common = Features.of(engines.get(0).capabilities());
    Optional<String> d = Optional.empty();
    for (long seed = 1; seed <= 5 && d.isEmpty(); seed++) {
      d = CrossEngineRunner.compare(seed, 300, common, sources(engines));
    }
    String report = d.orElseThrow(() -> new AssertionError("no divergence found"));
    assertTrue(report.contains("broken-reverse: "), report);
    assertTrue(report.contains("REVERSE"), report);
  }
}
