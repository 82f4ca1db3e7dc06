package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseBuilder;
import dev.cairn.runtime.database.KeyspaceInfo;
import dev.cairn.runtime.database.RetiredStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn db}: creates databases of keyspaces on chosen engines, lists and adds their
 * keyspaces (docs/database.md). The data commands reach a database keyspace with {@code --db DIR
 * --keyspace NAME}.
 */
@Command(
    name = "db",
    description = {
      "Databases: named keyspaces, each on the engine chosen for it (docs/database.md).",
      "get, put, delete and scan work on a database keyspace with --db DIR --keyspace NAME."
    },
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {DbCommand.Create.class, DbCommand.Keyspaces.class, DbCommand.Add.class})
final class DbCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "name a command: create, keyspaces or add");
  }

  /** {@code cairn db create DIR NAME:ENGINE...}. */
  @Command(
      name = "create",
      description = {
        "Creates the database in DIR (a new or empty directory) with a keyspace for each"
            + " NAME:ENGINE, each in a store of its own; or, when DIR holds the database already,"
            + " adds those it lacks and checks the others are on those engines.",
        "Then lists the keyspaces, as 'cairn db keyspaces' does."
      })
  static final class Create implements Callable<Integer> {

    @Mixin HelpOption help;

    @ParentCommand DbCommand db;

    @Parameters(index = "0", paramLabel = "DIR", description = "The database's directory.")
    Path dir;

    @Parameters(
        index = "1..*",
        paramLabel = "NAME:ENGINE",
        description = "A keyspace and its engine, e.g. sessions:hash events:lsm catalog:btree.")
    List<String> keyspaces = new ArrayList<>();

    @Override
    public Integer call() {
      DatabaseBuilder builder = db.root.registry().database(dir);
      for (String k : keyspaces) {
        int colon = k.indexOf(':');
        if (colon <= 0 || colon == k.length() - 1) {
          throw new ParameterException(
              db.spec.commandLine(), "'" + k + "' is not NAME:ENGINE (e.g. events:lsm)");
        }
        builder.keyspace(k.substring(0, colon), k.substring(colon + 1));
      }
      try (Database opened = builder.open()) {
        print(db.spec.commandLine().getOut(), opened, false);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code cairn db keyspaces DIR}. */
  @Command(
      name = "keyspaces",
      description = {
        "Lists the keyspaces of the database in DIR, one a line: name, engine, store directory,"
            + " and for a keyspace in a shared store, the store's name and the engine keyspace.",
        "Then what the catalog does not name (strays, left by a change a crash interrupted) and"
            + " what it retired (the former stores of cut-over or dropped keyspaces)."
      })
  static final class Keyspaces implements Callable<Integer> {

    @Mixin HelpOption help;

    @ParentCommand DbCommand db;

    @Parameters(index = "0", paramLabel = "DIR", description = "The database's directory.")
    Path dir;

    @Option(names = "--json", description = "Print JSON: keyspaces, strays, retired.")
    boolean json;

    @Override
    public Integer call() {
      try (Database opened =
          db.root.registry().database(dir).createIfMissing(false).readOnly(true).open()) {
        print(db.spec.commandLine().getOut(), opened, json);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code cairn db add DIR NAME (--engine ENGINE [--setting N=V]... | --in SHARED)}. */
  @Command(
      name = "add",
      description = {
        "Adds keyspace NAME to the database in DIR: in a store of its own on --engine (with"
            + " --setting), or in the shared store --in names. --shared ENGINE first creates a"
            + " shared store named by --in on that engine (one with keyspaces: not hash).",
        "Then lists the keyspaces."
      })
  static final class Add implements Callable<Integer> {

    @Mixin HelpOption help;

    @ParentCommand DbCommand db;

    @Parameters(index = "0", paramLabel = "DIR", description = "The database's directory.")
    Path dir;

    @Parameters(index = "1", paramLabel = "NAME", description = "The keyspace's name.")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    /** Exactly one of --engine and --in. */
    static final class Where {
      @Option(
          names = {"-e", "--engine"},
          paramLabel = "ENGINE",
          description = "A store of its own on this engine.")
      String engine;

      @Option(names = "--in", paramLabel = "SHARED", description = "The shared store to put it in.")
      String in;
    }

    @Option(
        names = "--shared",
        paramLabel = "ENGINE",
        description = "With --in: create that shared store first, on ENGINE.")
    String shared;

    @Option(
        names = {"-s", "--setting"},
        paramLabel = "NAME=VALUE",
        description = "An engine setting of the new store; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
      if (shared != null && where.in == null) {
        throw new ParameterException(
            db.spec.commandLine(), "--shared ENGINE needs --in SHARED, the store's name");
      }
      if (!settings.isEmpty() && where.in != null && shared == null) {
        throw new ParameterException(
            db.spec.commandLine(),
            "--setting applies to a new store: a keyspace in an existing shared store has its"
                + " store's settings");
      }
      try (Database opened = db.root.registry().database(dir).createIfMissing(false).open()) {
        if (where.engine != null) {
          opened.createKeyspace(name, where.engine, settings);
        } else {
          if (shared != null) {
            opened.createSharedStore(where.in, shared, settings);
          }
          opened.createKeyspaceIn(name, where.in);
        }
        print(db.spec.commandLine().getOut(), opened, false);
      }
      return ExitCodes.OK;
    }
  }

  static void print(PrintWriter out, Database db, boolean json) {
    if (json) {
      ObjectNode root = Json.NODES.objectNode();
      ArrayNode keyspaces = root.putArray("keyspaces");
      for (KeyspaceInfo k : db.describe()) {
        ObjectNode o = keyspaces.addObject();
        o.put("name", k.name());
        o.put("engine", k.engine());
        o.put("store", k.store().toString());
        o.put("engineKeyspace", k.engineKeyspace());
        if (k.shared()) {
          o.put("sharedStore", k.sharedStore());
        }
        ObjectNode settings = o.putObject("settings");
        k.settings().forEach(settings::put);
      }
      ArrayNode strays = root.putArray("strays");
      db.strays().forEach(strays::add);
      ArrayNode retired = root.putArray("retired");
      for (RetiredStore r : db.retired()) {
        ObjectNode o = retired.addObject();
        o.put("keyspace", r.keyspace());
        o.put("engine", r.engine());
        o.put("store", r.store().toString());
        if (!r.wholeStore()) {
          o.put("engineKeyspace", r.engineKeyspace());
        }
      }
      Json.print(out, root);
      return;
    }
    for (KeyspaceInfo k : db.describe()) {
      out.println(
          k.name()
              + "  "
              + k.engine()
              + "  "
              + k.store()
              + (k.shared()
                  ? "  shared store '"
                      + k.sharedStore()
                      + "', engine keyspace "
                      + k.engineKeyspace()
                  : "")
              + (k.settings().isEmpty() ? "" : "  " + new java.util.TreeMap<>(k.settings())));
    }
    for (String s : db.strays()) {
      out.println("stray: " + s);
    }
    for (RetiredStore r : db.retired()) {
      out.println(
          "retired: "
              + r.store()
              + (r.wholeStore() ? "" : " engine keyspace " + r.engineKeyspace())
              + " ("
              + r.engine()
              + "), formerly keyspace '"
              + r.keyspace()
              + "'");
    }
    out.flush();
  }
}
