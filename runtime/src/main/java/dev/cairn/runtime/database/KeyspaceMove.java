package dev.cairn.runtime.database;

import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.StorageEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A database keyspace on its way to a new store: what an online migration of it needs from the
 * database ({@code dev.cairn.runtime.migrate.KeyspaceMigration} is the entry point that uses it,
 * docs/migration.md). Obtained from {@link Database#move}; <b>must be closed</b>, which ends the
 * move whether or not it cut over.
 *
 * <p>While the move is open the keyspace serves its old store, cannot be dropped, moved again or
 * cut over other than by {@link #cutOver}; while writes are {@linkplain #captureThrough captured},
 * batches across it and other keyspaces are refused (after the cut-over it is in a store of its own
 * anyway).
 *
 * <p>Thread-safe.
 *
 * @since 1.2
 */
public final class KeyspaceMove implements AutoCloseable {

  private final Database database;
  private final DatabaseKeyspace keyspace;
  private volatile boolean closed;
  private StorageEngine target; // guarded by this
  private Path targetDirectory; // guarded by this

  KeyspaceMove(Database database, DatabaseKeyspace keyspace) {
    this.database = database;
    this.keyspace = keyspace;
  }

  /** The keyspace's name. */
  public String keyspace() {
    return keyspace.name();
  }

  /** The engine of the store the keyspace is in now. */
  public String sourceEngine() {
    return keyspace.state().place().engine();
  }

  /**
   * The keyspace's data as a store whose only keyspace, {@code default}, is it: the store itself
   * when the keyspace owns one, its engine keyspace when it shares one. Reading and writing it
   * bypasses the keyspace handle (its meters, its cut-over fence, the capture). Closing it closes
   * nothing.
   *
   * @throws InvalidStateException after {@link #close}
   */
  public StorageEngine source() {
    checkOpen();
    return new KeyspaceStore(keyspace.state().place());
  }

  /**
   * The directories of the database the catalog does not name that are labelled after this keyspace
   * ({@code <keyspace>-<n>}): targets of earlier moves that did not cut over (the database lists
   * them as {@linkplain Database#strays() strays}). Sorted.
   */
  public List<Path> unnamedTargets() {
    checkOpen();
    return database.unnamedDirectories(keyspace.name());
  }

  /**
   * A new directory for the target store, labelled after this keyspace ({@link #unnamedTargets}).
   */
  public Path newTarget() {
    checkOpen();
    return database.newStoreDirectory(keyspace.name());
  }

  /**
   * Opens the target store in {@code storeDirectory} (from {@link #newTarget} or {@link
   * #unnamedTargets}) on {@code engine} with {@code settings}, as the database opens its stores.
   * The move owns the handle: {@link #cutOver} to that directory adopts it as the keyspace's store
   * (no close and reopen while the keyspace is held), and {@link #close} closes it if no cut-over
   * did. Closing the handle returned closes nothing: the move does that.
   *
   * @throws InvalidStateException after {@link #close}, or when a target is open already
   */
  public synchronized StorageEngine openTarget(
      Path storeDirectory, String engine, Map<String, String> settings, boolean create) {
    checkOpen();
    if (target != null) {
      throw new InvalidStateException(
          "the move of keyspace '" + keyspace.name() + "' has a target open already");
    }
    target = database.openMoveTarget(storeDirectory, engine, settings, create);
    targetDirectory = storeDirectory.toAbsolutePath().normalize();
    return new KeyspaceStore(
        new Place(target, targetDirectory.getFileName().toString(), engine, Catalog.OWNED, null));
  }

  /** The open target, if it is in {@code directory}, handed over to the database; else null. */
  synchronized StorageEngine adoptTarget(Path directory) {
    if (target == null || !targetDirectory.equals(directory)) {
      return null;
    }
    StorageEngine t = target;
    target = null;
    return t;
  }

  /**
   * Routes every write made through the keyspace's handle ({@link DatabaseKeyspace}: puts, deletes,
   * batches) through {@code handle}, a store whose {@code default} keyspace is the keyspace's data
   * (an online migration's capturing handle over {@link #source()}); null routes them to the
   * keyspace's store again. Waits for the keyspace's calls in flight: a write goes either wholly
   * through the handle or wholly around it.
   *
   * @throws InvalidStateException after {@link #close}
   */
  public void captureThrough(StorageEngine handle) {
    checkOpen();
    keyspace.captureThrough(handle);
  }

  /**
   * The cut-over that ends the move: {@link Database#cutOver} for this keyspace, which also stops
   * routing writes through the capturing handle.
   *
   * @throws InvalidStateException after {@link #close}
   */
  public RetiredStore cutOver(
      Path storeDirectory, Map<String, String> settings, Runnable whileHeld) {
    checkOpen();
    return database.cutOver(keyspace.name(), storeDirectory, settings, whileHeld, this);
  }

  /**
   * Ends the move: writes go to the keyspace's store again (the old one, unless it cut over), and
   * the keyspace can be dropped, cut over and moved again. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      keyspace.captureThrough(null);
    } finally {
      try {
        database.endMove(keyspace, this);
      } finally {
        StorageEngine t;
        synchronized (this) {
          t = target;
          target = null;
        }
        if (t != null) {
          t.close();
        }
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new InvalidStateException("the move of keyspace '" + keyspace.name() + "' has ended");
    }
  }
}
