/**
 * Cairn's benchmarks: workload generator and runner, peers, charts, and the {@code cairn bench}
 * command. Exports the runner API and the command; runs the engines it finds with {@link
 * java.util.ServiceLoader}.
 */
module dev.cairn.bench {
  requires transitive dev.cairn.spi;
  requires HdrHistogram;
  requires info.picocli;
  requires java.desktop;
  requires java.management;
  requires com.h2database;
  requires lmdbjava;
  requires chronicle.map;
  // Chronicle Map's libraries are automatic modules and cannot declare what they use of the JDK:
  // sun.misc (signals, Unsafe) and the compiler (it compiles classes at run time).
  requires jdk.unsupported;
  requires jdk.compiler;

  exports dev.cairn.bench;
  exports dev.cairn.bench.cli;
  exports dev.cairn.bench.trace; // operation traces, read for cairn recommend

  opens dev.cairn.bench.cli to
      info.picocli;

  uses dev.cairn.spi.StorageEngineProvider;
}
