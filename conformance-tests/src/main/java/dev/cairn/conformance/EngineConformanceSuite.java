package dev.cairn.conformance;

import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * The conformance suite: extend it once in an engine's tests, return the provider, and the whole
 * contract runs against the engine (Lucene's {@code BasePostingsFormatTestCase}, one hook).
 *
 * {@snippet :
 * class ExampleConformanceTest extends EngineConformanceSuite {
 *   @Override
 *   protected StorageEngineProvider provider() {
 *     return new ExampleProvider();
 *   }
 * }
 * }
 *
 * <p>The groups below are nested test classes, which JUnit discovers in every subclass. Each test
 * opens its own stores in a temporary directory, through the runtime boundary as users do (the
 * {@link EngineContract} group calls the engine directly), and after each test the engine's
 * consistency check runs on every store the test used. Tests needing a capability the engine does
 * not declare are skipped by assumption, naming it; declared capabilities are verified.
 *
 * <p>Configuration parameters (or system properties): {@code cairn.seed} replays one model-based
 * sequence; {@code cairn.model.sequences} and {@code cairn.model.operations} size the model-based
 * run. See {@code docs/certification.md}.
 *
 * <p>JUnit creates a fresh instance per test; {@link #provider()} may be called from several
 * threads and should return an equivalent, stateless provider each time.
 */
public abstract class EngineConformanceSuite {

  /** Creates the suite; subclasses have a no-argument constructor, as JUnit requires. */
  protected EngineConformanceSuite() {}

  /** The engine under test. Called once per test; may return a new or a shared provider. */
  protected abstract StorageEngineProvider provider();

  /**
   * Engine-specific settings to open every store with, for example small buffers that force flushes
   * and compactions within the suite's small data sets. None by default.
   */
  protected Map<String, String> settings() {
    return Map.of();
  }

  @Nested
  @DisplayName("basic operations")
  @Tag("group:basic")
  class BasicOperations extends BasicOperationsTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("keys and values")
  @Tag("group:keys-values")
  class KeysAndValues extends KeyValueEdgeCaseTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("atomic batches")
  @Tag("group:batches")
  class AtomicBatches extends AtomicBatchTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("cursors")
  @Tag("group:cursors")
  class Cursors extends CursorTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("snapshots")
  @Tag("group:snapshots")
  class Snapshots extends SnapshotTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("lifecycle")
  @Tag("group:lifecycle")
  class Lifecycle extends LifecycleTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("capabilities")
  @Tag("group:capabilities")
  class Capabilities extends CapabilityTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("concurrency")
  @Tag("group:concurrency")
  class Concurrency extends ConcurrencyTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("options and errors")
  @Tag("group:options-errors")
  class OptionsAndErrors extends OptionsAndErrorTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("engine contract")
  @Tag("group:engine-contract")
  class EngineContract extends EngineContractTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }

  @Nested
  @DisplayName("model-based")
  @Tag("group:model-based")
  class ModelBased extends ModelBasedTests {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }
  }
}
