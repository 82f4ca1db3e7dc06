package dev.cairn.conformance.crash;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * Self-checking values: each names its key and the workload step that wrote it, and carries a
 * checksum, so a value returned for the wrong key, damaged, or made up is recognised.
 *
 * <pre>
 * | 'V' (1B) | key length (2B) | key | step (4B) | padding (seeded by step) | CRC32C (4B) of all before |
 * padding: 8-byte words, random and one repeated byte by turns, then random bytes
 * </pre>
 *
 * <p>The one exception is the empty value, which has no room to name anything: a key holding it is
 * in the state {@link #EMPTY}, whichever step wrote it. Two empty values are the same bytes, so a
 * store that holds one cannot be told apart from a store that holds the other, and the oracle needs
 * no more.
 */
final class Values {

  /** What {@link #state} gives for a value no step wrote for its key. */
  static final int FOREIGN = -1;

  /** The state of a key that holds the empty value. */
  static final int EMPTY = -2;

  /** The state of a keyspace's {@linkplain Op#marker marker} while the keyspace exists. */
  static final int KEYSPACE = -3;

  private static final int OVERHEAD = 1 + 2 + 4 + 4;

  private Values() {}

  /**
   * A value for {@code key} written at {@code step}, of {@code size} bytes, or of the smallest size
   * that names key and step when {@code size} is smaller (but not zero: a size of zero gives the
   * empty value).
   */
  static byte[] of(byte[] key, int step, int size) {
    if (size == 0) {
      return new byte[0];
    }
    int total = Math.max(size, OVERHEAD + key.length);
    ByteBuffer b = ByteBuffer.allocate(total);
    b.put((byte) 'V').putShort((short) key.length).put(key).putInt(step);
    SplittableRandom rnd = new SplittableRandom(step * 31L + key.length);
    // NB: every other word repeats one byte, so a value compresses to about half: an engine that
    // compresses blocks then stores them compressed, and its campaigns read them back after each
    // crash (wholly random padding would be stored uncompressed).
    long filler = 0x0101_0101_0101_0101L * ('a' + (step & 0x1F));
    boolean random = true;
    while (b.remaining() >= 4 + Long.BYTES) {
      b.putLong(random ? rnd.nextLong() : filler);
      random = !random;
    }
    while (b.remaining() > 4) {
      b.put((byte) rnd.nextInt(256));
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, total - 4);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The state a key is in once {@code step} wrote {@code value} to it. */
  static int written(int step, byte[] value) {
    return value.length == 0 ? EMPTY : step;
  }

  /**
   * The state {@code value} puts {@code key} in: the step that wrote it, {@link #EMPTY}, or {@link
   * #FOREIGN} if it is no value any step wrote for {@code key}.
   */
  static int state(byte[] key, byte[] value) {
    if (value == null) {
      return FOREIGN;
    }
    if (value.length == 0) {
      return EMPTY;
    }
    if (value.length < OVERHEAD + key.length || value[0] != 'V') {
      return FOREIGN;
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    b.position(1);
    if (b.getShort() != (short) key.length
        || !Arrays.equals(value, 3, 3 + key.length, key, 0, key.length)) {
      return FOREIGN;
    }
    CRC32C crc = new CRC32C();
    crc.update(value, 0, value.length - 4);
    if ((int) crc.getValue() != b.getInt(value.length - 4)) {
      return FOREIGN;
    }
    int step = b.getInt(3 + key.length);
    return step >= 0 && Arrays.equals(value, of(key, step, value.length)) ? step : FOREIGN;
  }

  /** A key's state in words, for messages. */
  static String describe(Integer state) {
    if (state == null) {
      return "absent";
    }
    return switch (state) {
      case EMPTY -> "an empty value";
      case KEYSPACE -> "an existing keyspace";
      default -> "value of #" + state;
    };
  }
}
