package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompressionType;

/** The typed settings, the standard cache setting and its deprecated alias. */
class RocksDbSettingsTest {

  @TempDir Path tmp;

  private static RocksDbSettings read(Map<String, String> settings) {
    return RocksDbSettings.from(EngineOptions.builder().settings(settings).build());
  }

  @Test
  void settingsAreTypedWithTheSpiFactories() {
    Map<String, EngineSetting> byName = new java.util.HashMap<>();
    new RocksDbProvider().settings().forEach(s -> byName.put(s.name(), s));
    EngineSetting cache = byName.get(EngineSetting.CACHE_SIZE);
    assertEquals(EngineSetting.Type.SIZE, cache.type(), "the standard cache setting is a size");
    assertEquals(
        EngineSetting.CACHE_SIZE,
        new RocksDbProvider().settings().getFirst().name(),
        "listed first, before its alias");
    assertEquals(EngineSetting.Type.SIZE, byName.get("block-cache.size").type());
    assertEquals(EngineSetting.Type.SIZE, byName.get("write-buffer.size").type());
    assertEquals(EngineSetting.Type.INTEGER, byName.get("bloom.bits-per-key").type());
    assertEquals("integer in [0, 64]", byName.get("bloom.bits-per-key").describeType());
    assertEquals(EngineSetting.Type.CHOICE, byName.get("compression").type());
    assertEquals("one of none, snappy, lz4, zstd", byName.get("compression").describeType());
    assertEquals("one of wait, busy", byName.get("write-stall").describeType());
  }

  @Test
  void valuesAreParsedAsTheirTypes() {
    RocksDbSettings s =
        read(
            Map.of(
                "cache.size", "8 MiB",
                "write-buffer.size", "1m",
                "bloom.bits-per-key", "0",
                "compression", "ZSTD",
                "write-stall", "busy"));
    assertEquals(8L << 20, s.blockCacheBytes());
    assertEquals(1L << 20, s.writeBufferBytes());
    assertEquals(0, s.bloomBitsPerKey());
    assertEquals(CompressionType.ZSTD_COMPRESSION, s.compression());
    assertTrue(s.busyWhenStalled());
    RocksDbSettings defaults = read(Map.of());
    assertEquals(32L << 20, defaults.blockCacheBytes());
    assertEquals(64L << 20, defaults.writeBufferBytes());
    assertEquals(10, defaults.bloomBitsPerKey());
    assertEquals(CompressionType.LZ4_COMPRESSION, defaults.compression());
    assertEquals(false, defaults.busyWhenStalled());
  }

  @Test
  void badValuesAreRefusedInTheSpisWords() {
    InvalidArgumentException small =
        assertThrows(InvalidArgumentException.class, () -> read(Map.of("write-buffer.size", "1k")));
    assertEquals(
        "setting 'write-buffer.size' must be size in [64k, 16g], got '1k'", small.getMessage());
    InvalidArgumentException bloom =
        assertThrows(
            InvalidArgumentException.class, () -> read(Map.of("bloom.bits-per-key", "65")));
    assertEquals(
        "setting 'bloom.bits-per-key' must be integer in [0, 64], got '65'", bloom.getMessage());
    InvalidArgumentException gzip =
        assertThrows(InvalidArgumentException.class, () -> read(Map.of("compression", "gzip")));
    assertEquals(
        "setting 'compression' must be one of none, snappy, lz4, zstd, got 'gzip'",
        gzip.getMessage());
  }

  @Test
  void theDeprecatedAliasStillSetsTheCacheAndMustAgreeWithCacheSize() {
    assertEquals(16L << 20, read(Map.of("block-cache.size", "16m")).blockCacheBytes());
    assertEquals(
        16L << 20,
        read(Map.of("block-cache.size", "16m", "cache.size", "16777216")).blockCacheBytes(),
        "the same size, spelt differently, is no conflict");
    InvalidArgumentException both =
        assertThrows(
            InvalidArgumentException.class,
            () -> read(Map.of("block-cache.size", "16m", "cache.size", "8m")));
    assertEquals(
        "settings 'cache.size' (8m) and its deprecated alias 'block-cache.size' (16m) disagree;"
            + " give only 'cache.size'",
        both.getMessage());
  }

  @Test
  void statisticsReportTheCacheCapacity() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("a"), Map.of("cache.size", "3m"))) {
      e.put(b("k"), b("v"));
      assertEquals(3L << 20, e.statistics().details().get(EngineStatistics.CACHE_CAPACITY_BYTES));
    }
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("b"), Map.of("block-cache.size", "5m"))) {
      assertEquals(5L << 20, e.statistics().details().get(EngineStatistics.CACHE_CAPACITY_BYTES));
    }
  }
}
