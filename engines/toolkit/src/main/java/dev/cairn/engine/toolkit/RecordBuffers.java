package dev.cairn.engine.toolkit;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Record-log framing ({@link RecordFormat}, {@code docs/formats/toolkit-record.md}) in memory:
 * frames records into a caller's buffer, for an engine that appends many records with one write,
 * and checks a record read in one piece, for an engine that knows a record's size from its index.
 *
 * <p>The bytes are exactly those {@link RecordWriter} writes and {@link RecordReader} reads; a log
 * may mix both ways of writing.
 *
 * <p>Thread-safe: static methods; buffers are the caller's.
 */
public final class RecordBuffers {

  /**
   * Where a checked record's parts lie in the bytes it was read from.
   *
   * @param type the record type, 1 to 255
   * @param payloadOffset where the payload starts
   * @param payloadLength the payload's length
   */
  public record Frame(int type, int payloadOffset, int payloadLength) {}

  private RecordBuffers() {}

  /** The bytes a record with {@code payloadLength} bytes of payload takes, header included. */
  public static int frameSize(int payloadLength) {
    return RecordFormat.RECORD_HEADER_SIZE + payloadLength;
  }

  /**
   * A new buffer holding the file header of the current {@linkplain RecordFormat#VERSION version}.
   */
  public static ByteBuffer fileHeader() {
    return RecordFormat.fileHeader();
  }

  /**
   * Checks a log's file header.
   *
   * @param header at least {@link RecordFormat#FILE_HEADER_SIZE} bytes, the start of the file
   * @param file names the file in messages
   * @throws CorruptionException if the header is too short, or its magic or checksum is wrong
   * @throws IncompatibleVersionException if the version is one this toolkit does not read
   */
  public static void checkFileHeader(byte[] header, String file) {
    if (header == null || header.length < RecordFormat.FILE_HEADER_SIZE) {
      throw new CorruptionException(file + ": record log header is cut short");
    }
    RecordFormat.checkFileHeader(header, file);
  }

  /**
   * Starts a record at {@code target}'s position: reserves its header and leaves the position where
   * the payload goes. Put the payload, then call {@link #end}.
   *
   * @return the record's start, to pass to {@link #end}
   * @throws InvalidArgumentException if the buffer has no room for the header
   */
  public static int begin(ByteBuffer target) {
    if (target.remaining() < RecordFormat.RECORD_HEADER_SIZE) {
      throw new InvalidArgumentException("no room for a record header");
    }
    int start = target.position();
    target.position(start + RecordFormat.RECORD_HEADER_SIZE);
    return start;
  }

  /**
   * Ends the record {@link #begin} started at {@code start}: its payload is everything from the
   * header to {@code target}'s position. Fills in the length, type and checksum.
   *
   * @throws InvalidArgumentException if the type is out of range or the payload is too large
   */
  public static void end(ByteBuffer target, int start, int type) {
    if (type < RecordFormat.MIN_TYPE || type > RecordFormat.MAX_TYPE) {
      throw new InvalidArgumentException(
          "record type " + type + " is outside [1, " + RecordFormat.MAX_TYPE + "]");
    }
    int length = target.position() - start - RecordFormat.RECORD_HEADER_SIZE;
    if (length < 0 || length > RecordFormat.MAX_PAYLOAD_SIZE) {
      throw new InvalidArgumentException("record payload of " + length + " bytes is out of range");
    }
    ByteBuffer b = target.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(start + 4, length);
    b.put(start + 8, (byte) type);
    CRC32C crc = new CRC32C();
    crc.update(b.position(target.position()).flip().position(start + 4));
    target
        .duplicate()
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(start, Crc32c.mask((int) crc.getValue()));
  }

  /**
   * Checks that {@code length} bytes of {@code bytes} from {@code offset} hold exactly one complete
   * record with a valid checksum, as read from where an index said a record of that size starts.
   *
   * @param where names the file and offset in messages
   * @return where its type and payload lie
   * @throws CorruptionException if the bytes are not exactly one valid record
   */
  public static Frame check(byte[] bytes, int offset, int length, String where) {
    if (length < RecordFormat.RECORD_HEADER_SIZE) {
      throw new CorruptionException(where + ": " + length + " bytes cannot hold a record");
    }
    ByteBuffer h = ByteBuffer.wrap(bytes, offset, length).order(ByteOrder.LITTLE_ENDIAN);
    int stored = h.getInt(offset);
    long payload = Integer.toUnsignedLong(h.getInt(offset + 4));
    int type = bytes[offset + 8] & 0xFF;
    if (payload != length - RecordFormat.RECORD_HEADER_SIZE || type == 0) {
      throw new CorruptionException(
          where + ": record header claims type " + type + " and " + payload + " payload bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset + 4, length - 4);
    if (Crc32c.mask((int) crc.getValue()) != stored) {
      throw new CorruptionException(where + ": record fails its checksum");
    }
    return new Frame(type, offset + RecordFormat.RECORD_HEADER_SIZE, (int) payload);
  }
}
