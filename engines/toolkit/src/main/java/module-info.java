/**
 * Parts engine authors may reuse. Depends on the SPI only. The runtime uses it too, for the one
 * atomic replace of the repository ({@code SyncedFiles}, decision 0014).
 */
module dev.cairn.engine.toolkit {
  requires transitive dev.cairn.spi;

  exports dev.cairn.engine.toolkit;
}
