package dev.cairn.cli;

import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cairn get}: prints the value of one key. */
@Command(
    name = "get",
    description = {
      "Prints the value stored under KEY (in the keyspace --keyspace names).",
      "Exits with 1 and a message on standard error when the key is absent."
    })
final class GetCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Mixin StoreOptions store;

  @Mixin WaitOption wait;

  @Mixin ByteEncoding encoding;

  @Mixin KeyspaceOption keyspace;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Override
  public Integer call() {
    byte[] k = encoding.parse("KEY", key);
    byte[] value;
    try (StorageEngine engine =
        wait.open(() -> store.open(root.registry(), StoreOptions.Access.READ))) {
      Keyspace ks = keyspace.resolve(engine, store.dir);
      value = ks == null ? engine.get(k) : ks.get(k);
    }
    if (value == null) {
      spec.commandLine()
          .getErr()
          .println(
              "cairn get: key '"
                  + key
                  + "' not found in "
                  + (keyspace.named() ? "keyspace '" + keyspace.name + "' of " : "")
                  + store.dir);
      spec.commandLine().getErr().flush();
      return ExitCodes.NOT_FOUND;
    }
    spec.commandLine().getOut().println(encoding.format(value));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
