/**
 * The conformance suite: the tests any engine runs on itself, the model-based harness, and the
 * certification launcher.
 */
module dev.cairn.conformance {
  requires transitive dev.cairn.spi;
  requires transitive org.junit.jupiter.api;
  requires dev.cairn.runtime;
  requires java.logging;
  requires java.management;
  requires org.junit.jupiter.params;
  requires org.junit.platform.launcher;

  exports dev.cairn.conformance;
  exports dev.cairn.conformance.model;
  exports dev.cairn.conformance.linearizability;
  exports dev.cairn.conformance.certify;
  exports dev.cairn.conformance.fs;
  exports dev.cairn.conformance.crash;

  // JUnit instantiates the nested groups and injects their temporary directories reflectively.
  opens dev.cairn.conformance to
      org.junit.platform.commons;
  opens dev.cairn.conformance.certify to
      org.junit.platform.commons;
  opens dev.cairn.conformance.crash to
      org.junit.platform.commons;

  uses dev.cairn.spi.StorageEngineProvider;
}
