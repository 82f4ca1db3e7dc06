package dev.cairn.engine.toolkit;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The byte layout of a record log: a file header, then checksummed records one after another.
 *
 * <p>The specification is {@code docs/formats/toolkit-record.md}; this class is its only
 * implementation of the byte layout, shared by {@link RecordWriter} and {@link RecordReader}.
 *
 * <pre>
 * file:    | magic "CAIRNREC" (8B) | format version (4B LE) | masked CRC32C of the 12 bytes (4B LE) |
 *          | record | record | ... |
 * record:  | masked CRC32C (4B LE) | length (4B LE) | type (1B) | payload (length bytes) |
 * </pre>
 *
 * <p>A record's checksum covers its length, type and payload (bytes 4 to the end of the record), so
 * a damaged length field is detected as surely as a damaged payload. Type 0 is reserved: a header
 * of zeros (space the file system extended with zeros after a crash) is never a valid record. The
 * length is bounded by {@link #MAX_PAYLOAD_SIZE} and, when read, by what is left in the file.
 *
 * <p>Thread-safe: constants and static methods only.
 */
public final class RecordFormat {

  /** The format version this code writes and the newest it reads. */
  public static final int VERSION = 1;

  /** Bytes of the file header. */
  public static final int FILE_HEADER_SIZE = 16;

  /** Bytes of a record header: checksum, length, type. */
  public static final int RECORD_HEADER_SIZE = 9;

  /**
   * The largest payload, in bytes: 128 MiB, twice the largest write batch, so an engine can log a
   * batch with its own per-operation framing in one record.
   */
  public static final int MAX_PAYLOAD_SIZE = 128 * 1024 * 1024;

  /** The smallest record type applications may use; 0 is reserved. */
  public static final int MIN_TYPE = 1;

  /** The largest record type. */
  public static final int MAX_TYPE = 255;

  static final byte[] MAGIC = "CAIRNREC".getBytes(StandardCharsets.US_ASCII);

  private RecordFormat() {}

  /** The file header for {@link #VERSION}. */
  static ByteBuffer fileHeader() {
    ByteBuffer b = ByteBuffer.allocate(FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(VERSION);
    b.putInt(Crc32c.mask(Crc32c.value(b.array(), 0, 12)));
    return b.flip();
  }

  /**
   * Checks a complete file header.
   *
   * @param header exactly {@link #FILE_HEADER_SIZE} bytes
   * @param file names the file in messages
   * @throws CorruptionException if the magic or checksum is wrong
   * @throws IncompatibleVersionException if the version is newer than {@link #VERSION} (or 0)
   */
  static void checkFileHeader(byte[] header, String file) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (header[i] != MAGIC[i]) {
        throw new CorruptionException(file + ": not a record log (bad magic at offset 0)");
      }
    }
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int stored = Crc32c.unmask(b.getInt(12));
    if (stored != Crc32c.value(header, 0, 12)) {
      throw new CorruptionException(file + ": record log header fails its checksum at offset 8");
    }
    int version = b.getInt(8);
    if (version < 1 || version > VERSION) {
      throw new IncompatibleVersionException(
          file
              + ": record log format version "
              + Integer.toUnsignedString(version)
              + " is not one this toolkit reads (1 to "
              + VERSION
              + ")");
    }
  }

  /** A record's full bytes: header and payload, ready to write. */
  static ByteBuffer encode(int type, byte[] payload, int offset, int length) {
    ByteBuffer b = ByteBuffer.allocate(RECORD_HEADER_SIZE + length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0).putInt(length).put((byte) type).put(payload, offset, length);
    b.putInt(0, Crc32c.mask(Crc32c.value(b.array(), 4, RECORD_HEADER_SIZE - 4 + length)));
    return b.flip();
  }

  /**
   * The checksum a record must carry, over its length and type (from its header) and payload.
   *
   * @param header the record's {@link #RECORD_HEADER_SIZE} header bytes
   */
  static int checksum(byte[] header, byte[] payload) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(header, 4, RECORD_HEADER_SIZE - 4);
    crc.update(payload);
    return Crc32c.mask((int) crc.getValue());
  }
}
