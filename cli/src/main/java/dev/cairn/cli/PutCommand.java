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

/** {@code cairn put}: stores one value under one key, creating the store if needed. */
@Command(
    name = "put",
    description = {
      "Stores VALUE under KEY, replacing any value the key had.",
      "Creates the store when DIR holds none; then --engine is required. A keyspace named with"
          + " --keyspace must exist ('cairn keyspaces --create NAME')."
    })
final class PutCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Mixin StoreOptions store;

  @Mixin ByteEncoding encoding;

  @Mixin KeyspaceOption keyspace;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The value.")
  String value;

  @Option(
      names = "--durability",
      paramLabel = "SYNC|BUFFERED",
      description =
          "SYNC: acknowledged after fsync. BUFFERED: after the OS has the bytes."
              + " Default: the store's default (SYNC unless configured).")
  Durability durability;

  @Override
  public Integer call() {
    byte[] k = encoding.parse("KEY", key);
    byte[] v = encoding.parse("VALUE", value);
    try (StorageEngine engine = store.open(root.registry(), StoreOptions.Access.CREATE)) {
      Keyspace ks = keyspace.resolve(engine, store.dir);
      Durability d = durability != null ? durability : engine.defaultDurability();
      if (ks == null) {
        engine.put(k, v, d);
      } else {
        ks.put(k, v, d);
      }
    }
    return ExitCodes.OK;
  }
}
