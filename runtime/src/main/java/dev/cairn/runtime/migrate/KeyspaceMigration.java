package dev.cairn.runtime.migrate;

import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.KeyspaceMove;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An online migration of a keyspace of a {@link Database} to a new store of its own, on another
 * engine (or the same one, to leave a shared store): the application keeps using the keyspace's
 * {@link dev.cairn.runtime.database.DatabaseKeyspace} handle, whose writes the migration captures
 * and replays, and the database's cut-over makes the new store the keyspace's, in the catalog, with
 * no acknowledged write lost ({@code docs/migration.md}, "Moving a database keyspace").
 *
 * <pre>{@code
 * MigrationSummary s =
 *     KeyspaceMigration.of(Cairn.engines(), db, "events", "lsm", Map.of())
 *         .configure(m -> m.progress(listener))
 *         .run(); // returns once db.keyspace("events") is on lsm
 * }</pre>
 *
 * <p>It is an {@link OnlineMigration} whose source is the keyspace's data ({@link
 * KeyspaceMove#source()}: the store the keyspace owns, or its engine keyspace of a shared store),
 * whose target is a store created in a new directory of the database ({@code <keyspace>-<n>}, the
 * target's {@code default} keyspace), and whose cut-over is held by the database ({@link
 * Database#cutOver}): with the keyspace's calls held, the last captured keys are replayed, the
 * target flushed, the progress file marked complete and the migration's handle on the target
 * closed; then the database opens the target and commits its catalog.
 *
 * <p>A crash before the catalog commit leaves the keyspace on its old store, which holds every
 * acknowledged write (each went there first); the target directory is not in the catalog (the
 * database lists it among its {@linkplain Database#strays() strays}) and is never used as it is.
 * Running the migration again, to the same engine, finds it by its name and progress file and
 * continues it: the copy from its resume point, then the verification repairs what the crashed
 * process's change log held. A crash after the commit leaves the keyspace on the new store, which
 * held every acknowledged write when the keyspace's calls were let go on.
 *
 * <p>Not thread-safe: one thread calls {@link #run()} once.
 *
 * @since 1.2
 */
public final class KeyspaceMigration {

  private final EngineRegistry registry;
  private final Database database;
  private final String keyspace;
  private final String engine;
  private final Map<String, String> settings;
  private Consumer<OnlineMigration> options = m -> {};
  private Path target;
  private boolean used;

  private KeyspaceMigration(
      EngineRegistry registry,
      Database database,
      String keyspace,
      String engine,
      Map<String, String> settings) {
    this.registry = registry;
    this.database = database;
    this.keyspace = keyspace;
    this.engine = engine;
    this.settings = settings;
  }

  /**
   * A migration of {@code database}'s keyspace {@code keyspace} to a new store of engine {@code
   * engine}, opened with {@code settings} now and on every later open of the database. {@code
   * registry} provides the engines (the one the database was opened with).
   *
   * @throws InvalidArgumentException if an argument is null
   * @since 1.2
   */
  public static KeyspaceMigration of(
      EngineRegistry registry,
      Database database,
      String keyspace,
      String engine,
      Map<String, String> settings) {
    if (registry == null
        || database == null
        || keyspace == null
        || engine == null
        || settings == null) {
      throw new InvalidArgumentException(
          "registry, database, keyspace, engine and settings are required");
    }
    return new KeyspaceMigration(registry, database, keyspace, engine, new TreeMap<>(settings));
  }

  /**
   * Sets the options of the underlying {@link OnlineMigration}: its batches, checkpoints, ranges,
   * progress listener and {@link CutOver} hook. Its progress file (in the target directory) and its
   * write hold (the database's cut-over) are the keyspace migration's own and set after.
   *
   * @throws InvalidArgumentException if {@code options} is null
   * @since 1.2
   */
  public KeyspaceMigration configure(Consumer<OnlineMigration> options) {
    if (options == null) {
      throw new InvalidArgumentException("options are null");
    }
    this.options = options;
    return this;
  }

  /**
   * The target store's directory, once {@link #run()} chose it (a new one, or the one of the
   * unfinished migration it continues); null before.
   *
   * @since 1.2
   */
  public Path target() {
    return target;
  }

  /**
   * Runs the migration to its cut-over; see the class comment.
   *
   * @return what was migrated, once the keyspace is on the target
   * @throws UnsupportedCapabilityException if the engine is not durable
   * @throws InvalidStateException if run twice; if the keyspace is being migrated already; if the
   *     database holds more than one unfinished target of the keyspace, or one whose progress file
   *     records a cut-over the catalog does not name (remove it to migrate again)
   * @throws InvalidArgumentException if there is no such keyspace, or an unfinished target of it is
   *     on another engine (continue it with that engine, or remove it)
   * @throws CorruptionException if the two sides still differ after the repair rounds
   * @throws StorageException as {@link OnlineMigration#run()}; the keyspace keeps its old store
   * @since 1.2
   */
  public MigrationSummary run() {
    if (used) {
      throw new InvalidStateException("a keyspace migration runs once; make another");
    }
    used = true;
    EngineInfo targetInfo = registry.info(engine);
    if (!targetInfo.has(Capability.DURABLE)) {
      throw new UnsupportedCapabilityException(
          "engine '"
              + engine
              + "' is not durable ("
              + Capability.DURABLE
              + "): a keyspace's store must outlive the process; choose a durable engine");
    }
    try (KeyspaceMove move = database.move(keyspace)) {
      EngineInfo sourceInfo = registry.info(move.sourceEngine());
      Path dir = unfinishedTarget(move);
      boolean resuming = dir != null;
      if (dir == null) {
        dir = move.newTarget();
      }
      this.target = dir;
      Path progressFile = dir.resolve(OfflineMigration.PROGRESS_FILE);
      Path to = dir;
      // NB: the move owns the target: the cut-over adopts it as the keyspace's store, open, and
      // closing the move closes it if no cut-over did
      StorageEngine store = move.openTarget(dir, engine, settings, !resuming);
      OnlineMigration m = OnlineMigration.of(move.source(), sourceInfo, store, targetInfo);
      options.accept(m);
      m.progressFile(progressFile).cutOverHeldBy(steps -> move.cutOver(to, settings, steps));
      move.captureThrough(m.store());
      return m.run();
    }
  }

  /**
   * The target an earlier run left unfinished (a directory labelled after the keyspace, not in the
   * catalog, with a progress file), checked against this run; null when there is none.
   */
  private Path unfinishedTarget(KeyspaceMove move) {
    List<Path> unfinished =
        move.unnamedTargets().stream()
            .filter(d -> Files.exists(d.resolve(OfflineMigration.PROGRESS_FILE)))
            .toList();
    if (unfinished.isEmpty()) {
      return null;
    }
    if (unfinished.size() > 1) {
      throw new InvalidStateException(
          "keyspace '"
              + keyspace
              + "' has several unfinished migration targets "
              + unfinished
              + "; remove all but the one to continue");
    }
    Path dir = unfinished.getFirst();
    String recorded = registry.recordedEngine(dir).orElse("");
    if (!recorded.equals(engine)) {
      throw new InvalidArgumentException(
          "keyspace '"
              + keyspace
              + "' has an unfinished migration to engine '"
              + recorded
              + "' in "
              + dir
              + "; continue it with that engine, or remove "
              + dir
              + " to migrate to '"
              + engine
              + "'");
    }
    if (OfflineMigration.isComplete(dir.resolve(OfflineMigration.PROGRESS_FILE))) {
      throw new InvalidStateException(
          dir
              + " records the cut-over of a migration of keyspace '"
              + keyspace
              + "', but the database's catalog does not name it (a crash came between the two):"
              + " the keyspace is on its old store, which holds every acknowledged write, and "
              + dir
              + " is out of date; remove it to migrate again");
    }
    return dir;
  }
}
