/**
 * The {@code cairn} command: lists engines, reads, writes and checks stores, and certifies and
 * benchmarks engines from a shell.
 *
 * <p>The only module allowed to print and to exit the JVM. It links against the runtime and never
 * against an engine: engines are found through {@link java.util.ServiceLoader} by the runtime.
 */
module dev.cairn.cli {
  requires dev.cairn.runtime;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires dev.cairn.conformance; // cairn certify
  requires dev.cairn.bench; // cairn bench
  requires java.logging; // cairn certify quiets engine logs unless --verbose

  // picocli reads the annotated command classes reflectively.
  opens dev.cairn.cli to
      info.picocli;
}
