package dev.cairn.spi;

import java.util.regex.Pattern;

/**
 * A named, independent key space inside one store ({@link Capability#KEYSPACES}): the same key in
 * two keyspaces is two entries. Obtained from {@link StorageEngine#keyspace(String)} or {@link
 * StorageEngine#createKeyspace(String)}.
 *
 * <p>Thread-safe. Needs no closing: a handle is valid while its store is open and the keyspace
 * exists; after {@link StorageEngine#dropKeyspace(String)} every call on it throws {@link
 * InvalidStateException}, after the store closes {@link ClosedHandleException}. Writes follow the
 * store's rules ({@link Durability}, read-only, fail-stop). The store handle itself reads and
 * writes the {@link #DEFAULT} keyspace.
 *
 * <p>The write methods but {@link #put(byte[], byte[], Durability)} and {@link #delete(byte[],
 * Durability)} have defaults that write a one-keyspace {@link WriteBatch} through {@link #store()}.
 *
 * @since 1.1
 */
public interface Keyspace extends ReadView {

  /** The name of the keyspace every store has, and the store handle reads and writes. */
  String DEFAULT = "default";

  /**
   * What a keyspace name looks like: 1 to 64 of ASCII letters, digits, {@code .}, {@code _} and
   * {@code -}, starting with a letter or digit.
   */
  Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /**
   * Returns {@code name} when it is a valid keyspace name.
   *
   * @throws InvalidArgumentException naming the rule otherwise
   */
  static String checkName(String name) {
    if (name == null) {
      throw new InvalidArgumentException("keyspace name is null");
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(
          "invalid keyspace name '"
              + (name.length() > 80 ? name.substring(0, 80) + "..." : name)
              + "': 1 to 64 of letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    return name;
  }

  /** The keyspace's name. */
  String name();

  /** The store this keyspace belongs to. */
  StorageEngine store();

  /**
   * Stores {@code value} under {@code key} in this keyspace; see {@link StorageEngine#put(byte[],
   * byte[], Durability)}.
   */
  void put(byte[] key, byte[] value, Durability durability);

  /** {@link #put(byte[], byte[], Durability)} at the store's default durability. */
  default void put(byte[] key, byte[] value) {
    put(key, value, store().defaultDurability());
  }

  /**
   * Removes {@code key} from this keyspace; see {@link StorageEngine#delete(byte[], Durability)}.
   */
  void delete(byte[] key, Durability durability);

  /** {@link #delete(byte[], Durability)} at the store's default durability. */
  default void delete(byte[] key) {
    delete(key, store().defaultDurability());
  }

  /**
   * Deletes every key of {@code range} in this keyspace, atomically.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#RANGE_DELETES}
   */
  default void deleteRange(KeyRange range, Durability durability) {
    store().write(new WriteBatch().deleteRange(name(), range), durability);
  }

  /**
   * Stores {@code value} under {@code key} if the key is absent, atomically.
   *
   * @return true if stored, false if the key was present (nothing changed)
   * @throws UnsupportedCapabilityException without {@link Capability#CONDITIONAL_WRITES}
   */
  default boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    return Conditional.applied(
        store(), new WriteBatch().requireAbsent(name(), key).put(name(), key, value), durability);
  }

  /**
   * Replaces the value of {@code key} with {@code value} if it is {@code expected}, atomically.
   *
   * @return true if replaced, false otherwise (nothing changed)
   * @throws UnsupportedCapabilityException without {@link Capability#CONDITIONAL_WRITES}
   */
  default boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
    return Conditional.applied(
        store(),
        new WriteBatch().requireValue(name(), key, expected).put(name(), key, value),
        durability);
  }

  /**
   * Deletes {@code key} if its value is {@code expected}, atomically.
   *
   * @return true if deleted, false otherwise (nothing changed)
   * @throws UnsupportedCapabilityException without {@link Capability#CONDITIONAL_WRITES}
   */
  default boolean deleteIfEquals(byte[] key, byte[] expected, Durability durability) {
    return Conditional.applied(
        store(),
        new WriteBatch().requireValue(name(), key, expected).delete(name(), key),
        durability);
  }

  /**
   * Figures on this keyspace alone: its keys, and where the engine can tell, its disk and memory
   * bytes; the engine-specific details it keeps per keyspace.
   */
  EngineStatistics statistics();
}
