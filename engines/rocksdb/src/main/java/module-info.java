/**
 * The RocksDB engine: an adapter over RocksDB's Java binding. Exports nothing; provides an engine.
 *
 * <p>RocksDB does its own native file I/O, so this engine works only on the default file system.
 * Its JNI library loads from the automatic module {@code rocksdbjni}: launch with {@code
 * --enable-native-access=rocksdbjni}.
 */
module dev.cairn.engine.rocksdb {
  requires dev.cairn.spi;
  requires rocksdbjni;

  provides dev.cairn.spi.StorageEngineProvider with
      dev.cairn.engine.rocksdb.RocksDbProvider;
}
