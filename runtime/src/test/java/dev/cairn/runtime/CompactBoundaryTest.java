package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageEngine;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compact()} (SPI 1.2) through the boundary: passed through, checked and timed. */
class CompactBoundaryTest {

  @TempDir Path dir;

  private final TinyProvider tiny = TinyProvider.durable("tiny");
  private final EngineRegistry registry = EngineRegistry.of(List.of(tiny));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void compactPassesTheEnginesAnswerThroughAndIsTimed() {
    try (StorageEngine store =
        registry.store(dir.resolve("s")).engine("tiny").meterRegistry(meters).open()) {
      tiny.last().compacted = 12_288;

      assertEquals(12_288, store.compact());

      assertTrue(tiny.last().calls.contains("compact"), tiny.last().calls.toString());
      Timer timer =
          meters.find(Meters.OPERATION).tags("op", "compact", "outcome", "success").timer();
      assertEquals(1, timer == null ? 0 : timer.count());
    }
  }

  @Test
  void aNegativeAnswerIsAContractViolation() {
    try (StorageEngine store = registry.store(dir.resolve("s")).engine("tiny").open()) {
      tiny.last().compacted = -1;

      ContractViolationException e = assertThrows(ContractViolationException.class, store::compact);
      assertTrue(e.getMessage().contains("compact()"), e.getMessage());
    }
  }

  @Test
  void aReadOnlyStoreAndALateRequestAreRefusedBeforeTheEngineSeesThem() {
    registry.store(dir.resolve("s")).engine("tiny").open().close();
    try (StorageEngine store =
        registry.store(dir.resolve("s")).engine("tiny").readOnly(true).open()) {
      assertThrows(ReadOnlyStoreException.class, store::compact);
      assertFalse(tiny.last().calls.contains("compact"));
    }
    try (StorageEngine store = registry.store(dir.resolve("s")).engine("tiny").open()) {
      RequestContext late = RequestContext.of("late").withDeadline(Instant.now().minusMillis(1));
      assertThrows(DeadlineExceededException.class, () -> late.call(store::compact));
      assertFalse(tiny.last().calls.contains("compact"));
    }
  }
}
