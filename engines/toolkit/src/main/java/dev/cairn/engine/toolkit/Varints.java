package dev.cairn.engine.toolkit;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.InvalidArgumentException;
import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 variable-length integers, as LevelDB's {@code varint32}/{@code varint64} and
 * protocol buffers write them: seven bits a byte, least significant group first, the high bit set
 * on every byte but the last.
 *
 * <p>Values are unsigned: a negative {@code int} or {@code long} is written as its two's complement
 * bit pattern (5 or 10 bytes). Readers accept only the canonical, shortest encoding: a value that
 * runs past the buffer is truncated, and one longer than needed (a trailing {@code 0x00} group,
 * more than 5 or 10 bytes, bits beyond 32 or 64) is overlong; both throw {@link
 * CorruptionException}, because in a checksummed format they can only be damage, and rejecting them
 * makes every value's encoding unique.
 *
 * <p>Thread-safe: every method is static; buffers are the caller's.
 */
public final class Varints {

  /** The longest encoding of an {@code int}, in bytes. */
  public static final int MAX_INT_BYTES = 5;

  /** The longest encoding of a {@code long}, in bytes. */
  public static final int MAX_LONG_BYTES = 10;

  private Varints() {}

  /** The number of bytes {@code value} takes, 1 to 5. */
  public static int sizeOf(int value) {
    return sizeOf(value & 0xFFFF_FFFFL);
  }

  /** The number of bytes {@code value} takes, 1 to 10. */
  public static int sizeOf(long value) {
    int bits = 64 - Long.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }

  /**
   * Writes {@code value} at the buffer's position and advances it.
   *
   * @throws InvalidArgumentException if the buffer has too little room (nothing is written)
   */
  public static void putUnsignedInt(ByteBuffer buffer, int value) {
    putUnsignedLong(buffer, value & 0xFFFF_FFFFL);
  }

  /**
   * Writes {@code value} at the buffer's position and advances it.
   *
   * @throws InvalidArgumentException if the buffer has too little room (nothing is written)
   */
  public static void putUnsignedLong(ByteBuffer buffer, long value) {
    int size = sizeOf(value);
    if (buffer.remaining() < size) {
      throw new InvalidArgumentException(
          "varint of " + size + " bytes does not fit in " + buffer.remaining() + " bytes");
    }
    long v = value;
    while ((v & ~0x7FL) != 0) {
      buffer.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    buffer.put((byte) v);
  }

  /**
   * Writes {@code value} into {@code target} at {@code offset}.
   *
   * @return the offset just past the written bytes
   * @throws InvalidArgumentException if the array is null, the offset is outside it, or it has too
   *     little room (nothing is written)
   */
  public static int putUnsignedLong(byte[] target, int offset, long value) {
    if (target == null || offset < 0 || offset > target.length) {
      throw new InvalidArgumentException(
          "offset "
              + offset
              + " is outside the target array"
              + (target == null ? " (null)" : " of " + target.length + " bytes"));
    }
    ByteBuffer b = ByteBuffer.wrap(target, offset, target.length - offset);
    putUnsignedLong(b, value);
    return b.position();
  }

  /**
   * Reads an unsigned {@code int} at the buffer's position and advances past it.
   *
   * @throws CorruptionException if the encoding is truncated or overlong (naming the buffer
   *     offset); the position is then unchanged
   */
  public static int getUnsignedInt(ByteBuffer buffer) {
    return (int) read(buffer, MAX_INT_BYTES, 32);
  }

  /**
   * Reads an unsigned {@code long} at the buffer's position and advances past it.
   *
   * @throws CorruptionException if the encoding is truncated or overlong (naming the buffer
   *     offset); the position is then unchanged
   */
  public static long getUnsignedLong(ByteBuffer buffer) {
    return read(buffer, MAX_LONG_BYTES, 64);
  }

  private static long read(ByteBuffer buffer, int maxBytes, int bits) {
    int start = buffer.position();
    int limit = buffer.limit();
    long result = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (start + i >= limit) {
        throw new CorruptionException(
            "varint at buffer offset " + start + " is truncated after " + i + " bytes");
      }
      int b = buffer.get(start + i) & 0xFF;
      int shift = 7 * i;
      if ((b & 0x80) == 0) {
        // NB: the last group may only use the bits left below the width; and a zero last group
        // after the first byte is a non-canonical (overlong) encoding.
        if (shift + 7 > bits && (b >>> (bits - shift)) != 0) {
          throw overlong(start, "has bits beyond " + bits);
        }
        if (b == 0 && i > 0) {
          throw overlong(start, "ends in a zero group");
        }
        buffer.position(start + i + 1);
        return result | ((long) b << shift);
      }
      result |= (long) (b & 0x7F) << shift;
    }
    throw overlong(start, "is longer than " + maxBytes + " bytes");
  }

  private static CorruptionException overlong(int offset, String why) {
    return new CorruptionException("varint at buffer offset " + offset + " is overlong: it " + why);
  }
}
