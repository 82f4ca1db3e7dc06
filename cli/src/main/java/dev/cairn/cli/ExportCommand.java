package dev.cairn.cli;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.transfer.StoreExport;
import dev.cairn.runtime.transfer.TransferSummary;
import dev.cairn.spi.StorageEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn export}: writes a store's entries, from one snapshot, as an engine-neutral export
 * stream ({@code docs/formats/export-stream.md}) that {@code cairn import} reads into a store of
 * any engine.
 */
@Command(
    name = "export",
    description = {
      "Writes a store's entries, every keyspace or those named, read from one snapshot, to FILE as"
          + " an export stream (docs/formats/export-stream.md) that 'cairn import' reads into a"
          + " store of any engine. The store is opened read-only.",
      "Records come in key order from an engine with ORDERED_SCANS, in the engine's own order"
          + " otherwise. Prints a progress bar on stderr and a summary (entries, bytes, time,"
          + " digests) on stdout."
    })
final class ExportCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Mixin WaitOption wait;

  @Parameters(index = "0", paramLabel = "DIR", description = "The store's directory.")
  Path dir;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description =
          "Where to write the stream; must not exist. Written as FILE.partial, renamed to FILE"
              + " once complete.")
  Path out;

  @Option(
      names = {"-k", "--keyspace"},
      paramLabel = "NAME",
      description = "Export only this keyspace; repeatable. Default: every keyspace.")
  List<String> keyspaces;

  @Option(
      names = {"-s", "--setting"},
      paramLabel = "NAME=VALUE",
      description = "A setting of the store's engine, to open it with; repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    EngineRegistry registry = root.registry();
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(
          spec.commandLine(),
          "no store at "
              + dir
              + ": "
              + (Files.exists(dir)
                  ? "it is a file, not a directory"
                  : "the directory does not exist"));
    }
    String engine =
        registry
            .recordedEngine(dir)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "no store at " + dir + ": it has no store marker naming its engine"));
    if (Files.exists(out)) {
      throw new ParameterException(
          spec.commandLine(), "--out " + out + " exists; an export never overwrites a file");
    }
    EngineInfo info = registry.info(engine);
    long start = System.nanoTime();
    TransferSummary summary;
    try (StorageEngine store =
            wait.open(
                () ->
                    registry
                        .store(dir)
                        .readOnly(true)
                        .createIfMissing(false)
                        .settings(settings)
                        .open());
        TransferOutput progress =
            new TransferOutput(spec.commandLine().getErr(), !noProgress, "exporting")) {
      StoreExport export = StoreExport.of(store, info).progress(progress);
      if (keyspaces != null) {
        export.keyspaces(keyspaces);
      }
      summary = export.to(out);
    }
    TransferOutput.summary(
        spec.commandLine().getOut(),
        "exported " + dir + " to " + out,
        summary,
        System.nanoTime() - start);
    return ExitCodes.OK;
  }
}
