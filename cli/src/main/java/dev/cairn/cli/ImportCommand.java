package dev.cairn.cli;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.transfer.StoreImport;
import dev.cairn.runtime.transfer.TransferSummary;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * {@code cairn import}: reads an export stream into a new store of any durable engine, verifying
 * every chunk, every keyspace's and the stream's digests, and the new store's entries against them.
 * The store is built beside its directory and renamed into place only once verified ({@link
 * StoreImport#intoNewStore}).
 */
@Command(
    name = "import",
    description = {
      "Reads an export stream (written by 'cairn export') into a new store of ENGINE at DIR,"
          + " verifying each chunk's checksum, each keyspace's and the stream's counts and digests,"
          + " and, once written, the new store's entries against them.",
      "DIR must not exist, or be an empty directory. The store is built in DIR.importing and"
          + " renamed to DIR once verified: a damaged or cut stream (exit 3, naming the frame and"
          + " byte offset) leaves DIR as it was and the partial store in DIR.importing, to remove"
          + " before trying again."
    })
final class ImportCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The export stream.")
  Path file;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "ENGINE:DIR",
      description =
          "The engine of the new store (see 'cairn engines'; a durable one) and its directory,"
              + " such as lsm:/data/store.")
  String to;

  @Option(
      names = {"-s", "--setting"},
      paramLabel = "NAME=VALUE",
      description = "A setting of the new store's engine; repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--sync",
      description =
          "Write every batch SYNC. Default: BUFFERED, with one flush at the end (the store is"
              + " durable when the command succeeds either way).")
  boolean sync;

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    EngineRegistry registry = root.registry();
    int colon = to.indexOf(':');
    if (colon < 1 || colon == to.length() - 1) {
      throw new ParameterException(
          spec.commandLine(), "--to must be ENGINE:DIR, such as lsm:/data/store, got '" + to + "'");
    }
    String engine = to.substring(0, colon);
    Path dir = Path.of(to.substring(colon + 1));
    if (!StorageEngineProvider.NAME.matcher(engine).matches()) {
      throw new ParameterException(
          spec.commandLine(),
          "--to '" + to + "': '" + engine + "' is not an engine name (see 'cairn engines')");
    }
    EngineInfo info = registry.info(engine); // an unknown engine: exit 2, listing the known ones
    if (!info.has(Capability.DURABLE)) {
      throw new ParameterException(
          spec.commandLine(),
          "engine '"
              + engine
              + "' is not durable: a store in "
              + dir
              + " would not outlive this command; choose a durable engine (see 'cairn engines')");
    }
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(
          spec.commandLine(),
          "no export stream at "
              + file
              + ": "
              + (Files.exists(file) ? "not a file" : "no such file"));
    }
    if (Files.exists(dir) && !isEmptyDirectory(dir)) {
      throw new ParameterException(
          spec.commandLine(),
          "cannot import into "
              + dir
              + ": it exists and is not an empty directory; import into a new store");
    }
    Path staging = dir.toAbsolutePath().resolveSibling(dir.getFileName() + ".importing");
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    TransferSummary summary;
    try (TransferOutput progress = new TransferOutput(err, !noProgress, "importing")) {
      summary =
          StoreImport.from(file)
              .durability(sync ? Durability.SYNC : Durability.BUFFERED)
              .progress(progress)
              .intoNewStore(
                  dir,
                  p ->
                      registry
                          .store(p)
                          .engine(engine)
                          .createIfMissing(true)
                          .settings(settings)
                          .open());
    } catch (StorageException e) {
      if (Files.exists(staging) && !Files.exists(dir)) {
        err.println(
            "cairn import: nothing was created at "
                + dir
                + "; what was imported before the failure is in "
                + staging
                + ", kept for inspection: remove it before importing again");
        err.flush();
      }
      throw e;
    }
    TransferOutput.summary(
        spec.commandLine().getOut(),
        "imported " + file + " into " + dir + " (" + engine + ")",
        summary,
        System.nanoTime() - start);
    return ExitCodes.OK;
  }

  private static boolean isEmptyDirectory(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
