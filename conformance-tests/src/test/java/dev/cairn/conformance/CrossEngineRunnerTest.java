package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.conformance.broken.BrokenEngines;
import dev.cairn.conformance.model.CrossEngineRunner;
import dev.cairn.conformance.model.Features;
import dev.cairn.conformance.model.StoreSource;
import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @Test
  void judgingACorrectEngineSetsABrokenWitnessAsideInsteadOfFailingIt() {
    StorageEngineProvider subject = ReferenceProvider.inMemory();
    List<StorageEngineProvider> engines = List.of(subject, BrokenEngines.reverseCursorOffByOne());
    Features common = Features.of(subject.capabilities());
    List<String> setAside = new ArrayList<>();
    for (long seed = 1; seed <= 5; seed++) {
      Optional<String> d =
          CrossEngineRunner.judge(
              seed, 300, common, subject.name(), sources(engines), setAside::add);
      assertEquals(Optional.empty(), d, "seed " + seed);
    }
    assertFalse(setAside.isEmpty(), "the broken witness departs from the model on some seed");
    assertTrue(
        setAside.stream().allMatch(s -> s.startsWith("broken-reverse departs from the model")),
        setAside.toString());
  }

  @Test
  void judgingABrokenEngineNamesItWithTheAnswersOfTheWitnessesThatAgreeWithTheModel() {
    StorageEngineProvider subject = BrokenEngines.reverseCursorOffByOne();
    List<StorageEngineProvider> engines = List.of(ReferenceProvider.inMemory(), subject);
    Features common = Features.of(subject.capabilities());
    Optional<String> d = Optional.empty();
    for (long seed = 1; seed <= 5 && d.isEmpty(); seed++) {
      d =
          CrossEngineRunner.judge(
              seed, 300, common, subject.name(), sources(engines), s -> fail("set aside: " + s));
    }
    String report = d.orElseThrow(() -> new AssertionError("no divergence found"));
    assertTrue(report.startsWith("engine 'broken-reverse' diverges from the model"), report);
    assertTrue(report.contains("\n  reference-memory: "), report);
  }

  @Test
  void aWitnessThatCannotRunIsSetAside() {
    StorageEngineProvider subject = ReferenceProvider.inMemory();
    Map<String, StoreSource> engines = sources(List.of(subject));
    engines.put(
        "unopenable",
        () ->
            () -> {
              throw new IllegalStateException("needs a setting it was not given");
            });
    List<String> setAside = new ArrayList<>();
    Optional<String> d =
        CrossEngineRunner.judge(
            1, 100, Features.of(subject.capabilities()), subject.name(), engines, setAside::add);
    assertEquals(Optional.empty(), d);
    assertEquals(1, setAside.size(), setAside.toString());
    assertTrue(setAside.getFirst().contains("needs a setting"), setAside.toString());
  }
}
