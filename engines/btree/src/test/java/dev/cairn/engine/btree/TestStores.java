package dev.cairn.engine.btree;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Opening B+tree stores in tests. */
final class TestStores {

  private TestStores() {}

  static BtreeEngine open(Path dir) {
    return open(dir, Map.of(), false);
  }

  static BtreeEngine open(Path dir, Map<String, String> settings, boolean readOnly) {
    return open(dir, settings, readOnly, EngineEventListener.NONE);
  }

  static BtreeEngine open(
      Path dir, Map<String, String> settings, boolean readOnly, EngineEventListener events) {
    Map<String, String> all = new HashMap<>(BtreeConformanceTest.SMALL);
    all.putAll(settings);
    return (BtreeEngine)
        new BtreeEngineProvider()
            .open(
                EngineOptions.builder()
                    .directory(dir)
                    .readOnly(readOnly)
                    .defaultDurability(Durability.BUFFERED)
                    .settings(all)
                    .eventListener(events)
                    .build());
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** Fails with the report's problems unless the store is consistent. */
  static void assertConsistent(BtreeEngine e) {
    var r = e.checkConsistency();
    if (!r.isConsistent()) {
      throw new AssertionError("inconsistent store: " + String.join("\n", r.problems()));
    }
  }
}
