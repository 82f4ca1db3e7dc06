package dev.cairn.engine.lsm;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Opening LSM stores in tests, and looking at their files. */
final class TestStores {

  private TestStores() {}

  static LsmEngine open(Path dir, Map<String, String> settings) {
    return open(dir, settings, false);
  }

  static LsmEngine open(Path dir, Map<String, String> settings, boolean readOnly) {
    return open(dir, settings, readOnly, EngineEventListener.NONE);
  }

  /** Opens with {@code listener} given the engine's events. */
  static LsmEngine open(
      Path dir, Map<String, String> settings, boolean readOnly, EngineEventListener listener) {
    Map<String, String> all = new HashMap<>(LsmConformanceTest.TINY);
    all.putAll(settings);
    return (LsmEngine)
        new LsmEngineProvider()
            .open(
                EngineOptions.builder()
                    .directory(dir)
                    .readOnly(readOnly)
                    .defaultDurability(Durability.BUFFERED)
                    .settings(all)
                    .eventListener(listener)
                    .build());
  }

  /**
   * A store's fsync thread on {@code dir} alone, without a store around it, as an engine with a 64
   * KiB memtable has it; the caller closes it.
   */
  static WalSyncer syncer(Path dir, dev.cairn.engine.toolkit.FailStop failStop, String name) {
    return new WalSyncer(
        dir,
        new FsyncGuard(failStop),
        failStop,
        new Statistics(),
        EngineEventListener.NONE,
        name,
        WalFile.preallocation(64 << 10));
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the flush and compaction threads to finish what is due. */
  static void settle(LsmEngine e) {
    if (!e.awaitBackground(60_000_000_000L)) {
      throw new AssertionError("background work did not settle: " + e.statistics().details());
    }
  }
}
