package dev.cairn.engine.rocksdb;

import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import java.util.List;
import java.util.Locale;
import org.rocksdb.CompressionType;

/**
 * The engine settings the RocksDB engine accepts, parsed and range-checked.
 *
 * @param blockCacheBytes capacity of the LRU block cache for uncompressed data blocks
 * @param writeBufferBytes size of one memtable before it is flushed to a table file
 * @param bloomBitsPerKey bits per key of each table's bloom filter (0 turns filters off)
 * @param compression how data blocks are compressed
 */
record RocksDbSettings(
    long blockCacheBytes, long writeBufferBytes, int bloomBitsPerKey, CompressionType compression) {

  static final EngineSetting BLOCK_CACHE_SIZE =
      new EngineSetting(
          "block-cache.size",
          "capacity of the LRU cache of data blocks, bytes (suffixes k, m, g)",
          "32m");
  static final EngineSetting WRITE_BUFFER_SIZE =
      new EngineSetting(
          "write-buffer.size",
          "memtable size before a flush to a table file, bytes (suffixes k, m, g)",
          "64m");
  static final EngineSetting BLOOM_BITS =
      new EngineSetting(
          "bloom.bits-per-key", "bloom filter bits per key in each table file; 0 for none", "10");
  static final EngineSetting COMPRESSION =
      new EngineSetting("compression", "data block compression: none, snappy, lz4 or zstd", "lz4");

  static final List<EngineSetting> ALL =
      List.of(BLOCK_CACHE_SIZE, WRITE_BUFFER_SIZE, BLOOM_BITS, COMPRESSION);

  /**
   * Reads the settings from {@code options}.
   *
   * @throws InvalidArgumentException for an unknown setting or a bad value, naming it
   */
  static RocksDbSettings from(EngineOptions options) {
    options.requireKnownSettings(RocksDbProvider.NAME, ALL);
    long cache = options.longSetting(BLOCK_CACHE_SIZE, 0, 1L << 40);
    long buffer = options.longSetting(WRITE_BUFFER_SIZE, 64L * 1024, 1L << 34);
    int bloom = (int) options.longSetting(BLOOM_BITS, 0, 64);
    String c = options.setting(COMPRESSION).trim().toLowerCase(Locale.ROOT);
    CompressionType type =
        switch (c) {
          case "none" -> CompressionType.NO_COMPRESSION;
          case "snappy" -> CompressionType.SNAPPY_COMPRESSION;
          case "lz4" -> CompressionType.LZ4_COMPRESSION;
          case "zstd" -> CompressionType.ZSTD_COMPRESSION;
          default ->
              throw new InvalidArgumentException(
                  "setting 'compression' must be none, snappy, lz4 or zstd, got '"
                      + options.setting(COMPRESSION)
                      + "'");
        };
    return new RocksDbSettings(cache, buffer, bloom, type);
  }
}
