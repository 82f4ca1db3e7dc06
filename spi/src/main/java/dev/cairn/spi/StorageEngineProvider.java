package dev.cairn.spi;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A storage engine, as found by {@link java.util.ServiceLoader}: its name, version, capabilities
 * and settings, and the way to open a store with it.
 *
 * <p>Implementations are small, stateless and thread-safe, with a public no-argument constructor
 * (or a public static {@code provider()} method on the module path), as {@code java.sql.Driver}
 * asks. An engine module exports nothing and declares:
 *
 * <pre>{@code
 * module com.example.engine {
 *   requires dev.cairn.spi;
 *   provides dev.cairn.spi.StorageEngineProvider with com.example.engine.ExampleProvider;
 * }
 * }</pre>
 *
 * <p>and, for the class path, lists the provider in {@code
 * META-INF/services/dev.cairn.spi.StorageEngineProvider}.
 */
public interface StorageEngineProvider {

  /** What a provider name looks like: lower-case ASCII, starting with a letter, 1 to 32 long. */
  Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /**
   * The engine's name, unique among installed engines, matching {@link #NAME} ({@code "lsm"},
   * {@code "hash"}). Recorded in every store the engine creates, so it never changes.
   */
  String name();

  /** The engine's own version, for reports (for example {@code "1.2.0"}). */
  String version();

  /**
   * The SPI version this provider was compiled against: return {@code new
   * SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR)}, whose compile-time constants the compiler
   * copies into the provider's class file. (Not {@link SpiVersion#CURRENT}: that is the version
   * present at run time.)
   */
  SpiVersion spiVersion();

  /** The optional parts of the contract this engine supports; see {@link Capability}. */
  Set<Capability> capabilities();

  /** The engine-specific settings it accepts; any other setting makes {@link #open} fail. */
  default List<EngineSetting> settings() {
    return List.of();
  }

  /** One line on what the engine is for. */
  default String description() {
    return name();
  }

  /**
   * Opens (or creates) a store.
   *
   * <p>A durable engine creates the directory when it is missing and {@link
   * EngineOptions#createIfMissing()} is set, takes an exclusive lock on it, records its name and
   * format version in it, and runs recovery. It fails with {@link IncompatibleVersionException}
   * when the directory holds another engine's store or a format newer than it reads.
   *
   * @return an open engine handle, owned by the caller
   * @throws InvalidArgumentException for a bad option or an unknown or invalid setting
   * @throws StoreLockedException if the store is already open
   * @throws IncompatibleVersionException if the store was written by another engine or a newer
   *     format
   * @throws CorruptionException if recovery finds damage it cannot repair by its documented policy
   * @throws StorageIOException if the file system fails, or the store is missing and creation was
   *     not asked for
   */
  StorageEngine open(EngineOptions options);

  /** True when {@code name} is a valid provider name. */
  static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
