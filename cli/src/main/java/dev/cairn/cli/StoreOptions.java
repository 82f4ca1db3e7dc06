package dev.cairn.cli;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.StoreBuilder;
import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which store a data command opens: {@code --dir}, {@code --engine}, {@code --setting}. A picocli
 * mixin; one instance per command invocation.
 */
final class StoreOptions {

  /** What the command will do with the store, which decides how it is opened. */
  enum Access {
    /** Read only; the store must exist. */
    READ,
    /** Read and write; the store must exist. */
    WRITE,
    /** Read and write; a missing store is created (then {@code --engine} is needed). */
    CREATE
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = {"-d", "--dir"},
      paramLabel = "DIR",
      description = "The store's directory (or --db).")
  Path dir;

  @Option(
      names = "--db",
      paramLabel = "DIR",
      description =
          "A database's directory (see 'cairn db'), instead of --dir: the command works on the"
              + " database keyspace that --keyspace names.")
  Path db;

  @Option(
      names = {"-e", "--engine"},
      paramLabel = "NAME",
      description =
          "The engine (see 'cairn engines'). Default: the engine recorded in the store's"
              + " directory; needed to create a store.")
  String engine;

  @Option(
      names = {"-s", "--setting"},
      paramLabel = "NAME=VALUE",
      description = "An engine setting; repeatable. 'cairn engines' lists each engine's settings.")
  Map<String, String> settings = new LinkedHashMap<>();

  /**
   * Opens the store for {@code access}. The caller closes it.
   *
   * @throws ParameterException if the directory is missing (unless creating), is a file, or would
   *     be created under a file, or if the named engine is not durable, so nothing would be found
   *     in or kept in the directory
   * @throws dev.cairn.spi.EngineNotFoundException if {@code --engine} names no installed engine
   * @throws dev.cairn.spi.StorageException if the runtime or the engine cannot open the store
   */
  StorageEngine open(EngineRegistry registry, Access access) {
    if ((dir == null) == (db == null)) {
      throw new ParameterException(
          command.commandLine(),
          "name the store with --dir DIR, or a database with --db DIR (and --keyspace NAME)");
    }
    if (db != null) {
      if (engine != null || !settings.isEmpty()) {
        throw new ParameterException(
            command.commandLine(),
            "--engine and --setting do not apply to a database: its catalog names each"
                + " keyspace's engine and settings ('cairn db keyspaces')");
      }
      if (!Files.isDirectory(db)) {
        throw new ParameterException(
            command.commandLine(), "no database at " + db + ": the directory does not exist");
      }
      dir = db; // NB: messages name the database's directory
      return DatabaseTarget.open(registry, db, access == Access.READ);
    }
    checkDirectory(access);
    StoreBuilder builder =
        registry
            .store(dir)
            .createIfMissing(access == Access.CREATE)
            .readOnly(access == Access.READ)
            .settings(settings);
    if (engine != null) {
      EngineInfo info = registry.info(engine);
      if (!info.capabilities().contains(Capability.DURABLE)) {
        throw new ParameterException(
            command.commandLine(),
            "engine '"
                + engine
                + "' is not durable: a store in "
                + dir
                + " would not outlive this command; choose a durable engine (see 'cairn engines')");
      }
      builder.engine(engine);
    }
    return builder.open();
  }

  /**
   * Refuses, as a usage error in plain words, a {@code --dir} that cannot hold the store: missing
   * when the store must exist, or a file (itself, or the first existing path above a store to be
   * created).
   */
  private void checkDirectory(Access access) {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (Files.exists(dir)) {
      throw new ParameterException(
          command.commandLine(),
          (access == Access.CREATE ? "cannot create a store at " : "no store at ")
              + dir
              + ": "
              + dir
              + " is a file, not a directory");
    }
    if (access != Access.CREATE) {
      throw new ParameterException(
          command.commandLine(), "no store at " + dir + ": the directory does not exist");
    }
    Path existing = dir.getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new ParameterException(
          command.commandLine(),
          "cannot create a store at " + dir + ": " + existing + " is a file, not a directory");
    }
  }
}
