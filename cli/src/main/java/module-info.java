/** The cairn command. */
module dev.cairn.cli {
  requires dev.cairn.runtime;
  requires dev.cairn.conformance;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;

  opens dev.cairn.cli to
      info.picocli;

  uses dev.cairn.spi.StorageEngineProvider;
}
