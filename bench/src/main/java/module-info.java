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
  requires org.jfree.jfreechart;
  requires com.h2database;
  requires lmdbjava;

  exports dev.cairn.bench;
  exports dev.cairn.bench.cli;

  opens dev.cairn.bench.cli to
      info.picocli;

  uses dev.cairn.spi.StorageEngineProvider;
}
