package dev.cairn.runtime.database;

import java.nio.file.Path;

/**
 * Where a keyspace's data was before a {@linkplain Database#cutOver cut-over} or a drop: a whole
 * store directory, or an engine keyspace in a shared store. The catalog lists it until {@link
 * Database#retire(RetiredStore)} deletes it, so a cut-over can be checked, or undone by hand,
 * before the old data goes.
 *
 * @param keyspace the database keyspace it belonged to
 * @param engine its store's engine
 * @param store its store's directory
 * @param engineKeyspace the engine keyspace in a shared store, or null for the whole store
 * @since 1.2
 */
public record RetiredStore(String keyspace, String engine, Path store, String engineKeyspace) {

  /** Whether the whole store directory is retired (not one engine keyspace of a shared store). */
  public boolean wholeStore() {
    return engineKeyspace == null;
  }
}
