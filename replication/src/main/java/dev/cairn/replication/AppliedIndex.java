package dev.cairn.replication;

import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The reserved key under which a node's store records the last log entry it applied, written in the
 * same atomic batch as that entry's data, so that the store and its applied index never disagree,
 * whatever crash comes between two entries.
 *
 * <p>The key is {@link #KEY} in the default keyspace, under the prefix {@link #RESERVED_PREFIX},
 * which clients may not write (not every engine has keyspaces, so the reserved key cannot live in
 * one of its own). Its value is {@code | version (1B) = 1 | term (8B) | index (8B) |}, big-endian.
 */
final class AppliedIndex {

  /** Keys starting with these bytes belong to replication, never to clients. */
  static final byte[] RESERVED_PREFIX =
      concat(new byte[] {(byte) 0xFF}, "cairn.replication.".getBytes(StandardCharsets.US_ASCII));

  static final byte[] KEY = concat(RESERVED_PREFIX, "applied".getBytes(StandardCharsets.US_ASCII));

  static final byte VERSION_1 = 1;
  static final int VALUE_SIZE = 17;

  /** A position in the Raft log: the term and index of an entry. */
  record Position(long term, long index) {
    static final Position NONE = new Position(0, -1);
  }

  private AppliedIndex() {}

  static boolean isReserved(byte[] key) {
    return key.length >= RESERVED_PREFIX.length
        && Arrays.equals(
            key, 0, RESERVED_PREFIX.length, RESERVED_PREFIX, 0, RESERVED_PREFIX.length);
  }

  static byte[] encode(Position p) {
    return ByteBuffer.allocate(VALUE_SIZE)
        .put(VERSION_1)
        .putLong(p.term())
        .putLong(p.index())
        .array();
  }

  /**
   * The position {@code value} records, {@link Position#NONE} for a store that never applied one.
   *
   * @throws CorruptionException if the value is not a position of a known version
   */
  static Position decode(byte[] value) {
    if (value == null) {
      return Position.NONE;
    }
    if (value.length != VALUE_SIZE || value[0] != VERSION_1) {
      throw new CorruptionException(
          "the store's replication applied index is not a version-"
              + VERSION_1
              + " position of "
              + VALUE_SIZE
              + " bytes ("
              + value.length
              + " bytes, version "
              + (value.length == 0 ? "none" : value[0])
              + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(value, 1, 16);
    return new Position(b.getLong(), b.getLong());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
