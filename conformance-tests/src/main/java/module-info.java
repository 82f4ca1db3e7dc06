/** The conformance suite. */
module dev.cairn.conformance {
  requires transitive dev.cairn.spi;
  requires transitive org.junit.jupiter.api;
  requires dev.cairn.runtime;
  requires org.junit.platform.launcher;

  exports dev.cairn.conformance;
  exports dev.cairn.conformance.fs;
  exports dev.cairn.conformance.crash;
}
