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
 * </pre>
 */
final class Values {

  private static final int OVERHEAD = 1 + 2 + 4 + 4;

  private Values() {}

  /** A value for {@code key} written at {@code step}, of about {@code size} bytes. */
  static byte[] of(byte[] key, int step, int size) {
    int total = Math.max(size, OVERHEAD + key.length);
    ByteBuffer b = ByteBuffer.allocate(total);
    b.put((byte) 'V').putShort((short) key.length).put(key).putInt(step);
    SplittableRandom rnd = new SplittableRandom(step * 31L + key.length);
    while (b.remaining() > 4) {
      b.put((byte) rnd.nextInt(256));
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, total - 4);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The step that wrote {@code value} for {@code key}, or -1 if it is not such a value. */
  static int step(byte[] key, byte[] value) {
    if (value == null || value.length < OVERHEAD + key.length || value[0] != 'V') {
      return -1;
    }
    ByteBuffer b = ByteBuffer.wrap(value);
    b.position(1);
    if (b.getShort() != (short) key.length
        || !Arrays.equals(value, 3, 3 + key.length, key, 0, key.length)) {
      return -1;
    }
    CRC32C crc = new CRC32C();
    crc.update(value, 0, value.length - 4);
    if ((int) crc.getValue() != b.getInt(value.length - 4)) {
      return -1;
    }
    int step = b.getInt(3 + key.length);
    return Arrays.equals(value, of(key, step, value.length)) ? step : -1;
  }
}
