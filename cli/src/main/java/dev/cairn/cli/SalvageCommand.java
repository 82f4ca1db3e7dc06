package dev.cairn.cli;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn salvage}: copies every record of a damaged store that still verifies into a new
 * store, and reports exactly what was lost (LevelDB's {@code RepairDB}, SQLite's {@code .recover},
 * bbolt's {@code surgery}). The damaged store is opened read-only and never changed.
 *
 * <p>An engine that offers a salvage mode (the engine setting {@value #SALVAGE_SETTING} with value
 * {@code salvage}, as the hash engine does) is opened in it: it reads past damage and lists the
 * byte ranges it could not read in its consistency report. Any other engine is opened read-only as
 * it is, and copied through its cursor; a value that cannot be read is reported by key.
 */
@Command(
    name = "salvage",
    description = {
      "Copies every record of a damaged store that still verifies into a new store, and reports"
          + " what was lost. The damaged store is only read.",
      "Exit code 0 when nothing was lost, 1 when something was (listed on stdout), 3 when the"
          + " store could not be read at all."
    })
final class SalvageCommand implements Callable<Integer> {

  /** The engine setting that selects a salvage mode, where an engine has one. */
  static final String SALVAGE_SETTING = "recovery";

  private static final int BATCH = 1000;
  private static final int PROGRESS_EVERY = 100_000;

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = {"-d", "--dir"},
      required = true,
      paramLabel = "DIR",
      description = "The damaged store's directory.")
  Path dir;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "NEW_DIR",
      description = "Where the new store is created; must not exist, or be an empty directory.")
  Path to;

  @Option(
      names = {"-e", "--engine"},
      paramLabel = "NAME",
      description = "The new store's engine. Default: the damaged store's engine.")
  String engine;

  @Option(
      names = {"-s", "--setting"},
      paramLabel = "NAME=VALUE",
      description = "A setting of the new store's engine; repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() {
    EngineRegistry registry = root.registry();
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(spec.commandLine(), "no store at " + dir + ": not a directory");
    }
    if (!isEmptyOrMissing(to)) {
      throw new ParameterException(
          spec.commandLine(), "--to " + to + " must not exist, or be an empty directory");
    }
    String source =
        registry
            .recordedEngine(dir)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "no store at " + dir + ": it has no store marker naming its engine"));
    String target = engine != null ? engine : source;
    EngineInfo targetInfo = registry.info(target);
    if (!targetInfo.capabilities().contains(Capability.DURABLE)) {
      throw new ParameterException(
          spec.commandLine(), "engine '" + target + "' is not durable: nothing would be kept");
    }
    boolean salvageMode = hasSalvageMode(registry.info(source));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> lostKeys = new ArrayList<>();
    long copied = 0;
    ConsistencyReport report;
    try (StorageEngine from = openSource(registry, salvageMode);
        StorageEngine into =
            registry.store(to).engine(target).createIfMissing(true).settings(settings).open()) {
      err.println(
          "cairn salvage: reading "
              + dir
              + " ("
              + source
              + (salvageMode ? ", in its salvage mode" : ", read-only")
              + ") into "
              + to
              + " ("
              + target
              + ")");
      err.flush();
      WriteBatch batch = new WriteBatch();
      try (Cursor c = from.cursor()) {
        while (c.next()) {
          byte[] key = c.key();
          byte[] value;
          try {
            value = c.value();
          } catch (CorruptionException e) {
            lostKeys.add(java.util.HexFormat.of().formatHex(key) + ": " + e.getMessage());
            continue;
          }
          batch.put(key, value);
          copied++;
          if (batch.size() >= BATCH) {
            into.write(batch, Durability.BUFFERED);
            batch = new WriteBatch();
          }
          if (copied % PROGRESS_EVERY == 0) {
            err.println("cairn salvage: " + copied + " records copied");
            err.flush();
          }
        }
      }
      into.write(batch, Durability.BUFFERED);
      into.flush();
      report = from.checkConsistency();
    }
    List<String> lost = new ArrayList<>();
    for (String p : report.problems()) {
      lost.add(p.startsWith("salvage: ") ? p.substring("salvage: ".length()) : p);
    }
    lostKeys.forEach(k -> lost.add("value of key " + k));
    out.println("copied " + copied + " records into " + to);
    lost.forEach(l -> out.println("lost: " + l));
    out.flush();
    if (lost.isEmpty()) {
      err.println("cairn salvage: nothing was lost");
      err.flush();
      return ExitCodes.OK;
    }
    err.println(
        "cairn salvage: "
            + lost.size()
            + (lost.size() == 1 ? " loss" : " losses")
            + " (listed above); a key whose newest version was lost may hold an older one in "
            + to);
    err.flush();
    return ExitCodes.NOT_FOUND;
  }

  private StorageEngine openSource(EngineRegistry registry, boolean salvageMode) {
    var builder = registry.store(dir).readOnly(true).createIfMissing(false);
    if (salvageMode) {
      builder.setting(SALVAGE_SETTING, "salvage");
    }
    return builder.open();
  }

  /** Whether the engine lists the salvage setting. */
  static boolean hasSalvageMode(EngineInfo info) {
    for (EngineSetting s : info.settings()) {
      if (s.name().equals(SALVAGE_SETTING) && s.description().contains("salvage")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isEmptyOrMissing(Path p) {
    if (!Files.exists(p)) {
      return true;
    }
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }
}
