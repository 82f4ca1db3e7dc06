package dev.cairn.conformance.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store the runtime creates survives a power cut: the runtime creates the store's directory and
 * writes its marker before the engine sees the directory, so the runtime, not the engine, must make
 * both durable (the new directories in their parents, the marker's rename in the store's
 * directory). An engine that finds its directory already there has no reason to sync its parent.
 */
class RuntimeCreatedStoreCrashTest {

  private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = "acknowledged".getBytes(StandardCharsets.UTF_8);

  @Test
  void aSyncWriteToANewStoreSurvivesThePowerCutWithItsDirectoryAndMarker() throws Exception {
    TestEngineProvider log =
        new TestEngineProvider(TestEngineProvider.Kind.LOG, TestEngineProvider.Flaw.NONE);
    EngineRegistry registry = EngineRegistry.of(List.of(log));
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("stores").resolve("one");
      StorageEngine store = registry.store(dir).engine(log.name()).open();
      store.put(KEY, VALUE, Durability.SYNC);

      PowerCut cut = fs.powerCut(); // the store is never closed: the machine lost power
      cut.restore(cut.choose(CrashMode.DURABLE_ONLY, 0));
      store.close();

      assertTrue(Files.isDirectory(dir), "the store's directory was made durable");
      try (StorageEngine reopened = registry.store(dir).open()) { // no engine named: the marker
        assertArrayEquals(VALUE, reopened.get(KEY));
      }
      fs.assertNoOpenHandles();
    }
  }
}
