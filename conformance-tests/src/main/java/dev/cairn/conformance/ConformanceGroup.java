package dev.cairn.conformance;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every group of the suite shares: the engine under test, the stores a test opens, the
 * consistency check after each test, and capability assumptions.
 *
 * <p>Each group is a subclass; {@link EngineConformanceSuite} nests one of each and feeds them its
 * provider. A fresh instance runs each test (JUnit's default lifecycle), so nothing here is shared
 * between tests or threads.
 */
abstract class ConformanceGroup {

  @TempDir Path temp;

  Stores stores;

  /** The engine under test. */
  protected abstract StorageEngineProvider provider();

  /** The engine-specific settings every store of the suite is opened with. */
  protected Map<String, String> settings() {
    return Map.of();
  }

  @BeforeEach
  final void prepareStores() {
    stores = new Stores(provider(), settings(), temp);
  }

  /** The engine's consistency check on every store the test used; fails the test on a problem. */
  @AfterEach
  final void mustCheck() {
    stores.mustCheck();
  }

  /** A new store, through the runtime. */
  final StorageEngine open() {
    return stores.open();
  }

  final boolean declares(Capability c) {
    return stores.provider().capabilities().contains(c);
  }

  /** Skips the test unless the engine declares {@code c}. */
  final void requires(Capability c) {
    assumeTrue(
        declares(c),
        () -> "engine '" + stores.provider().name() + "' does not declare capability " + c);
  }

  /** Skips the test when the engine declares {@code c}: the test checks its refusal. */
  final void requiresLack(Capability c) {
    assumeFalse(
        declares(c),
        () ->
            "engine '"
                + stores.provider().name()
                + "' declares capability "
                + c
                + "; its refusal does not apply");
  }
}
