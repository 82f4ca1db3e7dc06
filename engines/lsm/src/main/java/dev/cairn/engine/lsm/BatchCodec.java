package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The operations of a batch record ({@link WalRecord#BATCH}, {@code docs/formats/lsm-wal.md}), one
 * after another:
 *
 * <pre>
 * put:          | 1 | key length (varint) | store key | value length (varint) | value |
 * delete:       | 0 | key length (varint) | store key |
 * range delete: | 2 | start length (varint) | start store key | end length (varint) | end store key |
 * </pre>
 *
 * <p>A range delete (format version 3 on) deletes the store keys from its start (inclusive) to its
 * end (exclusive); the start orders before the end.
 *
 * <p>Decoding checks every length against what is left of the record before allocating, and the
 * count against the record's head, so a damaged record that passed its checksum (a bug, not a
 * crash) is still refused with a {@link CorruptionException}, never misread.
 */
final class BatchCodec {

  private BatchCodec() {}

  /** The bytes {@code ops} take encoded. */
  static int encodedSize(List<Mutation> ops) {
    long n = 0;
    for (Mutation m : ops) {
      n += 1 + Varints.sizeOf(m.key().length) + m.key().length;
      if (m.kind() != InternalKey.DELETE) {
        n += Varints.sizeOf(m.value().length) + m.value().length;
      }
    }
    return Math.toIntExact(n);
  }

  /** Encodes {@code ops}. */
  static byte[] encode(List<Mutation> ops) {
    ByteBuffer b = ByteBuffer.allocate(encodedSize(ops));
    for (Mutation m : ops) {
      b.put((byte) m.kind());
      Varints.putUnsignedInt(b, m.key().length);
      b.put(m.key());
      if (m.kind() != InternalKey.DELETE) {
        Varints.putUnsignedInt(b, m.value().length);
        b.put(m.value());
      }
    }
    return b.array();
  }

  /**
   * Decodes the {@code count} operations in {@code record} from {@code offset} to its end.
   *
   * @param rangeDeletes whether the log's format version has range deletes (3 on)
   * @throws CorruptionException if they are not exactly {@code count} well-formed operations
   */
  static List<Mutation> decode(
      byte[] record, int offset, int count, boolean rangeDeletes, String where) {
    ByteBuffer b = ByteBuffer.wrap(record, offset, record.length - offset);
    List<Mutation> ops = new ArrayList<>(Math.min(count, record.length));
    try {
      for (int i = 0; i < count; i++) {
        int kind = b.get() & 0xFF;
        byte[] key = bytes(b, where);
        if (kind == InternalKey.PUT) {
          ops.add(Mutation.put(key, bytes(b, where)));
        } else if (kind == InternalKey.DELETE) {
          ops.add(Mutation.delete(key));
        } else if (kind == InternalKey.RANGE_DELETE && rangeDeletes) {
          byte[] end = bytes(b, where);
          if (java.util.Arrays.compareUnsigned(key, end) >= 0) {
            throw new CorruptionException(
                where + ": operation " + i + " deletes a range whose start is not before its end");
          }
          ops.add(Mutation.deleteRange(key, end));
        } else {
          throw new CorruptionException(where + ": operation " + i + " has kind " + kind);
        }
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptionException(where + ": a batch record ends inside an operation", e);
    } catch (CorruptionException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(where)) {
        throw e;
      }
      throw new CorruptionException(where + ": " + e.getMessage(), e);
    }
    if (b.hasRemaining()) {
      throw new CorruptionException(
          where + ": " + b.remaining() + " bytes follow the batch's " + count + " operations");
    }
    return ops;
  }

  private static byte[] bytes(ByteBuffer b, String where) {
    int n = Varints.getUnsignedInt(b);
    if (n < 0 || n > b.remaining()) {
      throw new CorruptionException(
          where + ": a length of " + Integer.toUnsignedString(n) + " runs past its batch record");
    }
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
