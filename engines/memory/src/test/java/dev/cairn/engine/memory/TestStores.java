package dev.cairn.engine.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers shared by the engine's own tests. */
final class TestStores {

  private TestStores() {}

  static StorageEngine open() {
    return new MemoryEngineProvider().open(EngineOptions.builder().build());
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /**
   * Every entry the cursor yields from where it is, as (key, value) pairs; it is left exhausted.
   */
  static List<Map.Entry<byte[], byte[]>> drain(Cursor c) {
    List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
    while (c.next()) {
      out.add(Map.entry(c.key(), c.value()));
    }
    return out;
  }

  /** The keys the cursor yields from where it is, as UTF-8 strings. */
  static List<String> keys(Cursor c) {
    List<String> out = new ArrayList<>();
    while (c.next()) {
      out.add(str(c.key()));
    }
    return out;
  }

  static long detail(StorageEngine engine, String name) {
    return engine.statistics().details().get(name);
  }

  static void assertConsistent(StorageEngine engine) {
    ConsistencyReport report = engine.checkConsistency();
    assertTrue(report.isConsistent(), () -> "inconsistent: " + report.problems());
  }

  /** A seed from -Dcairn.seed, or a fresh one; printed so a failure can be replayed. */
  static long seed(String test) {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println(test + " seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    return seed;
  }
}
