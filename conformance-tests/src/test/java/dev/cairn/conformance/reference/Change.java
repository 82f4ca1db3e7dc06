package dev.cairn.conformance.reference;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.KeyRange;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One change to the reference engine's state, as it is applied in memory and replayed from the log:
 * the same code does both, so what recovery rebuilds is what the live store held. A write batch
 * becomes a list of changes in its order; creating and dropping a keyspace are a change each.
 *
 * <p>The state is a map from keyspace name to that keyspace's entries in unsigned key order. Arrays
 * are owned by the change: callers copy before building one.
 */
sealed interface Change {

  /** The keyspace the change touches. */
  String keyspace();

  /**
   * Applies the change to {@code state}.
   *
   * @throws CorruptionException if the change names a keyspace that does not exist (creating one
   *     that does): the log and the state it is replayed into disagree
   */
  void applyTo(Map<String, NavigableMap<byte[], byte[]>> state);

  /** A new, empty keyspace's entries. */
  static NavigableMap<byte[], byte[]> emptyKeyspace() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  private static NavigableMap<byte[], byte[]> existing(
      Map<String, NavigableMap<byte[], byte[]>> state, String keyspace) {
    NavigableMap<byte[], byte[]> m = state.get(keyspace);
    if (m == null) {
      throw new CorruptionException("a change names keyspace '" + keyspace + "', which is absent");
    }
    return m;
  }

  /** Stores {@code value} under {@code key}. */
  record Put(String keyspace, byte[] key, byte[] value) implements Change {
    @Override
    public void applyTo(Map<String, NavigableMap<byte[], byte[]>> state) {
      existing(state, keyspace).put(key, value);
    }
  }

  /** Removes {@code key}. */
  record Delete(String keyspace, byte[] key) implements Change {
    @Override
    public void applyTo(Map<String, NavigableMap<byte[], byte[]>> state) {
      existing(state, keyspace).remove(key);
    }
  }

  /** Removes every key of {@code range}. */
  record DeleteRange(String keyspace, KeyRange range) implements Change {
    @Override
    public void applyTo(Map<String, NavigableMap<byte[], byte[]>> state) {
      existing(state, keyspace).keySet().removeIf(range::contains);
    }
  }

  /** Adds the empty keyspace {@code keyspace}. */
  record CreateKeyspace(String keyspace) implements Change {
    @Override
    public void applyTo(Map<String, NavigableMap<byte[], byte[]>> state) {
      if (state.putIfAbsent(keyspace, emptyKeyspace()) != null) {
        throw new CorruptionException("keyspace '" + keyspace + "' is created twice");
      }
    }
  }

  /** Removes keyspace {@code keyspace} and every key in it. */
  record DropKeyspace(String keyspace) implements Change {
    @Override
    public void applyTo(Map<String, NavigableMap<byte[], byte[]>> state) {
      existing(state, keyspace);
      state.remove(keyspace);
    }
  }
}
