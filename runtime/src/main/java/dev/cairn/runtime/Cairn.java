package dev.cairn.runtime;

import dev.cairn.runtime.database.DatabaseBuilder;
import dev.cairn.spi.InvalidArgumentException;
import java.nio.file.Path;

/**
 * Where a user starts: the installed engines, and builders that open stores with them.
 *
 * <pre>{@code
 * try (StorageEngine store = Cairn.store(dir).engine("lsm").open()) {
 *   store.put(key, value);
 * }
 * }</pre>
 *
 * <p>Thread-safe. The installed engines are discovered once, on first use, with {@link
 * EngineRegistry#discover()}; code that loads engines from elsewhere builds its own {@link
 * EngineRegistry}.
 */
public final class Cairn {

  private Cairn() {}

  /** Holds the registry so that discovery runs on first use, once, without locking. */
  private static final class Installed {
    static final EngineRegistry ENGINES = EngineRegistry.discover();
  }

  /** The engines installed on the module path and class path, discovered on first use. */
  public static EngineRegistry engines() {
    return Installed.ENGINES;
  }

  /**
   * A builder for the store in {@code directory}: {@code engines().store(directory)}.
   *
   * @throws InvalidArgumentException if {@code directory} is null
   */
  public static StoreBuilder store(Path directory) {
    return engines().store(directory);
  }

  /**
   * A builder for a store of engine {@code engineName} without a directory, for engines that are
   * not durable: {@code engines().store().engine(engineName)}.
   *
   * @throws InvalidArgumentException if {@code engineName} is null
   */
  public static StoreBuilder inMemory(String engineName) {
    return engines().store().engine(engineName);
  }

  /**
   * A builder for the database in {@code directory}: named keyspaces, each on the engine chosen for
   * it, listed in a crash-safe catalog ({@code docs/database.md}): {@code
   * engines().database(directory)}.
   *
   * <pre>{@code
   * try (Database db = Cairn.database(dir).keyspace("sessions", "hash").open()) {
   *   db.keyspace("sessions").put(key, value);
   * }
   * }</pre>
   *
   * @throws InvalidArgumentException if {@code directory} is null
   * @since 1.2
   */
  public static DatabaseBuilder database(Path directory) {
    return engines().database(directory);
  }
}
