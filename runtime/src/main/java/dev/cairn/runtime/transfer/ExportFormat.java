package dev.cairn.runtime.transfer;

import dev.cairn.spi.Limits;
import java.nio.charset.StandardCharsets;

/**
 * The export stream's constants, each named once: magic, version, frame types, sizes and limits.
 *
 * <p>The stream, byte by byte, is specified in {@code docs/formats/export-stream.md}; this class is
 * its table of numbers. All integers are little-endian, as in the repository's other formats.
 *
 * <pre>
 * stream  = | magic "CAIRNEXP" (8B) | version (2B) | flags (2B) | frame* |
 * frame   = | type (1B) | 0 (1B) | keyspace (2B) | sequence (4B) | count (4B) | length (4B)
 *           | payload CRC32C (4B) | header CRC32C (4B) | payload (length B) |
 * record  = | key length (2B) | value length (4B) | key | value |
 * </pre>
 */
final class ExportFormat {

  private ExportFormat() {}

  /** {@code CAIRNEXP}: the stream's first eight bytes. */
  static final byte[] MAGIC = "CAIRNEXP".getBytes(StandardCharsets.US_ASCII);

  /** The one version this reader reads and this writer writes. Never changes meaning. */
  static final int VERSION = 1;

  /** Magic, version and flags. */
  static final int PREAMBLE_SIZE = 8 + 2 + 2;

  /** A frame's fixed header: type, reserved, keyspace, sequence, count, length, two CRCs. */
  static final int FRAME_HEADER_SIZE = 1 + 1 + 2 + 4 + 4 + 4 + 4 + 4;

  /** The bytes of a frame header its own CRC covers (all but that CRC). */
  static final int FRAME_HEADER_CHECKED = FRAME_HEADER_SIZE - 4;

  /** Frame type: the stream's header (source engine, time, keyspaces); the first frame. */
  static final int HEADER = 'H';

  /** Frame type: a chunk of one keyspace's records. */
  static final int DATA = 'D';

  /** Frame type: the end of one keyspace, with its totals and digest. */
  static final int KEYSPACE_END = 'E';

  /** Frame type: the stream's trailer, with its totals and digest; the last frame. */
  static final int TRAILER = 'T';

  /** A record's fixed part: key length (2B) and value length (4B). */
  static final int RECORD_HEADER_SIZE = 2 + 4;

  /** The largest record: the SPI's largest key and value with their lengths. */
  static final int MAX_RECORD_SIZE =
      RECORD_HEADER_SIZE + Limits.MAX_KEY_SIZE + Limits.MAX_VALUE_SIZE;

  /**
   * The largest payload a reader accepts, and so the most it ever allocates for one frame: one
   * largest record (a chunk of several records stays under {@link #CHUNK_TARGET}).
   */
  static final int MAX_PAYLOAD = MAX_RECORD_SIZE;

  /** A writer closes a chunk before adding a record would take it past this many bytes. */
  static final int CHUNK_TARGET = 1 << 20;

  /** The digest's size: SHA-256. */
  static final int DIGEST_SIZE = 32;

  /** A keyspace end's payload: entries (8B), data bytes (8B), digest. */
  static final int KEYSPACE_END_SIZE = 8 + 8 + DIGEST_SIZE;

  /** The trailer's payload: keyspaces (4B), entries (8B), data bytes (8B), digest. */
  static final int TRAILER_SIZE = 4 + 8 + 8 + DIGEST_SIZE;

  /** The most keyspaces a stream lists (the keyspace field is two bytes). */
  static final int MAX_KEYSPACES = 0xFFFF;

  /** The longest engine version string, in UTF-8 bytes. */
  static final int MAX_VERSION_LENGTH = 255;

  /** A human name for a frame type, for messages. */
  static String typeName(int type) {
    return switch (type) {
      case HEADER -> "header";
      case DATA -> "data chunk";
      case KEYSPACE_END -> "keyspace end";
      case TRAILER -> "trailer";
      default -> String.format("unknown frame type 0x%02x", type);
    };
  }
}
