/**
 * The LSM engine: a durable log-structured merge tree for write-heavy and ordered workloads.
 * Exports nothing; provides the engine as {@code "lsm"}. Data blocks are compressed with lz4-java
 * (an automatic module) or zstd-jni, whose native library JDK 25 loads without a warning only with
 * {@code --enable-native-access=com.github.luben.zstd_jni}.
 */
module dev.cairn.engine.lsm {
  requires dev.cairn.spi;
  requires dev.cairn.engine.toolkit;
  requires com.google.common;
  requires org.lz4.java; // LZ4 (pure Java: no native access needed)
  requires com.github.luben.zstd_jni; // Zstandard (JNI: --enable-native-access for no warning)

  provides dev.cairn.spi.StorageEngineProvider with
      dev.cairn.engine.lsm.LsmEngineProvider;
}
