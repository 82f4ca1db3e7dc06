/** Parts engine authors may reuse. Depends on the SPI only. */
module dev.cairn.engine.toolkit {
  requires transitive dev.cairn.spi;

  exports dev.cairn.engine.toolkit;
}
