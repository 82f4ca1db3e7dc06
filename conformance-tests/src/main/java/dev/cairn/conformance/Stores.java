package dev.cairn.conformance;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The stores one test opens, and the check that runs on each after the test (bbolt's {@code
 * MustCheck}).
 *
 * <p>Stores open through the runtime boundary by default, as users get them; {@link #openDirect}
 * opens straight through the provider, to hold the engine itself to the contract. Every store
 * opened here is checked by {@link #mustCheck()}: an open store is checked then closed; a closed
 * store of a durable engine is reopened, checked and closed. Not thread-safe: tests open stores
 * from their own thread.
 */
final class Stores {

  private record Opened(StorageEngine engine, Path directory) {}

  private final StorageEngineProvider provider;
  private final Map<String, String> settings;
  private final Path root;
  private final List<Opened> opened = new ArrayList<>();
  private int directories;

  Stores(StorageEngineProvider provider, Map<String, String> settings, Path root) {
    this.provider = provider;
    this.settings = Map.copyOf(settings);
    this.root = root;
  }

  StorageEngineProvider provider() {
    return provider;
  }

  /** A fresh directory path under the test's temporary directory; not created. */
  Path newDirectory() {
    return root.resolve("store-" + directories++);
  }

  /**
   * Options for {@code directory} with the suite's settings. Writes default to {@link
   * Durability#BUFFERED}: the suite checks what writes do, not that they survive power loss (the
   * crash harness does), and an fsync per write would make it slow; tests about durability name it.
   */
  EngineOptions.Builder options(Path directory) {
    return EngineOptions.builder()
        .directory(directory)
        .defaultDurability(Durability.BUFFERED)
        .settings(settings);
  }

  /** Opens a new store through the runtime. */
  StorageEngine open() {
    return open(newDirectory());
  }

  /** Opens the store in {@code directory} through the runtime. */
  StorageEngine open(Path directory) {
    return open(directory, b -> b);
  }

  /** Opens the store in {@code directory} through the runtime, with adjusted options. */
  StorageEngine open(Path directory, UnaryOperator<EngineOptions.Builder> adjust) {
    EngineOptions o = adjust.apply(options(directory)).build();
    return track(RuntimeRoute.open(provider, o), directory);
  }

  /**
   * Opens a new store for a test that names keyspaces, through the runtime, which must forward
   * keyspace calls ({@link RuntimeRoute#forwardsKeyspaces}).
   */
  StorageEngine openNamingKeyspaces() {
    return openNamingKeyspaces(newDirectory(), b -> b);
  }

  /** {@link #openNamingKeyspaces()} on {@code directory}, with adjusted options. */
  StorageEngine openNamingKeyspaces(Path directory, UnaryOperator<EngineOptions.Builder> adjust) {
    EngineOptions o = adjust.apply(options(directory)).build();
    return track(RuntimeRoute.openNamingKeyspaces(provider, o), directory);
  }

  /** Opens the store in {@code directory} straight through the provider. */
  StorageEngine openDirect(Path directory, UnaryOperator<EngineOptions.Builder> adjust) {
    return track(provider.open(adjust.apply(options(directory)).build()), directory);
  }

  private StorageEngine track(StorageEngine engine, Path directory) {
    if (engine == null) {
      throw new AssertionError("engine '" + provider.name() + "' opened a null store");
    }
    opened.add(new Opened(engine, directory));
    return engine;
  }

  /**
   * Checks every store this test opened and closes it.
   *
   * @throws AssertionError listing every problem a consistency check found
   */
  void mustCheck() {
    List<String> problems = new ArrayList<>();
    Set<Path> reopen = new LinkedHashSet<>();
    Set<Path> checked = new LinkedHashSet<>();
    for (Opened o : opened) {
      try {
        ConsistencyReport r = o.engine.checkConsistency();
        r.problems().forEach(p -> problems.add(o.directory + ": " + p));
        checked.add(o.directory);
      } catch (ClosedHandleException e) {
        reopen.add(o.directory);
      } catch (RuntimeException e) {
        problems.add(o.directory + ": consistency check threw " + e);
      }
    }
    for (Opened o : opened) {
      try {
        o.engine.close();
      } catch (RuntimeException e) {
        problems.add(o.directory + ": close threw " + e);
      }
    }
    opened.clear();
    if (provider.capabilities().contains(Capability.DURABLE)) {
      reopen.removeAll(checked);
      for (Path dir : reopen) {
        try (StorageEngine e = provider.open(options(dir).createIfMissing(false).build())) {
          e.checkConsistency().problems().forEach(p -> problems.add(dir + " (reopened): " + p));
        } catch (RuntimeException e) {
          problems.add(dir + ": reopening for the consistency check threw " + e);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "consistency check after the test found "
              + problems.size()
              + " problem(s):\n  "
              + String.join("\n  ", problems));
    }
  }
}
