package dev.cairn.cli;

import dev.cairn.spi.Durability;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cairn delete}: removes one key. */
@Command(
    name = "delete",
    description = {
      "Removes KEY and its value. Removing an absent key succeeds and changes nothing.",
      "The store must exist."
    })
final class DeleteCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Mixin StoreOptions store;

  @Mixin ByteEncoding encoding;

  @Mixin KeyspaceOption keyspace;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Option(
      names = "--durability",
      paramLabel = "SYNC|BUFFERED",
      description =
          "SYNC: acknowledged after fsync. BUFFERED: after the OS has the bytes."
              + " Default: the store's default.")
  Durability durability;

  @Override
  public Integer call() {
    byte[] k = encoding.parse("KEY", key);
    try (StorageEngine engine = store.open(root.registry(), StoreOptions.Access.WRITE)) {
      Keyspace ks = keyspace.resolve(engine, store.dir);
      Durability d = durability != null ? durability : engine.defaultDurability();
      if (ks == null) {
        engine.delete(k, d);
      } else {
        ks.delete(k, d);
      }
    }
    return ExitCodes.OK;
  }
}
