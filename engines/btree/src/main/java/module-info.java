/**
 * The B+tree engine: a durable copy-on-write B+tree for read-heavy and ordered workloads. Exports
 * nothing; provides the engine as {@code "btree"}.
 */
module dev.cairn.engine.btree {
  requires dev.cairn.spi;
  requires dev.cairn.engine.toolkit;

  provides dev.cairn.spi.StorageEngineProvider with
      dev.cairn.engine.btree.BtreeEngineProvider;
}
