package dev.cairn.conformance;

import dev.cairn.conformance.crash.CrashConformanceSuite;
import dev.cairn.spi.StorageEngineProvider;
import java.util.Map;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestClassOrder;

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
 * <p>The groups run in the order they are declared here (and listed in {@code
 * docs/certification.md}), quick ones first. The last group, {@link CrashAndFaults}, runs the crash
 * and fault campaigns of {@link CrashConformanceSuite} on durable engines: simulated power cuts,
 * I/O errors, full disks and corrupt files on the fault-injecting file system (for engines that
 * also declare {@code ANY_FILE_SYSTEM}), and SIGKILLed child processes on the default file system
 * (for every durable engine; the child builds the provider named by {@link
 * #childProcessProvider()}).
 *
 * <p>Configuration parameters (or system properties): {@code cairn.seed} replays one model-based
 * sequence; {@code cairn.model.sequences} and {@code cairn.model.operations} size the model-based
 * run; {@code cairn.crash.seed} replays one crash trial and {@code cairn.crash.scale} multiplies
 * the crash campaigns' trials. See {@code docs/certification.md}.
 *
 * <p>JUnit creates a fresh instance per test; {@link #provider()} may be called from several
 * threads and should return an equivalent, stateless provider each time.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
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

  /**
   * The provider class the process-kill test instantiates in a child JVM, by name, with its public
   * no-argument constructor. Defaults to {@code provider().getClass()}; override it when that class
   * has no such constructor (the test is skipped, saying so, when none is available).
   */
  protected Class<? extends StorageEngineProvider> childProcessProvider() {
    return provider().getClass();
  }

  @Nested
  @Order(1)
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
  @Order(2)
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
  @Order(3)
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
  @Order(4)
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
  @Order(5)
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
  @Order(6)
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
  @Order(7)
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
  @Order(8)
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
  @Order(9)
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
  @Order(10)
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
  @Order(11)
  @DisplayName("introspection")
  @Tag("group:introspection")
  class Introspection extends IntrospectionTests {
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
  @Order(12)
  @DisplayName("keyspaces")
  @Tag("group:keyspaces")
  class Keyspaces extends KeyspaceTests {
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
  @Order(13)
  @DisplayName("conditional writes")
  @Tag("group:conditional-writes")
  class ConditionalWrites extends ConditionalWriteTests {
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
  @Order(14)
  @DisplayName("range deletes")
  @Tag("group:range-deletes")
  class RangeDeletes extends RangeDeleteTests {
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
  @Order(15)
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

  @Nested
  @Order(16)
  @DisplayName("crash and faults")
  @Tag("group:crash-and-faults")
  class CrashAndFaults extends CrashConformanceSuite {
    @Override
    protected StorageEngineProvider provider() {
      return EngineConformanceSuite.this.provider();
    }

    @Override
    protected Map<String, String> settings() {
      return EngineConformanceSuite.this.settings();
    }

    @Override
    protected Class<? extends StorageEngineProvider> childProcessProvider() {
      return EngineConformanceSuite.this.childProcessProvider();
    }
  }
}
