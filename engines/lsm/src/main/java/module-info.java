/**
 * The LSM engine: a durable log-structured merge tree for write-heavy and ordered workloads.
 * Exports nothing; provides the engine as {@code "lsm"}.
 */
module dev.cairn.engine.lsm {
  requires dev.cairn.spi;
  requires dev.cairn.engine.toolkit;
  requires com.google.common;

  provides dev.cairn.spi.StorageEngineProvider with
      dev.cairn.engine.lsm.LsmEngineProvider;
}
