package dev.cairn.engine.rocksdb;

import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import java.util.List;
import org.rocksdb.CompressionType;

/**
 * The engine settings the RocksDB engine accepts, typed with the SPI's factories, so the SPI parses
 * and range-checks them with its one error format.
 *
 * @param blockCacheBytes capacity of the LRU block cache for uncompressed data blocks
 * @param writeBufferBytes size of one memtable before it is flushed to a table file
 * @param bloomBitsPerKey bits per key of each table's bloom filter (0 turns filters off)
 * @param compression how data blocks are compressed
 * @param busyWhenStalled whether a write RocksDB would stall throws {@link
 *     dev.cairn.spi.BusyException} at once instead of waiting
 */
record RocksDbSettings(
    long blockCacheBytes,
    long writeBufferBytes,
    int bloomBitsPerKey,
    CompressionType compression,
    boolean busyWhenStalled) {

  private static final long MAX_CACHE = 1L << 40;

  /** The standard cache setting: here, the block cache's capacity. */
  static final EngineSetting CACHE_SIZE =
      EngineSetting.size(
          EngineSetting.CACHE_SIZE,
          "capacity of the LRU cache of uncompressed data blocks, shared by every keyspace",
          "32m",
          0,
          MAX_CACHE);

  /** The name {@link #CACHE_SIZE} had before SPI 1.1; accepted, and must agree with it. */
  static final EngineSetting BLOCK_CACHE_SIZE =
      EngineSetting.size(
          "block-cache.size",
          "deprecated alias of cache.size (give one of them; both only with the same value)",
          "32m",
          0,
          MAX_CACHE);

  static final EngineSetting WRITE_BUFFER_SIZE =
      EngineSetting.size(
          "write-buffer.size",
          "memtable size before a flush to a table file; each keyspace has its own memtables",
          "64m",
          64L * 1024,
          1L << 34);

  static final EngineSetting BLOOM_BITS =
      EngineSetting.integer(
          "bloom.bits-per-key",
          "bloom filter bits per key in each table file; 0 for none",
          "10",
          0,
          64);

  static final EngineSetting COMPRESSION =
      EngineSetting.choice(
          "compression", "data block compression", "lz4", List.of("none", "snappy", "lz4", "zstd"));

  static final EngineSetting WRITE_STALL =
      EngineSetting.choice(
          "write-stall",
          "what a write does while RocksDB stalls writes (too many level-0 files or memtables,"
              + " too much pending compaction): wait until it may go on, or throw BusyException"
              + " at once, having written nothing",
          "wait",
          List.of("wait", "busy"));

  static final List<EngineSetting> ALL =
      List.of(
          CACHE_SIZE, BLOCK_CACHE_SIZE, WRITE_BUFFER_SIZE, BLOOM_BITS, COMPRESSION, WRITE_STALL);

  /**
   * Reads the settings from {@code options}.
   *
   * @throws InvalidArgumentException for an unknown setting or a bad value, naming it, and when
   *     {@code cache.size} and its alias {@code block-cache.size} are both given with different
   *     values
   */
  static RocksDbSettings from(EngineOptions options) {
    options.requireKnownSettings(RocksDbProvider.NAME, ALL);
    long cache = cacheBytes(options);
    long buffer = options.size(WRITE_BUFFER_SIZE);
    int bloom = Math.toIntExact(options.integer(BLOOM_BITS));
    CompressionType type =
        switch (options.choice(COMPRESSION)) {
          case "none" -> CompressionType.NO_COMPRESSION;
          case "snappy" -> CompressionType.SNAPPY_COMPRESSION;
          case "lz4" -> CompressionType.LZ4_COMPRESSION;
          case "zstd" -> CompressionType.ZSTD_COMPRESSION;
          default -> throw new AssertionError("a choice the setting does not list");
        };
    boolean busy = options.choice(WRITE_STALL).equals("busy");
    return new RocksDbSettings(cache, buffer, bloom, type, busy);
  }

  private static long cacheBytes(EngineOptions options) {
    boolean standard = options.settings().containsKey(CACHE_SIZE.name());
    boolean alias = options.settings().containsKey(BLOCK_CACHE_SIZE.name());
    if (standard && alias && options.size(CACHE_SIZE) != options.size(BLOCK_CACHE_SIZE)) {
      throw new InvalidArgumentException(
          "settings 'cache.size' ("
              + options.settings().get(CACHE_SIZE.name())
              + ") and its deprecated alias 'block-cache.size' ("
              + options.settings().get(BLOCK_CACHE_SIZE.name())
              + ") disagree; give only 'cache.size'");
    }
    return options.size(alias && !standard ? BLOCK_CACHE_SIZE : CACHE_SIZE);
  }
}
