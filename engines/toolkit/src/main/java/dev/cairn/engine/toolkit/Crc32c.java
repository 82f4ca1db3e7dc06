package dev.cairn.engine.toolkit;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C (Castagnoli) checksums, and the masking LevelDB applies to checksums it stores.
 *
 * <p>Thread-safe: every method is static and keeps no state.
 */
public final class Crc32c {

  // Why mask: a stored checksum is itself data. When a record that embeds a CRC is checksummed
  // again (a log record whose payload holds another record, a block holding record headers), the
  // CRC of a string containing its own CRC is degenerate, and corruption patterns that preserve
  // both can go undetected. LevelDB (util/crc32c.h) therefore stores a rotated, offset CRC;
  // masking is a bijection, so nothing is lost. Same constant and rotation as LevelDB, so stored
  // values are comparable with its tools.
  private static final int MASK_DELTA = 0xa282ead8;

  private Crc32c() {}

  /** The CRC-32C of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static int value(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /** The CRC-32C of all of {@code bytes}. */
  public static int value(byte[] bytes) {
    return value(bytes, 0, bytes.length);
  }

  /**
   * The CRC-32C of the remaining bytes of {@code buffer}; its position is left unchanged.
   *
   * @param buffer any buffer, heap or direct
   */
  public static int value(ByteBuffer buffer) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate());
    return (int) crc.getValue();
  }

  /** The masked form of {@code crc}, for storing: rotate right by 15 bits, add a constant. */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** The CRC a {@linkplain #mask(int) masked} value was made from. */
  public static int unmask(int masked) {
    int rotated = masked - MASK_DELTA;
    return (rotated >>> 17) | (rotated << 15);
  }
}
