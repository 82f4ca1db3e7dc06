/** How users open a store: discovery, SPI-version negotiation, and the boundary. */
module dev.cairn.runtime {
  requires transitive dev.cairn.spi;
  requires transitive micrometer.core; // MeterRegistry appears in StoreBuilder
  // Optional: spans per operation when the application has the OpenTelemetry API (Tracing).
  requires static io.opentelemetry.api;
  requires static io.opentelemetry.context;
  requires jdk.jfr; // EngineWorkEvent: engine work as Flight Recorder events
  requires dev.cairn.engine.toolkit; // SyncedFiles: one atomic replace for the repository (0014)

  exports dev.cairn.runtime;
  exports dev.cairn.runtime.database; // named keyspaces on chosen engines (docs/database.md)
  exports dev.cairn.runtime.transfer; // export and import streams (docs/formats/export-stream.md)
  exports dev.cairn.runtime.shadow; // a candidate engine shadowing a store (docs/shadow.md)
  exports dev.cairn.runtime.migrate; // migration between engines (docs/migration.md)

  uses dev.cairn.spi.StorageEngineProvider;
}
