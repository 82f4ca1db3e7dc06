package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.broken.BrokenEngines;
import dev.cairn.conformance.certify.Certification;
import dev.cairn.conformance.certify.CertificationOptions;
import dev.cairn.conformance.certify.CertificationReport;
import dev.cairn.conformance.model.Features;
import dev.cairn.conformance.model.ModelHarness;
import dev.cairn.conformance.model.Op;
import dev.cairn.conformance.model.OpGenerator;
import dev.cairn.conformance.model.SequenceFailure;
import dev.cairn.conformance.model.StoreSource;
import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness: generation, agreement on a correct engine, shrinking, and replay by seed. */
class ModelHarnessTest {

  @TempDir Path temp;

  /** Numbers every store location, so that no run reuses another's directory. */
  private final AtomicInteger locations = new AtomicInteger();

  private StoreSource direct(StorageEngineProvider p) {
    return () -> {
      Path dir = temp.resolve(p.name() + "-" + locations.getAndIncrement());
      return () -> {
        StorageEngine e = p.open(EngineOptions.builder().directory(dir).build());
        return e;
      };
    };
  }

  @Test
  void theSameSeedGeneratesTheSameSequence() {
    Features all = new Features(true, true, true, true);
    assertEquals(
        OpGenerator.generate(77, 300, all).toString(),
        OpGenerator.generate(77, 300, all).toString());
    assertTrue(
        !OpGenerator.generate(77, 300, all)
            .toString()
            .equals(OpGenerator.generate(78, 300, all).toString()));
  }

  @Test
  void generationHonoursFeatures() {
    List<Op> ops = OpGenerator.generate(5, 2000, new Features(false, false, false, false));
    for (Op op : ops) {
      assertTrue(
          !(op instanceof Op.Batch || op instanceof Op.OpenSnapshot || op instanceof Op.Reopen),
          "unsupported step generated: " + op);
      if (op instanceof Op.Scan s) {
        assertTrue(s.lower() == null && s.upper() == null && s.seek() == null, s.toString());
      }
    }
  }

  @Test
  void aCorrectEngineAgreesWithTheModel() {
    for (long seed = 1; seed <= 10; seed++) {
      StorageEngineProvider p = ReferenceProvider.durable();
      Optional<SequenceFailure> f =
          ModelHarness.check(p.name(), seed, 300, Features.of(p.capabilities()), direct(p));
      assertTrue(f.isEmpty(), () -> f.get().describe("-"));
    }
  }

  @Test
  void aFailureIsShrunkToAFewSteps() {
    StorageEngineProvider p = BrokenEngines.deleteComesBack();
    SequenceFailure f =
        ModelHarness.check(p.name(), 4242, 300, Features.of(p.capabilities()), direct(p))
            .orElseThrow(() -> new AssertionError("a resurrecting delete went unnoticed"));
    // put k, delete k, put j, get k is the smallest witness; the harness may keep a scan instead.
    assertTrue(f.shrunk().size() <= 5, f.describe("-"));
    assertTrue(f.describe("REPLAY").contains("seed 4242"), f.describe("-"));
    assertTrue(f.describe("REPLAY").endsWith("replay: REPLAY"), f.describe("-"));
  }

  @Test
  void replayingASeedReproducesTheSameShrunkFailure() {
    StorageEngineProvider p = BrokenEngines.wrongKeyOrder();
    Features features = Features.of(p.capabilities());
    SequenceFailure first =
        ModelHarness.check(p.name(), 99, 300, features, direct(p)).orElseThrow();
    SequenceFailure again =
        ModelHarness.check(p.name(), 99, 300, features, direct(p)).orElseThrow();
    assertEquals(first, withSameList(first, again));
    assertEquals(first.describe("x"), again.describe("x"));
  }

  private static SequenceFailure withSameList(SequenceFailure a, SequenceFailure b) {
    // Op records hold arrays, compared by identity; compare their text instead.
    assertEquals(a.shrunk().toString(), b.shrunk().toString());
    return new SequenceFailure(
        b.engine(), b.seed(), b.originalLength(), a.shrunk(), b.step(), b.expected(), b.actual());
  }

  @Test
  void theSeedParameterReplaysOneSequenceThroughTheLauncher() {
    StorageEngineProvider p = BrokenEngines.deleteComesBack();
    SequenceFailure direct =
        ModelHarness.check(p.name(), 123456, 300, Features.of(p.capabilities()), direct(p))
            .orElseThrow();
    CertificationReport r =
        Certification.run(
            p,
            CertificationOptions.defaults()
                .withGroups(Set.of("model-based"))
                .withParameter("cairn.seed", "123456"));
    assertEquals(List.of("123456"), r.seeds(), "the replay ran other seeds");
    String message = r.failures().getFirst().get("message");
    assertTrue(
        message.contains(
            direct.describe(
                "certify 'broken-resurrect' again with the parameter cairn.seed=123456")),
        "the launcher's failure differs from the direct run:\n"
            + message
            + "\nvs\n"
            + direct.describe("-"));
  }
}
