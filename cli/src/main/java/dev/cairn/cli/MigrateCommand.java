package dev.cairn.cli;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.migrate.KeyspaceMigration;
import dev.cairn.runtime.migrate.MigrationSummary;
import dev.cairn.runtime.migrate.OfflineMigration;
import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn migrate}: an offline migration of a store into a new store of another engine,
 * resumable and verified range by range ({@link OfflineMigration#intoNewStore}); or, with {@code
 * --db}, the online migration of a database keyspace to a new store of the database ({@link
 * KeyspaceMigration}).
 */
@Command(
    name = "migrate",
    description = {
      "Copies the store at --from (nobody may write it meanwhile) into a new store of ENGINE at"
          + " DIR, in batches from one snapshot, and verifies both sides range by range.",
      "The new store is built in DIR.migrating, whose progress file records the resume point:"
          + " after a crash or Ctrl-C, the same command continues where it stopped. DIR appears"
          + " only once the verification passed; a mismatch (exit 3) names the ranges that"
          + " differ.",
      "With --db DIR --keyspace NAME --to ENGINE --online, moves a keyspace of a database to a"
          + " new store of ENGINE in the database, online (its writes captured and replayed, the"
          + " catalog's cut-over at the end); a stopped one continues when run again."
    })
final class MigrateCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "DIR",
      description = "The store to migrate (its engine is read from its store marker).")
  Path from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "ENGINE:DIR",
      description =
          "The engine of the new store (see 'cairn engines'; a durable one) and its directory,"
              + " such as lsm:/data/store; with --db, the engine alone.")
  String to;

  @Option(
      names = "--db",
      paramLabel = "DIR",
      description = "A database whose keyspace --keyspace to migrate, instead of --from.")
  Path db;

  @Option(
      names = {"-k", "--keyspace"},
      paramLabel = "NAME",
      description = "With --db: the keyspace to migrate.")
  String keyspace;

  @Option(
      names = "--online",
      description =
          "With --db: migrate online, the keyspace's writes captured and replayed and the"
              + " catalog's cut-over at the end (the only way a keyspace is migrated).")
  boolean online;

  @Option(
      names = {"-s", "--setting"},
      paramLabel = "NAME=VALUE",
      description = "A setting of the new store's engine; repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--no-progress", description = "Draw no progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    EngineRegistry registry = root.registry();
    if (db != null || keyspace != null) {
      return migrateKeyspace(registry);
    }
    if (online) {
      throw new ParameterException(
          spec.commandLine(),
          "--online migrates a database keyspace (--db DIR --keyspace NAME); a store's online"
              + " migration, with an application writing, is the library's OnlineMigration"
              + " (docs/migration.md)");
    }
    if (from == null) {
      throw new ParameterException(
          spec.commandLine(), "needs --from DIR (a store), or --db DIR --keyspace NAME");
    }
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
    if (!Files.isDirectory(from) || registry.recordedEngine(from).isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "no store at "
              + from
              + (Files.isDirectory(from)
                  ? ": it has no store marker naming its engine"
                  : ": the directory does not exist"));
    }
    Path staging = dir.toAbsolutePath().resolveSibling(dir.getFileName() + ".migrating");
    boolean resuming = Files.exists(staging.resolve(OfflineMigration.PROGRESS_FILE));
    PrintWriter err = spec.commandLine().getErr();
    if (resuming) {
      err.println("cairn migrate: continuing the migration recorded in " + staging);
      err.flush();
    }
    MigrationSummary s;
    try (TransferOutput progress = new TransferOutput(err, !noProgress, "migrating")) {
      s =
          OfflineMigration.intoNewStore(
              registry,
              from,
              engine,
              dir,
              settings,
              p ->
                  progress.accept(
                      p.phase().name().toLowerCase(Locale.ROOT).replace('_', ' '), p.transfer()));
    } catch (StorageException e) {
      if (Files.exists(staging)) {
        err.println(
            "cairn migrate: "
                + dir
                + " was not created; the migration so far is in "
                + staging
                + ": run the same command to continue it, or remove it to start again");
        err.flush();
      }
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "migrated "
            + from
            + " ("
            + s.sourceEngine()
            + ") to "
            + dir
            + " ("
            + s.targetEngine()
            + "): "
            + TransferOutput.count(s.entries(), "entry", "entries")
            + " in "
            + TransferOutput.count(s.keyspaces().size(), "keyspace", "keyspaces")
            + ", "
            + copied(s));
    out.println(verified(s));
    out.flush();
    return ExitCodes.OK;
  }

  /** The summary's line on the verification. */
  private static String verified(MigrationSummary s) {
    return "verified: "
        + TransferOutput.count(
            s.ranges(),
            s.orderedRanges() ? "key range" : "hash bucket",
            s.orderedRanges() ? "key ranges" : "hash buckets")
        + " equal on both sides";
  }

  /** The summary's common ending: what was copied, how long it took, whether it resumed. */
  private static String copied(MigrationSummary s) {
    return TransferOutput.bytes(s.copiedBytes())
        + " of keys and values, in "
        + String.format(Locale.ROOT, "%.1f s", s.nanos() / 1e9)
        + (s.resumed() ? " (resumed)" : "");
  }

  /** {@code --db DIR --keyspace NAME --to ENGINE}: a keyspace's online migration. */
  private int migrateKeyspace(EngineRegistry registry) {
    if (db == null || keyspace == null || from != null) {
      throw new ParameterException(
          spec.commandLine(),
          "a keyspace's migration needs --db DIR and --keyspace NAME, and no --from");
    }
    if (!StorageEngineProvider.NAME.matcher(to).matches()) {
      throw new ParameterException(
          spec.commandLine(),
          "with --db, --to names the engine alone (such as --to lsm): the new store is a"
              + " directory of the database; got '"
              + to
              + "'");
    }
    EngineInfo info = registry.info(to); // an unknown engine: exit 2, listing the known ones
    if (!info.has(Capability.DURABLE)) {
      throw new ParameterException(
          spec.commandLine(),
          "engine '" + to + "' is not durable; choose a durable engine (see 'cairn engines')");
    }
    if (!Files.isDirectory(db)) {
      throw new ParameterException(spec.commandLine(), "no database at " + db);
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    try (Database opened = registry.database(db).createIfMissing(false).open()) {
      String before = opened.keyspace(keyspace).engine();
      KeyspaceMigration m = KeyspaceMigration.of(registry, opened, keyspace, to, settings);
      MigrationSummary s;
      try (TransferOutput progress = new TransferOutput(err, !noProgress, "migrating")) {
        s =
            m.configure(
                    o ->
                        o.progress(
                            p ->
                                progress.accept(
                                    p.phase().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                                    p.transfer())))
                .run();
      } catch (StorageException e) {
        if (m.target() != null && Files.exists(m.target())) {
          err.println(
              "cairn migrate: keyspace '"
                  + keyspace
                  + "' stays on its store ("
                  + before
                  + "); the migration so far is in "
                  + m.target()
                  + ": run the same command to continue it, or remove it to start again");
          err.flush();
        }
        throw e;
      }
      out.println(
          "migrated keyspace '"
              + keyspace
              + "' of "
              + db
              + " from "
              + s.sourceEngine()
              + " to "
              + s.targetEngine()
              + " in "
              + m.target()
              + ": "
              + TransferOutput.count(s.entries(), "entry", "entries")
              + " ("
              + TransferOutput.count(s.replayedKeys(), "key", "keys")
              + " replayed), "
              + copied(s));
      out.println(verified(s) + "; the old store is retired (cairn db keyspaces lists it)");
      out.flush();
    }
    return ExitCodes.OK;
  }
}
