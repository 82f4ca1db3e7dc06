package dev.cairn.runtime.database;

import dev.cairn.engine.toolkit.DirectoryLock;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.runtime.database.DatabaseKeyspace.State;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A database: named keyspaces, each on the engine chosen for it, listed in a crash-safe catalog
 * ({@code docs/formats/database-catalog.md}, guide {@code docs/database.md}).
 *
 * <p>A keyspace either owns a store (a directory of the database) or shares one store with other
 * keyspaces, each in an engine keyspace of its own (SPI 1.1's keyspaces), so that batches across
 * those are atomic. {@link #keyspace(String)} gives the {@link DatabaseKeyspace} handle; {@link
 * #write(WriteBatch, Durability)} writes a batch across keyspaces of one store atomically and
 * refuses one across stores (decision 0024).
 *
 * <p><b>Changes to the catalog</b> ({@link #createKeyspace}, {@link #createKeyspaceIn}, {@link
 * #createSharedStore}, {@link #dropKeyspace}, {@link #cutOver}, {@link #retire}) are serialized and
 * each writes the whole catalog atomically: a crash leaves the old catalog or the new one. What a
 * change creates before the catalog names it (a store directory, an engine keyspace) is left, after
 * a crash, as a <em>stray</em>: never deleted, never reused, and listed by {@link #strays()} (and
 * logged) on every open until someone removes it. What a change stops using is <em>retired</em>:
 * listed by {@link #retired()} and kept until {@link #retire} deletes it.
 *
 * <p>A write to the catalog that fails leaves the database refusing further changes until it is
 * reopened (the file may hold the old catalog or the new one); the keyspaces go on working, except
 * one whose cut-over's write failed, which refuses every call until the reopen (it could not tell
 * which store a reopen would serve it from).
 *
 * <p>Thread-safe. <b>Must be closed</b>: closing closes every store and releases the directory's
 * lock.
 *
 * @since 1.2
 */
public final class Database implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime.database");

  /** How the stores are opened. */
  record Opening(boolean readOnly, Durability defaultDurability, MeterRegistry meterRegistry) {}

  private final Path directory;
  private final String name;
  private final StoreOpener opener;
  private final Opening opening;
  private final DirectoryLock lock;

  /** Serializes changes to the catalog. */
  private final ReentrantLock changes = new ReentrantLock();

  private volatile Catalog catalog;

  /** The number the next store directory may get: above every one handed out in this process. */
  private int reservedNumber;

  private volatile String catalogFailure;

  private final Map<String, StorageEngine> stores = new ConcurrentHashMap<>();
  private final Map<String, DatabaseKeyspace> keyspaces = new ConcurrentHashMap<>();
  private final List<String> strays = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  Database(
      Path directory,
      String name,
      StoreOpener opener,
      Opening opening,
      DirectoryLock lock,
      Catalog catalog) {
    this.directory = directory;
    this.name = name;
    this.opener = opener;
    this.opening = opening;
    this.lock = lock;
    this.catalog = catalog;
    this.reservedNumber = catalog.nextNumber();
  }

  /** Opens every store and keyspace of the catalog, and finds the strays. */
  void openAll() {
    for (Catalog.Store s : catalog.stores()) {
      stores.put(s.directory(), openStore(s, false));
    }
    for (Catalog.Named k : catalog.keyspaces()) {
      keyspaces.put(k.name(), new DatabaseKeyspace(this, k.name(), state(k)));
    }
    findStrays();
  }

  /** The database's directory, absolute. */
  public Path directory() {
    return directory;
  }

  Catalog catalog() {
    return catalog;
  }

  /** The names of the keyspaces, sorted. */
  public List<String> keyspaceNames() {
    checkOpen();
    return catalog.keyspaces().stream().map(Catalog.Named::name).toList();
  }

  /**
   * The keyspace {@code name}.
   *
   * @throws InvalidArgumentException if the database has no such keyspace (the message lists those
   *     it has)
   * @throws ClosedHandleException after close
   */
  public DatabaseKeyspace keyspace(String name) {
    checkOpen();
    Keyspace.checkName(name);
    DatabaseKeyspace k = keyspaces.get(name);
    if (k == null) {
      throw new InvalidArgumentException(
          "database " + directory + " has no keyspace '" + name + "'; it has " + keyspaceNames());
    }
    return k;
  }

  /** What the catalog says about each keyspace, sorted by name. */
  public List<KeyspaceInfo> describe() {
    checkOpen();
    Catalog c = catalog;
    List<KeyspaceInfo> infos = new ArrayList<>();
    for (Catalog.Named k : c.keyspaces()) {
      Catalog.Store s = c.store(k.store()).orElseThrow();
      infos.add(
          new KeyspaceInfo(
              k.name(),
              s.engine(),
              directory.resolve(s.directory()),
              k.engineKeyspace(),
              s.isShared() ? s.shared() : null,
              s.settings()));
    }
    return infos;
  }

  /** The names of the shared stores, in order of creation. */
  public List<String> sharedStores() {
    checkOpen();
    return catalog.stores().stream()
        .filter(Catalog.Store::isShared)
        .map(Catalog.Store::shared)
        .toList();
  }

  /**
   * What the directory and the shared stores hold that the catalog does not name, found when the
   * database opened: left by a change that crashed before its catalog write (see the class
   * comment). Never deleted by the database.
   */
  public List<String> strays() {
    return List.copyOf(strays);
  }

  /** What cut-overs and drops left behind, kept until {@link #retire}d. */
  public List<RetiredStore> retired() {
    checkOpen();
    return catalog.retired().stream().map(this::toPublic).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Changes

  /**
   * Creates keyspace {@code name} in a store of its own, a new directory of the database, on engine
   * {@code engine} with {@code settings}. The store is created first and named in the catalog
   * second: a crash between leaves a {@linkplain #strays() stray} directory and no keyspace.
   *
   * @throws InvalidArgumentException if the keyspace exists, a name is invalid, or the engine
   *     refuses a setting
   * @throws dev.cairn.spi.EngineNotFoundException if the engine is not installed
   * @throws ReadOnlyStoreException in a read-only database
   */
  public DatabaseKeyspace createKeyspace(String name, String engine, Map<String, String> settings) {
    Keyspace.checkName(name);
    DatabaseBuilder.checkEngine(engine);
    Map<String, String> checked = DatabaseBuilder.checkSettings(settings);
    changes.lock();
    try {
      checkChangeable();
      requireNew(name);
      String dir = reserveDirectory(name);
      Catalog.Store store = new Catalog.Store(dir, engine, "", checked);
      StorageEngine opened = openStore(store, true);
      Catalog next =
          catalog.withKeyspace(store, new Catalog.Named(name, dir, Catalog.OWNED), reservedNumber);
      writeCatalog(next, opened);
      stores.put(dir, opened);
      DatabaseKeyspace k = new DatabaseKeyspace(this, name, state(next.keyspace(name).get()));
      keyspaces.put(name, k);
      return k;
    } finally {
      changes.unlock();
    }
  }

  /** {@link #createKeyspace(String, String, Map)} without settings. */
  public DatabaseKeyspace createKeyspace(String name, String engine) {
    return createKeyspace(name, engine, Map.of());
  }

  /**
   * Creates a store named {@code name} on engine {@code engine}, for keyspaces to share ({@link
   * #createKeyspaceIn}).
   *
   * @throws InvalidArgumentException if a shared store of that name exists or a name is invalid
   * @throws UnsupportedCapabilityException if the engine has no keyspaces ({@link
   *     Capability#KEYSPACES})
   * @throws ReadOnlyStoreException in a read-only database
   */
  public void createSharedStore(String name, String engine, Map<String, String> settings) {
    Keyspace.checkName(name);
    DatabaseBuilder.checkEngine(engine);
    Map<String, String> checked = DatabaseBuilder.checkSettings(settings);
    if (!opener.capabilities(engine).contains(Capability.KEYSPACES)) {
      throw new UnsupportedCapabilityException(
          "engine '"
              + engine
              + "' has no keyspaces (capability KEYSPACES), so keyspaces cannot share a store of"
              + " it; give each keyspace a store of its own");
    }
    changes.lock();
    try {
      checkChangeable();
      if (catalog.sharedStore(name).isPresent()) {
        throw new InvalidArgumentException(
            "database " + directory + " has a shared store '" + name + "' already");
      }
      String dir = reserveDirectory(name);
      Catalog.Store store = new Catalog.Store(dir, engine, name, checked);
      StorageEngine opened = openStore(store, true);
      writeCatalog(catalog.withStore(store, reservedNumber), opened);
      stores.put(dir, opened);
    } finally {
      changes.unlock();
    }
  }

  /**
   * Creates keyspace {@code name} in the shared store {@code sharedStore}, in an engine keyspace of
   * its own. The engine keyspace is created first and named in the catalog second: a crash between
   * leaves a {@linkplain #strays() stray} engine keyspace and no database keyspace.
   *
   * @throws InvalidArgumentException if the keyspace exists, a name is invalid, or there is no such
   *     shared store
   * @throws ReadOnlyStoreException in a read-only database
   */
  public DatabaseKeyspace createKeyspaceIn(String name, String sharedStore) {
    Keyspace.checkName(name);
    changes.lock();
    try {
      checkChangeable();
      requireNew(name);
      Catalog.Store store =
          catalog
              .sharedStore(Keyspace.checkName(sharedStore))
              .orElseThrow(
                  () ->
                      new InvalidArgumentException(
                          "database "
                              + directory
                              + " has no shared store '"
                              + sharedStore
                              + "'; it has "
                              + sharedStores()));
      StorageEngine opened = stores.get(store.directory());
      String engineKeyspace = freshEngineKeyspace(name, store, opened);
      opened.createKeyspace(engineKeyspace);
      Catalog next =
          catalog.withKeyspace(
              store, new Catalog.Named(name, store.directory(), engineKeyspace), reservedNumber);
      writeCatalog(next, null);
      DatabaseKeyspace k = new DatabaseKeyspace(this, name, state(next.keyspace(name).get()));
      keyspaces.put(name, k);
      return k;
    } finally {
      changes.unlock();
    }
  }

  /**
   * Drops keyspace {@code name} and deletes its data: the catalog stops naming it (its place
   * becomes {@linkplain #retired() retired}), calls in flight on it finish first, its own store
   * closes, and then its store directory or engine keyspace is deleted and the catalog forgets it.
   * A crash in between leaves the place retired: {@link #retire} finishes the deletion.
   *
   * @throws InvalidArgumentException if there is no such keyspace
   * @throws ReadOnlyStoreException in a read-only database
   */
  public void dropKeyspace(String name) {
    changes.lock();
    try {
      checkChangeable();
      DatabaseKeyspace k = keyspace(name);
      refuseWhileMoving(k, "drop it");
      Catalog.Retired place;
      Lock fence = k.writeFence();
      fence.lock();
      try {
        Catalog next = catalog.withoutKeyspace(name);
        writeCatalog(next, null);
        place = next.retired().getLast();
        keyspaces.remove(name);
        k.markDropped();
        k.state().meters().close();
      } finally {
        fence.unlock();
      }
      if (place.wholeStore()) {
        StorageEngine store = stores.remove(place.store());
        if (store != null) {
          store.close();
        }
      }
      retire(place);
    } finally {
      changes.unlock();
    }
  }

  /**
   * A path for a new store of this database, named after {@code label}, that nothing uses: for a
   * store to {@linkplain #cutOver cut over} to. The directory does not exist yet; the caller
   * creates a store in it (with {@code Cairn.store(path).engine(...)}). Until a cut-over names it,
   * the catalog does not know it: after a crash it is a {@linkplain #strays() stray}.
   *
   * @throws InvalidArgumentException if {@code label} is not a keyspace name
   */
  public Path newStoreDirectory(String label) {
    Keyspace.checkName(label);
    changes.lock();
    try {
      checkOpen();
      return directory.resolve(reserveDirectory(label));
    } finally {
      changes.unlock();
    }
  }

  /**
   * Re-points keyspace {@code keyspace} to the store in {@code storeDirectory}, atomically: the
   * <b>cut-over</b> that ends a migration (docs/database.md, "Cut-over").
   *
   * <ol>
   *   <li>Holds the keyspace: waits for its calls in flight and blocks new ones (reads too).
   *   <li>Runs {@code whileHeld}, on this thread: the caller's last chance to copy what was written
   *       to the old store into the new one, and to close its own handle on the new store. Nothing
   *       can write the keyspace meanwhile (a write through the keyspace from {@code whileHeld}
   *       itself would go to the old store: do not).
   *   <li>Opens the new store, with the engine its marker names and {@code settings}.
   *   <li>Writes the catalog naming the new store for the keyspace and the old place as {@linkplain
   *       #retired() retired}; this write is the cut-over's commit point.
   *   <li>Points the keyspace's handle at the new store and lets calls go on; closes the old store
   *       if the keyspace owned it (its open cursors and snapshots are closed).
   * </ol>
   *
   * <p>A failure before the catalog write (in {@code whileHeld}, or opening the new store) changes
   * nothing: the keyspace goes on on its old store. A crash before the catalog write reopens on the
   * old store, after it on the new one; the old directory (or engine keyspace) stays until {@link
   * #retire} deletes it. Whatever was acknowledged on the old store before the hold is in the new
   * one if {@code whileHeld} returned having copied it: the database does not compare them.
   *
   * @param keyspace the keyspace to move
   * @param storeDirectory a store of a durable engine, a directory of this database the catalog
   *     does not name ({@link #newStoreDirectory})
   * @param settings the engine settings to open it with, now and on every later open
   * @param whileHeld run while the keyspace is held; an exception from it aborts the cut-over
   * @return the keyspace's former place, now retired
   * @throws InvalidArgumentException if there is no such keyspace, the directory is not one of the
   *     database's, the catalog names it already, or it holds no store
   * @throws ReadOnlyStoreException in a read-only database
   */
  public RetiredStore cutOver(
      String keyspace, Path storeDirectory, Map<String, String> settings, Runnable whileHeld) {
    return cutOver(keyspace, storeDirectory, settings, whileHeld, null);
  }

  /** {@link #cutOver}, by {@code move} (the keyspace's move under way) or by nobody (null). */
  RetiredStore cutOver(
      String keyspace,
      Path storeDirectory,
      Map<String, String> settings,
      Runnable whileHeld,
      KeyspaceMove move) {
    DatabaseBuilder.nonNull(storeDirectory, "store directory");
    DatabaseBuilder.nonNull(whileHeld, "whileHeld");
    Map<String, String> checked = DatabaseBuilder.checkSettings(settings);
    Path target = storeDirectory.toAbsolutePath().normalize();
    if (!directory.equals(target.getParent()) || target.getFileName() == null) {
      throw new InvalidArgumentException(
          "a cut-over's store must be a directory of database "
              + directory
              + " (see newStoreDirectory), got "
              + storeDirectory);
    }
    String dir = target.getFileName().toString();
    changes.lock();
    try {
      checkChangeable();
      DatabaseKeyspace k = keyspace(keyspace);
      if (k.move() != move) {
        refuseWhileMoving(k, "cut it over");
      }
      if (!Keyspace.NAME.matcher(dir).matches() || catalog.directories().contains(dir)) {
        throw new InvalidArgumentException(
            "cannot cut keyspace '"
                + keyspace
                + "' over to "
                + target
                + ": the catalog of database "
                + directory
                + " names it already, or it is not a store directory name");
      }
      String engine =
          opener
              .recordedEngine(target)
              .orElseThrow(
                  () ->
                      new InvalidArgumentException(
                          "cannot cut keyspace '"
                              + keyspace
                              + "' over to "
                              + target
                              + ": it holds no store (no store marker)"));
      Catalog.Store store = new Catalog.Store(dir, engine, "", checked);
      StorageEngine oldOwned = null;
      Catalog.Retired former;
      Lock fence = k.writeFence();
      fence.lock();
      try {
        k.checkUsable();
        whileHeld.run();
        // NB: a move's target, opened by the database for the move, is adopted as it is: closing
        // and reopening it here would hold the keyspace for a memtable's flush and a log's replay
        StorageEngine adopted = move == null ? null : move.adoptTarget(target);
        StorageEngine opened = adopted != null ? adopted : openStore(store, false);
        Catalog next = catalog.withCutOver(keyspace, store, reservedNumber);
        try {
          writeCatalog(next, opened);
        } catch (RuntimeException e) {
          // NB: the file may name either store now; a write acknowledged on the old one could
          // be lost when a reopen finds the new one, so the keyspace takes none until reopened
          k.failStop(
              "its cut-over's catalog write failed, and the catalog may name either store ("
                  + e.getMessage()
                  + ")");
          try {
            opened.close();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
        former = next.retired().getLast();
        State old = k.state();
        stores.put(dir, opened);
        old.meters().close();
        k.moveTo(
            new State(
                new Place(opened, dir, engine, Catalog.OWNED, null),
                new KeyspaceMeters(opening.meterRegistry(), name, keyspace, engine)));
        if (old.place().owned()) {
          oldOwned = stores.remove(old.place().storeDirectory());
        }
      } finally {
        fence.unlock();
      }
      if (oldOwned != null) {
        try {
          oldOwned.close();
        } catch (RuntimeException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "closing the store keyspace '" + keyspace + "' was cut over from failed",
              e);
        }
      }
      return toPublic(former);
    } finally {
      changes.unlock();
    }
  }

  /**
   * Begins moving keyspace {@code keyspace} to a new store of its own: what an online migration of
   * the keyspace needs from the database (the keyspace's data as a store, its writes routed through
   * the migration, the cut-over). {@code dev.cairn.runtime.migrate.KeyspaceMigration} is the entry
   * point that uses it; see docs/migration.md, "Moving a database keyspace". While the move is open
   * the keyspace cannot be dropped, cut over by anyone else or moved again.
   *
   * @throws InvalidArgumentException if there is no such keyspace
   * @throws InvalidStateException if the keyspace is being moved already
   * @throws ReadOnlyStoreException in a read-only database
   */
  public KeyspaceMove move(String keyspace) {
    changes.lock();
    try {
      checkChangeable();
      DatabaseKeyspace k = keyspace(keyspace);
      refuseWhileMoving(k, "move it again");
      KeyspaceMove m = new KeyspaceMove(this, k);
      k.setMove(m);
      return m;
    } finally {
      changes.unlock();
    }
  }

  /**
   * Opens the store in {@code storeDirectory}, a directory of this database, on {@code engine} with
   * {@code settings}, as the database opens its stores (its meters, durability, read-only mode):
   * the target of a move, which a cut-over then adopts as it is instead of opening it again.
   *
   * @throws InvalidArgumentException if the directory is not one of this database's
   */
  StorageEngine openMoveTarget(
      Path storeDirectory, String engine, Map<String, String> settings, boolean create) {
    Map<String, String> checked = DatabaseBuilder.checkSettings(settings);
    Path target = storeDirectory.toAbsolutePath().normalize();
    if (!directory.equals(target.getParent()) || target.getFileName() == null) {
      throw new InvalidArgumentException(
          "a move's target must be a directory of database "
              + directory
              + " (see newStoreDirectory), got "
              + storeDirectory);
    }
    changes.lock();
    try {
      checkChangeable();
      return openStore(
          new Catalog.Store(target.getFileName().toString(), engine, "", checked), create);
    } finally {
      changes.unlock();
    }
  }

  /** Ends {@code move}, cut over or not. */
  void endMove(DatabaseKeyspace k, KeyspaceMove move) {
    changes.lock();
    try {
      if (k.move() == move) {
        k.setMove(null);
      }
    } finally {
      changes.unlock();
    }
  }

  /**
   * The directories of the database that the catalog does not name and whose name is {@code
   * label}'s ({@code <label>-<n>}, as {@link #newStoreDirectory} gives): what earlier moves of a
   * keyspace left when they did not cut over. Sorted.
   */
  List<Path> unnamedDirectories(String label) {
    String base = label.length() > 50 ? label.substring(0, 50) : label;
    changes.lock();
    try {
      checkOpen();
      Set<String> named = catalog.directories();
      List<Path> found = new ArrayList<>();
      for (String entry : DatabaseBuilder.foreignEntries(directory)) {
        int dash = entry.lastIndexOf('-');
        if (!named.contains(entry)
            && dash > 0
            && entry.substring(0, dash).equals(base)
            && entry.substring(dash + 1).matches("[0-9]+")
            && Files.isDirectory(directory.resolve(entry))) {
          found.add(directory.resolve(entry));
        }
      }
      return found;
    } finally {
      changes.unlock();
    }
  }

  private void refuseWhileMoving(DatabaseKeyspace k, String what) {
    if (k.move() != null) {
      throw new InvalidStateException(
          "keyspace '"
              + k.name()
              + "' of database "
              + directory
              + " is being migrated to another store; cannot "
              + what
              + " until the migration ends");
    }
  }

  /**
   * Deletes a retired place, and then forgets it in the catalog: the whole store directory, or the
   * engine keyspace of a shared store. Idempotent across a crash: what is already gone is not an
   * error, and a crash mid-way leaves the place listed, to be retired again.
   *
   * @throws InvalidArgumentException if {@code retired} is not listed by {@link #retired()}
   * @throws ReadOnlyStoreException in a read-only database
   */
  public void retire(RetiredStore retired) {
    DatabaseBuilder.nonNull(retired, "retired store");
    changes.lock();
    try {
      checkChangeable();
      Catalog.Retired entry =
          catalog.retired().stream()
              .filter(r -> toPublic(r).equals(retired))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidArgumentException(
                          "database " + directory + " lists no retired " + retired));
      retire(entry);
    } finally {
      changes.unlock();
    }
  }

  private void retire(Catalog.Retired entry) {
    if (entry.wholeStore()) {
      deleteTree(directory.resolve(entry.store()));
    } else {
      StorageEngine shared = stores.get(entry.store());
      if (shared != null && shared.keyspaces().contains(entry.engineKeyspace())) {
        shared.dropKeyspace(entry.engineKeyspace());
      }
    }
    writeCatalog(catalog.withoutRetired(entry), null);
  }

  // ---------------------------------------------------------------------------------------------
  // Batches across keyspaces

  /**
   * Applies {@code batch}, whose operations and preconditions name keyspaces of this database
   * ({@code batch.put("events", key, value)}), atomically. All of its keyspaces must be in one
   * store (one keyspace, or keyspaces of one shared store); a batch across stores is refused before
   * anything is written (decision 0024: no atomic commit across engines).
   *
   * @throws InvalidArgumentException if the batch names a keyspace the database does not have
   * @throws UnsupportedCapabilityException if the batch's keyspaces are in different stores (the
   *     message names two of them and their engines)
   * @throws dev.cairn.spi.ConflictException if a precondition failed (nothing applied)
   */
  public void write(WriteBatch batch, Durability durability) {
    DatabaseBuilder.nonNull(batch, "batch");
    DatabaseBuilder.nonNull(durability, "durability");
    checkOpen();
    List<DatabaseKeyspace> involved = new ArrayList<>();
    for (String k : batch.keyspaces()) { // sorted: fences are taken in name order
      if (!keyspaces.containsKey(k)) {
        throw new InvalidArgumentException(
            "a batch names keyspace '"
                + k
                + "', which database "
                + directory
                + " does not have"
                + (k.equals(Keyspace.DEFAULT)
                    ? " (the batch forms without a keyspace write '" + Keyspace.DEFAULT + "')"
                    : "")
                + "; it has "
                + keyspaceNames());
      }
      involved.add(keyspaces.get(k));
    }
    if (involved.isEmpty()) {
      return;
    }
    if (involved.size() == 1) {
      involved.getFirst().write(batch, durability);
      return;
    }
    List<Lock> held = new ArrayList<>();
    try {
      for (DatabaseKeyspace k : involved) {
        Lock l = k.readFence();
        l.lock();
        held.add(l);
      }
      Map<String, String> engineKeyspaces = new HashMap<>();
      DatabaseKeyspace first = involved.getFirst();
      Place place = first.state().place();
      for (DatabaseKeyspace k : involved) {
        k.checkUsable();
        if (k.isCaptured()) {
          throw new InvalidStateException(
              "keyspace '"
                  + k.name()
                  + "' of database "
                  + directory
                  + " is being migrated to a store of its own, so a batch across it and other"
                  + " keyspaces cannot be atomic; write one batch per keyspace; nothing was"
                  + " written");
        }
        Place p = k.state().place();
        if (!p.storeDirectory().equals(place.storeDirectory())) {
          throw crossStore(first.name(), place, k.name(), p);
        }
        engineKeyspaces.put(k.name(), p.engineKeyspace());
      }
      long start = System.nanoTime();
      try {
        place.write(Batches.translate(batch, engineKeyspaces), durability);
        involved.forEach(k -> k.state().meters().succeeded(KeyspaceMeters.Op.WRITE, start));
      } catch (RuntimeException | Error e) {
        involved.forEach(k -> k.state().meters().failed(KeyspaceMeters.Op.WRITE, start));
        throw e;
      }
    } finally {
      held.reversed().forEach(Lock::unlock);
    }
  }

  /** {@link #write(WriteBatch, Durability)} at {@link Durability#SYNC}-or-the-default. */
  public void write(WriteBatch batch) {
    write(batch, opening.defaultDurability());
  }

  private UnsupportedCapabilityException crossStore(String a, Place pa, String b, Place pb) {
    return new UnsupportedCapabilityException(
        "a batch across keyspaces '"
            + a
            + "' (engine '"
            + pa.engine()
            + "', store "
            + pa.storeDirectory()
            + ") and '"
            + b
            + "' (engine '"
            + pb.engine()
            + "', store "
            + pb.storeDirectory()
            + ") cannot be atomic: they are in different stores, and a database does not commit"
            + " across stores (docs/decisions/0024-database-cross-engine-batches.md); write one"
            + " batch per keyspace, or put the keyspaces in one shared store; nothing was written");
  }

  /** Makes every write acknowledged so far durable, in every store. */
  public void flush() {
    checkOpen();
    stores.values().forEach(StorageEngine::flush);
  }

  /**
   * Closes every store and releases the directory. Idempotent.
   *
   * @throws dev.cairn.spi.StorageException the first failure of a store's close (the others are
   *     closed all the same, their failures suppressed)
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    try {
      for (DatabaseKeyspace k : keyspaces.values()) {
        k.state().meters().close();
      }
      for (StorageEngine s : stores.values()) {
        try {
          s.close();
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    } finally {
      lock.close();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "database " + directory + " " + keyspaceNamesQuietly();
  }

  private List<String> keyspaceNamesQuietly() {
    return catalog.keyspaces().stream().map(Catalog.Named::name).toList();
  }

  // ---------------------------------------------------------------------------------------------

  void checkOpen() {
    if (closed.get()) {
      throw new ClosedHandleException("database " + directory + " is closed");
    }
  }

  private void checkChangeable() {
    checkOpen();
    if (opening.readOnly()) {
      throw new ReadOnlyStoreException("database " + directory + " was opened read-only");
    }
    if (catalogFailure != null) {
      throw new StorageIOException(
          "database "
              + directory
              + " refuses changes to its catalog until it is reopened: an earlier catalog write"
              + " failed ("
              + catalogFailure
              + ")");
    }
  }

  private void requireNew(String name) {
    if (catalog.keyspace(name).isPresent()) {
      throw new InvalidArgumentException(
          "database " + directory + " has a keyspace '" + name + "' already");
    }
    if (catalog.keyspaces().size() >= 0xFFFF || catalog.stores().size() >= 0xFFFF) {
      throw new InvalidArgumentException("database " + directory + " has too many keyspaces");
    }
  }

  /**
   * Writes {@code next} as the catalog; on failure closes {@code created} (a store the change
   * opened) and refuses further changes.
   */
  private void writeCatalog(Catalog next, StorageEngine created) {
    try {
      CatalogFile.write(directory, next);
      catalog = next;
    } catch (RuntimeException e) {
      catalogFailure = String.valueOf(e.getMessage());
      if (created != null) {
        try {
          created.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * A directory name {@code <label>-<n>} that neither the catalog nor the directory has, with
   * {@code n} above every number handed out before (a name is never reused).
   */
  private String reserveDirectory(String label) {
    Set<String> used = catalog.directories();
    String base = label.length() > 50 ? label.substring(0, 50) : label;
    for (int n = Math.max(reservedNumber, catalog.nextNumber()); ; n++) {
      String dir = base + "-" + n;
      if (!used.contains(dir) && !Files.exists(directory.resolve(dir))) {
        reservedNumber = n + 1;
        return dir;
      }
    }
  }

  private String freshEngineKeyspace(String name, Catalog.Store store, StorageEngine opened) {
    Set<String> taken = new HashSet<>(opened.keyspaces());
    catalog.retired().stream()
        .filter(r -> r.store().equals(store.directory()))
        .forEach(r -> taken.add(r.engineKeyspace()));
    if (!taken.contains(name)) {
      return name;
    }
    for (int n = 2; ; n++) {
      String suffix = "-" + n;
      String candidate =
          (name.length() + suffix.length() > 64 ? name.substring(0, 64 - suffix.length()) : name)
              + suffix;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  private StorageEngine openStore(Catalog.Store s, boolean create) {
    boolean durable = opener.capabilities(s.engine()).contains(Capability.DURABLE);
    Path dir = directory.resolve(s.directory());
    if (durable && !create && opener.recordedEngine(dir).isEmpty()) {
      throw new CorruptionException(
          "database "
              + directory
              + ": the catalog names store "
              + s.directory()
              + " (engine '"
              + s.engine()
              + "'), but "
              + dir
              + " holds no store: it was lost or moved, and the database does not open without it");
    }
    return opener.open(
        new StoreOpener.Request(
            durable ? dir : null,
            s.engine(),
            s.settings(),
            create,
            opening.readOnly(),
            opening.defaultDurability(),
            opening.meterRegistry(),
            name + "/" + s.directory()));
  }

  private State state(Catalog.Named k) {
    Catalog.Store s = catalog.store(k.store()).orElseThrow();
    StorageEngine store = stores.get(s.directory());
    Keyspace view = null;
    if (s.isShared()) {
      if (!store.keyspaces().contains(k.engineKeyspace())) {
        throw new CorruptionException(
            "database "
                + directory
                + ": the catalog puts keyspace '"
                + k.name()
                + "' in engine keyspace '"
                + k.engineKeyspace()
                + "' of store "
                + s.directory()
                + " (engine '"
                + s.engine()
                + "'), which has no such keyspace");
      }
      view = store.keyspace(k.engineKeyspace());
    }
    return new State(
        new Place(store, s.directory(), s.engine(), k.engineKeyspace(), view),
        new KeyspaceMeters(opening.meterRegistry(), name, k.name(), s.engine()));
  }

  private void findStrays() {
    Set<String> known = catalog.directories();
    for (String entry : DatabaseBuilder.foreignEntries(directory)) {
      if (!entry.equals(CatalogFile.FILE_NAME) && !known.contains(entry)) {
        strays.add("directory " + directory.resolve(entry) + " (not in the catalog)");
      }
    }
    for (Catalog.Store s : catalog.stores()) {
      if (!s.isShared()) {
        continue;
      }
      Set<String> named = new HashSet<>();
      named.add(Keyspace.DEFAULT);
      catalog.keyspaces().stream()
          .filter(k -> k.store().equals(s.directory()))
          .forEach(k -> named.add(k.engineKeyspace()));
      catalog.retired().stream()
          .filter(r -> r.store().equals(s.directory()))
          .forEach(r -> named.add(r.engineKeyspace()));
      for (String ek : stores.get(s.directory()).keyspaces()) {
        if (!named.contains(ek)) {
          strays.add(
              "engine keyspace '" + ek + "' of store " + s.directory() + " (not in the catalog)");
        }
      }
    }
    if (!strays.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "database "
              + directory
              + " holds what its catalog does not name, left by a change that did not finish;"
              + " it is kept, not used: "
              + strays);
    }
  }

  private RetiredStore toPublic(Catalog.Retired r) {
    return new RetiredStore(
        r.keyspace(),
        r.engine(),
        directory.resolve(r.store()),
        r.wholeStore() ? null : r.engineKeyspace());
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
      SyncedFiles.syncDirectory(root.getParent());
    } catch (IOException e) {
      throw new StorageIOException("cannot delete retired store " + root + ": " + e, e);
    }
  }
}
