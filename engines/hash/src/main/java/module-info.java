/**
 * The hash engine: a durable log-structured hash store for point operations (Bitcask lineage) with
 * an off-heap index. Exports nothing; provides the engine as {@code "hash"}.
 */
module dev.cairn.engine.hash {
  requires dev.cairn.spi;
  requires dev.cairn.engine.toolkit;

  provides dev.cairn.spi.StorageEngineProvider with
      dev.cairn.engine.hash.HashEngineProvider;
}
