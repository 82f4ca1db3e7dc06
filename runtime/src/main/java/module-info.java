/** How users open a store: discovery, SPI-version negotiation, and the boundary. */
module dev.cairn.runtime {
  requires transitive dev.cairn.spi;
  requires transitive micrometer.core; // MeterRegistry appears in StoreBuilder

  exports dev.cairn.runtime;

  uses dev.cairn.spi.StorageEngineProvider;
}
