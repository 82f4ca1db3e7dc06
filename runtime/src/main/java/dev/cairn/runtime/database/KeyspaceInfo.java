package dev.cairn.runtime.database;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the catalog says about one keyspace of a database.
 *
 * @param name the keyspace's name
 * @param engine the engine its store is on
 * @param store the directory of its store (for an engine that is not durable, the name it has in
 *     the catalog, with nothing on disk)
 * @param engineKeyspace the engine keyspace holding its data: {@code default} in a store of its own
 * @param sharedStore the name of the shared store it is in, or null when it owns its store
 * @param settings the engine settings its store is opened with
 * @since 1.2
 */
public record KeyspaceInfo(
    String name,
    String engine,
    Path store,
    String engineKeyspace,
    String sharedStore,
    Map<String, String> settings) {

  public KeyspaceInfo {
    settings = Map.copyOf(settings);
  }

  /** Whether the keyspace shares its store with other keyspaces of the database. */
  public boolean shared() {
    return sharedStore != null;
  }
}
