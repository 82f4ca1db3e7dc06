/** The in-memory engine. Exports nothing; provides an engine. */
module dev.cairn.engine.memory {
  requires dev.cairn.spi;
  requires dev.cairn.engine.toolkit;
}
