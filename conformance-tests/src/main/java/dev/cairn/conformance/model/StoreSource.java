package dev.cairn.conformance.model;

import dev.cairn.spi.StorageEngine;

/**
 * Where the harness gets its stores: one fresh, empty location per run of a sequence, which it
 * opens (and, for {@link Op.Reopen}, reopens) and then discards.
 */
@FunctionalInterface
public interface StoreSource {

  /** A new, empty store location, different from every earlier one. */
  Location fresh();

  /** One store location. Not thread-safe. */
  interface Location extends AutoCloseable {

    /** Opens the store at this location; each call after the first reopens it. */
    StorageEngine open();

    /** Discards the location (deletes its files); the store is closed by then. */
    @Override
    default void close() {}
  }
}
