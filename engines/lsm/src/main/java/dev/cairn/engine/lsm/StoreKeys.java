package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Store keys: a caller's key behind its keyspace's prefix, the keyspace id as an unsigned LEB128
 * varint. The encoding is prefix-free, so each keyspace's keys form one contiguous range of the
 * store's key order, and within it the caller's order is kept. The default keyspace has id 0, so
 * its prefix is the single byte {@code 0x00}.
 */
final class StoreKeys {

  /** The id of the default keyspace. */
  static final int DEFAULT_KEYSPACE = 0;

  private static final byte[] DEFAULT_PREFIX = {0};

  private StoreKeys() {}

  /** The prefix of keyspace {@code id}. */
  static byte[] prefix(int id) {
    if (id == DEFAULT_KEYSPACE) {
      return DEFAULT_PREFIX.clone();
    }
    ByteBuffer b = ByteBuffer.allocate(Varints.sizeOf(id));
    Varints.putUnsignedInt(b, id);
    return b.array();
  }

  /** {@code key} behind the prefix of keyspace {@code id}; a new array. */
  static byte[] of(int id, byte[] key) {
    if (id == DEFAULT_KEYSPACE) {
      byte[] k = new byte[key.length + 1];
      System.arraycopy(key, 0, k, 1, key.length);
      return k;
    }
    byte[] p = prefix(id);
    byte[] k = Arrays.copyOf(p, p.length + key.length);
    System.arraycopy(key, 0, k, p.length, key.length);
    return k;
  }

  /** The caller's key in a store key of keyspace {@code id}; a new array. */
  static byte[] userKey(int id, byte[] storeKey) {
    int p = prefixLength(id);
    return Arrays.copyOfRange(storeKey, p, storeKey.length);
  }

  /** The length of keyspace {@code id}'s prefix. */
  static int prefixLength(int id) {
    return Varints.sizeOf(id);
  }

  /** The keyspace id a store key starts with. */
  static int keyspaceOf(byte[] storeKey, String where) {
    try {
      return Varints.getUnsignedInt(ByteBuffer.wrap(storeKey));
    } catch (CorruptionException e) {
      throw new CorruptionException(where + ": a key without a keyspace prefix", e);
    }
  }
}
