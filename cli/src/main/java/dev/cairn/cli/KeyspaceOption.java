package dev.cairn.cli;

import dev.cairn.spi.Capability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --keyspace NAME}: which keyspace of the store a data command reads or writes (SPI 1.1,
 * capability {@code KEYSPACES}). A picocli mixin; one instance per command invocation.
 *
 * <p>Without the option, or with {@code --keyspace default}, the command uses the store handle
 * itself, which is the default keyspace of every store, so it works on every engine. Another name
 * needs an engine that declares {@code KEYSPACES} and a keyspace of that name in the store: the
 * command refuses otherwise, saying which.
 */
final class KeyspaceOption {

  @Option(
      names = {"-k", "--keyspace"},
      paramLabel = "NAME",
      description =
          "The keyspace (default: the store's default keyspace). Needs an engine that declares"
              + " KEYSPACES; 'cairn keyspaces' lists and creates them.")
  String name;

  /** Whether the command works on a keyspace other than the default one. */
  boolean named() {
    return name != null && !name.equals(Keyspace.DEFAULT);
  }

  /**
   * The keyspace to work on, or null for the store handle itself (the default keyspace). With
   * {@code --db}, the database keyspace it names, which must be named.
   *
   * @throws InvalidArgumentException if the name is not a keyspace name, or the store has no such
   *     keyspace (the message lists those it has)
   * @throws UnsupportedCapabilityException if a keyspace other than the default is named and the
   *     store's engine does not declare {@code KEYSPACES}
   */
  Keyspace resolve(StorageEngine store, Path dir) {
    if (store instanceof DatabaseTarget database) {
      return database.databaseKeyspace(name);
    }
    if (name == null) {
      return null;
    }
    Keyspace.checkName(name);
    if (!named()) {
      return null;
    }
    requireKeyspaces(store, dir, "--keyspace " + name);
    List<String> names = store.keyspaces();
    if (!names.contains(name)) {
      throw new InvalidArgumentException(
          "no keyspace '"
              + name
              + "' in the store at "
              + dir
              + "; it has "
              + names
              + " (create one with 'cairn keyspaces --dir DIR --create NAME')");
    }
    return store.keyspace(name);
  }

  /**
   * @throws UnsupportedCapabilityException naming {@code what} if the store's engine does not
   *     declare {@code KEYSPACES}
   */
  static void requireKeyspaces(StorageEngine store, Path dir, String what) {
    // NB: asked of the store, not of the registry: the store was opened by the engine its marker
    // names, whichever --engine said.
    try {
      store.keyspace(Keyspace.DEFAULT);
    } catch (UnsupportedCapabilityException e) {
      throw new UnsupportedCapabilityException(
          what
              + " needs a store with keyspaces, and the store at "
              + dir
              + " has only its default one: its engine does not declare "
              + Capability.KEYSPACES
              + " (see 'cairn engines')",
          e);
    }
  }
}
