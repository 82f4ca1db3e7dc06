package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn keyspaces}: lists a store's keyspaces, after creating or dropping one if asked (SPI
 * 1.1, capability {@code KEYSPACES}).
 */
@Command(
    name = "keyspaces",
    description = {
      "Lists the keyspaces of the store in DIR, one name a line, sorted; every store has the"
          + " keyspace 'default'.",
      "With --create or --drop, first creates or drops one (durably); that needs an engine that"
          + " declares KEYSPACES (see 'cairn engines'). Dropping deletes every key in the"
          + " keyspace."
    })
final class KeyspacesCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Mixin StoreOptions store;

  @ArgGroup(exclusive = true)
  Change change;

  /** At most one of --create and --drop. */
  static final class Change {
    @Option(names = "--create", paramLabel = "NAME", description = "Create the keyspace NAME.")
    String create;

    @Option(
        names = "--drop",
        paramLabel = "NAME",
        description = "Drop the keyspace NAME and every key in it.")
    String drop;
  }

  @Option(names = "--json", description = "Print a JSON array of the names.")
  boolean json;

  @Override
  public Integer call() {
    StoreOptions.Access access =
        change == null ? StoreOptions.Access.READ : StoreOptions.Access.WRITE;
    List<String> names;
    try (StorageEngine engine = store.open(root.registry(), access)) {
      if (change != null) {
        String name = Keyspace.checkName(change.create != null ? change.create : change.drop);
        String what = (change.create != null ? "--create " : "--drop ") + name;
        KeyspaceOption.requireKeyspaces(engine, store.dir, what);
        if (change.create != null) {
          engine.createKeyspace(name);
        } else {
          engine.dropKeyspace(name);
        }
      }
      names = engine.keyspaces();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ArrayNode array = Json.NODES.arrayNode();
      names.forEach(array::add);
      Json.print(out, array);
    } else {
      names.forEach(out::println);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
