package dev.cairn.runtime.database;

import dev.cairn.engine.toolkit.DirectoryLock;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.Durability;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageIOException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Opens a {@link Database}: its directory, the keyspaces it must have, and how its stores are
 * opened. Obtained from {@code Cairn.database(dir)}.
 *
 * <pre>{@code
 * try (Database db = Cairn.database(dir)
 *         .keyspace("sessions", "hash")
 *         .keyspace("events", "lsm")
 *         .keyspace("catalog", "btree")
 *         .open()) {
 *   db.keyspace("sessions").put(key, value);
 * }
 * }</pre>
 *
 * <p>A keyspace declared here is created when the database lacks it, and checked when it has it:
 * declared on another engine, in another shared store, or with other settings, the open fails
 * naming both (a keyspace changes engine by migration, not by a different declaration). Keyspaces
 * the catalog has and the builder does not declare are opened all the same: a database reopens with
 * {@code Cairn.database(dir).open()}, naming no engine.
 *
 * <p>Not thread-safe; a builder may open several databases in turn.
 *
 * @since 1.2
 */
public final class DatabaseBuilder {

  /** A keyspace or shared store declared: its engine and settings, or its shared store. */
  record Declared(String name, String engine, Map<String, String> settings, String sharedStore) {}

  private final StoreOpener opener;
  private final Path directory;
  private final Map<String, Declared> shared = new LinkedHashMap<>();
  private final Map<String, Declared> keyspaces = new LinkedHashMap<>();
  private boolean createIfMissing = true;
  private boolean readOnly;
  private Durability defaultDurability = Durability.SYNC;
  private MeterRegistry meterRegistry = Metrics.globalRegistry;
  private String name;

  /**
   * A builder for the database in {@code directory} whose stores {@code opener} opens; {@code
   * Cairn.database(dir)} is the usual way.
   *
   * @throws InvalidArgumentException if an argument is null
   */
  public DatabaseBuilder(StoreOpener opener, Path directory) {
    this.opener = nonNull(opener, "store opener");
    this.directory = nonNull(directory, "database directory");
  }

  /**
   * Declares keyspace {@code name} in a store of its own on engine {@code engine}.
   *
   * @throws InvalidArgumentException if an argument is null, the name is not a keyspace name, or
   *     the keyspace is declared already
   */
  public DatabaseBuilder keyspace(String name, String engine) {
    return keyspace(name, engine, Map.of());
  }

  /**
   * Declares keyspace {@code name} in a store of its own on engine {@code engine} with {@code
   * settings}.
   *
   * @throws InvalidArgumentException if an argument is null, the name is not a keyspace name, or
   *     the keyspace is declared already
   */
  public DatabaseBuilder keyspace(String name, String engine, Map<String, String> settings) {
    declare(keyspaces, new Declared(name, checkEngine(engine), checkSettings(settings), null));
    return this;
  }

  /**
   * Declares a store named {@code name} on engine {@code engine}, which keyspaces share ({@link
   * #keyspaceIn}); batches across those keyspaces are atomic. The engine must declare {@link
   * dev.cairn.spi.Capability#KEYSPACES}.
   *
   * @throws InvalidArgumentException if an argument is null, the name is not a keyspace name, or
   *     the store is declared already
   */
  public DatabaseBuilder sharedStore(String name, String engine, Map<String, String> settings) {
    declare(shared, new Declared(name, checkEngine(engine), checkSettings(settings), null));
    return this;
  }

  /** {@link #sharedStore(String, String, Map)} without settings. */
  public DatabaseBuilder sharedStore(String name, String engine) {
    return sharedStore(name, engine, Map.of());
  }

  /**
   * Declares keyspace {@code name} in the shared store {@code sharedStore} (declared with {@link
   * #sharedStore}, or in the catalog already).
   *
   * @throws InvalidArgumentException if an argument is null, a name is not a keyspace name, or the
   *     keyspace is declared already
   */
  public DatabaseBuilder keyspaceIn(String name, String sharedStore) {
    Keyspace.checkName(nonNull(sharedStore, "shared store name"));
    declare(keyspaces, new Declared(name, null, Map.of(), sharedStore));
    return this;
  }

  /** Whether a missing database, or a declared keyspace it lacks, is created (default true). */
  public DatabaseBuilder createIfMissing(boolean create) {
    this.createIfMissing = create;
    return this;
  }

  /** Whether the database and every store are opened read-only (default false). */
  public DatabaseBuilder readOnly(boolean readOnly) {
    this.readOnly = readOnly;
    return this;
  }

  /**
   * The durability of writes that do not name one, for every store; default {@link
   * Durability#SYNC}.
   *
   * @throws InvalidArgumentException if {@code durability} is null
   */
  public DatabaseBuilder defaultDurability(Durability durability) {
    this.defaultDurability = nonNull(durability, "durability");
    return this;
  }

  /**
   * Where the keyspaces' and stores' meters are registered; default {@link Metrics#globalRegistry}.
   *
   * @throws InvalidArgumentException if {@code registry} is null
   */
  public DatabaseBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = nonNull(registry, "meter registry");
    return this;
  }

  /**
   * The value of the {@code database} tag of the keyspaces' meters, and the prefix of their stores'
   * {@code store} tags ({@code <name>/<store directory>}); default the database's absolute
   * directory.
   *
   * @throws InvalidArgumentException if {@code name} is null, blank or longer than 100 characters
   */
  public DatabaseBuilder name(String name) {
    nonNull(name, "database name");
    if (name.isBlank() || name.length() > 100) {
      throw new InvalidArgumentException(
          "database name must be 1 to 100 characters, not blank, got '" + name + "'");
    }
    this.name = name;
    return this;
  }

  /**
   * Opens the database: reads its catalog (creating an empty one in a new or empty directory),
   * locks the directory, opens every store the catalog names, and creates the declared keyspaces
   * the catalog lacks.
   *
   * @return the database; the caller must close it
   * @throws dev.cairn.spi.CorruptionException if the catalog is damaged (naming the file and the
   *     defect), or a store the catalog names is missing
   * @throws IncompatibleVersionException if the catalog's format is newer than this runtime reads,
   *     or a declared keyspace is on another engine or store than the catalog says
   * @throws InvalidArgumentException if the directory holds files but no catalog, or a declaration
   *     is invalid (an unknown shared store, a setting the engine refuses)
   * @throws dev.cairn.spi.StoreLockedException if another process, or this one, has it open
   * @throws StorageIOException if the file system fails, or the database is missing and is not to
   *     be created
   * @throws dev.cairn.spi.EngineNotFoundException if an engine the catalog or a declaration names
   *     is not installed
   */
  public Database open() {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      if (Files.exists(dir)) {
        throw new StorageIOException("database path " + dir + " is not a directory");
      }
      if (readOnly || !createIfMissing) {
        throw new StorageIOException(
            "no database at "
                + dir
                + (readOnly
                    ? "; a read-only open never creates one"
                    : " and createIfMissing is off"));
      }
      SyncedFiles.createDirectories(dir);
    }
    DirectoryLock lock = readOnly ? DirectoryLock.acquireShared(dir) : DirectoryLock.acquire(dir);
    Database db = null;
    try {
      Catalog catalog = readOrCreate(dir);
      db =
          new Database(
              dir,
              name == null ? dir.toString() : name,
              opener,
              new Database.Opening(readOnly, defaultDurability, meterRegistry),
              lock,
              catalog);
      db.openAll();
      declare(db);
      return db;
    } catch (RuntimeException | Error e) {
      if (db != null) {
        try {
          db.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      } else {
        lock.close();
      }
      throw e;
    }
  }

  private Catalog readOrCreate(Path dir) {
    Optional<Catalog> read = CatalogFile.read(dir);
    if (read.isPresent()) {
      return read.get();
    }
    List<String> entries = foreignEntries(dir);
    if (!entries.isEmpty()) {
      throw new InvalidArgumentException(
          "directory "
              + dir
              + " holds "
              + String.join(", ", entries.subList(0, Math.min(3, entries.size())))
              + (entries.size() > 3 ? ", ..." : "")
              + " but no "
              + CatalogFile.FILE_NAME
              + " catalog, so it is not a database (or its catalog was lost: it is never"
              + " replaced by an empty one); create a database in a new or empty directory");
    }
    if (readOnly || !createIfMissing) {
      throw new StorageIOException(
          "no database at "
              + dir
              + " (no "
              + CatalogFile.FILE_NAME
              + ")"
              + (readOnly
                  ? "; a read-only open never creates one"
                  : " and createIfMissing is off"));
    }
    Catalog empty = Catalog.empty();
    CatalogFile.write(dir, empty);
    return empty;
  }

  /** The entries of {@code dir} other than the lock file and a stale temporary catalog. */
  static List<String> foreignEntries(Path dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = String.valueOf(p.getFileName());
        if (!n.equals(DirectoryLock.FILE_NAME) && !n.equals(CatalogFile.TEMP_NAME)) {
          names.add(n);
        }
      }
    } catch (IOException e) {
      throw new StorageIOException("cannot list database directory " + dir + ": " + e, e);
    }
    names.sort(null);
    return names;
  }

  /** Creates, or checks against the catalog, what was declared. */
  private void declare(Database db) {
    for (Declared d : shared.values()) {
      Optional<Catalog.Store> s = db.catalog().sharedStore(d.name());
      if (s.isPresent()) {
        check("shared store", d.name(), s.get(), d);
      } else {
        requireCreatable("shared store", d.name(), db);
        db.createSharedStore(d.name(), d.engine(), d.settings());
      }
    }
    for (Declared d : keyspaces.values()) {
      Optional<Catalog.Named> k = db.catalog().keyspace(d.name());
      if (k.isPresent()) {
        Catalog.Store s = db.catalog().store(k.get().store()).orElseThrow();
        if (d.sharedStore() != null) {
          if (!d.sharedStore().equals(s.shared())) {
            throw new IncompatibleVersionException(
                "database "
                    + db.directory()
                    + ": keyspace '"
                    + d.name()
                    + "' is declared in shared store '"
                    + d.sharedStore()
                    + "', but the catalog has it "
                    + (s.isShared()
                        ? "in shared store '" + s.shared() + "'"
                        : "in a store of its own")
                    + " on engine '"
                    + s.engine()
                    + "'");
          }
        } else {
          check("keyspace", d.name(), s, d);
        }
      } else {
        requireCreatable("keyspace", d.name(), db);
        if (d.sharedStore() != null) {
          db.createKeyspaceIn(d.name(), d.sharedStore());
        } else {
          db.createKeyspace(d.name(), d.engine(), d.settings());
        }
      }
    }
  }

  private void requireCreatable(String what, String name, Database db) {
    if (readOnly || !createIfMissing) {
      throw new InvalidArgumentException(
          "database "
              + db.directory()
              + " has no "
              + what
              + " '"
              + name
              + "', and "
              + (readOnly ? "a read-only open" : "an open with createIfMissing off")
              + " does not create one");
    }
  }

  private static void check(String what, String name, Catalog.Store s, Declared d) {
    if (s.isShared() && what.equals("keyspace")) {
      throw new IncompatibleVersionException(
          "keyspace '"
              + name
              + "' is declared in a store of its own on engine '"
              + d.engine()
              + "', but the catalog has it in shared store '"
              + s.shared()
              + "' on engine '"
              + s.engine()
              + "'");
    }
    if (!s.engine().equals(d.engine())) {
      throw new IncompatibleVersionException(
          what
              + " '"
              + name
              + "' is declared on engine '"
              + d.engine()
              + "', but the catalog has it on engine '"
              + s.engine()
              + "'; a keyspace changes engine by a migration, not by another declaration");
    }
    if (!s.settings().equals(new TreeMap<>(d.settings()))) {
      throw new InvalidArgumentException(
          what
              + " '"
              + name
              + "' is declared with settings "
              + new TreeMap<>(d.settings())
              + ", but its store was created with "
              + s.settings()
              + "; settings are kept in the catalog and are not changed by an open");
    }
  }

  private static void declare(Map<String, Declared> into, Declared d) {
    Keyspace.checkName(d.name());
    if (into.putIfAbsent(d.name(), d) != null) {
      throw new InvalidArgumentException("'" + d.name() + "' is declared twice");
    }
  }

  static String checkEngine(String engine) {
    nonNull(engine, "engine name");
    if (!StorageEngineProvider.isValidName(engine)) {
      throw new InvalidArgumentException(
          "invalid engine name '" + engine + "': " + StorageEngineProvider.NAME.pattern());
    }
    return engine;
  }

  static Map<String, String> checkSettings(Map<String, String> settings) {
    nonNull(settings, "settings");
    Map<String, String> copy = new TreeMap<>();
    settings.forEach(
        (k, v) -> {
          nonNull(k, "setting name");
          nonNull(v, "setting value");
          if (k.isEmpty() || k.length() > 200 || v.length() > 4000) {
            throw new InvalidArgumentException(
                "setting names are 1 to 200 characters and values up to 4000, got '"
                    + (k.length() > 80 ? k.substring(0, 80) + "..." : k)
                    + "'");
          }
          copy.put(k, v);
        });
    return copy;
  }

  static <T> T nonNull(T value, String what) {
    if (value == null) {
      throw new InvalidArgumentException(what + " is null");
    }
    return value;
  }
}
