/**
 * A storage engine written outside the Cairn repository, as a third party would write one: it
 * depends on the SPI alone, exports nothing and provides its engines. {@code
 * ThirdPartyCertificationTest} compiles it into a jar and certifies it through {@code cairn certify
 * --module-path}.
 */
module com.example.treemap {
  requires dev.cairn.spi;

  provides dev.cairn.spi.StorageEngineProvider with
      com.example.treemap.TreeMapProvider,
      com.example.treemap.LossyTreeMapProvider;
}
