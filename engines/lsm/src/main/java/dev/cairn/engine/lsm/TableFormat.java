package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Crc32c;
import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The byte layout of a table (LevelDB's {@code doc/table_format.md}); the specification is {@code
 * docs/formats/lsm-table.md}.
 *
 * <pre>
 * table:   | data block | trailer | ... | filter block | trailer | index block | trailer | footer |
 * trailer: | compression (1B, 0 = none) | masked CRC32C of the stored block and the compression byte (4B LE) |
 * footer:  | filter handle | index handle | range-deletion handle (version 3 on) | zeros to 40 bytes |
 *          | format version (4B LE) | masked CRC32C of the footer's first 44 bytes (4B LE) |
 *          | magic "CAIRNSST" (8B) |
 * </pre>
 *
 * <p>From format version 2 a data block may be stored compressed ({@link Compression}; the
 * trailer's byte names the codec): the stored bytes are then the uncompressed length (varint) and
 * the compressed bytes. Index and filter blocks are always stored uncompressed.
 *
 * <p>Data blocks hold entries keyed by encoded internal keys ({@link InternalKey#encode}); the
 * index block maps the last key of each data block to its handle; the filter block is the table's
 * {@link BloomFilter} over the store keys it holds; the range-deletion block (format version 3 on;
 * a handle of offset 0 and size 0 when there is none) holds the table's {@link RangeTombstones},
 * one entry per fragment and sequence, keyed by the internal key {@code (start, sequence,
 * RANGE_DELETE)}, the value the fragment's end.
 *
 * <p>Thread-safe: constants and static methods.
 */
final class TableFormat {

  static final int BLOCK_TRAILER_SIZE = 5;
  static final int FOOTER_SIZE = 56;
  static final int HANDLES_SIZE = 40;
  static final byte NO_COMPRESSION = 0;
  static final byte[] MAGIC = "CAIRNSST".getBytes(StandardCharsets.US_ASCII);

  /**
   * The footer's parts.
   *
   * @param filter the filter block
   * @param index the index block
   * @param rangeDeletions the range-deletion block, or null if the table has none
   * @param version the table's format version
   */
  record Footer(
      BlockHandle filter, BlockHandle index, BlockHandle rangeDeletions, FormatVersion version) {}

  /** The handle that says "no range-deletion block". */
  static final BlockHandle NO_BLOCK = new BlockHandle(0, 0);

  private TableFormat() {}

  /** The trailer of a block stored uncompressed. */
  static byte[] trailer(byte[] contents) {
    return trailer(contents, 0, contents.length, NO_COMPRESSION);
  }

  /**
   * The trailer of a block whose stored bytes are {@code stored[offset, offset + length)}, of
   * compression {@code type}: the checksum covers the stored bytes and the type.
   */
  static byte[] trailer(byte[] stored, int offset, int length, byte type) {
    CRC32C crc = new CRC32C();
    crc.update(stored, offset, length);
    crc.update(type);
    ByteBuffer b = ByteBuffer.allocate(BLOCK_TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(type).putInt(Crc32c.mask((int) crc.getValue()));
    return b.array();
  }

  /**
   * Checks a block read with its trailer, stored uncompressed: {@code bytes} holds the stored bytes
   * and the trailer. Index and filter blocks, and every block of a version 1 table, are read so.
   *
   * @return the contents
   * @throws CorruptionException if the checksum is wrong or the block is compressed
   */
  static byte[] checkBlock(byte[] bytes, String where) {
    return checkBlock(bytes, where, false);
  }

  /**
   * Checks a block read with its trailer, and decompresses it if it is compressed and {@code
   * mayBeCompressed} (a data block of a version 2 table): the checksum is checked first, so damage
   * on disk is caught before a decompressor sees the bytes.
   *
   * <pre>
   * compressed block: | uncompressed length (varint32) | compressed bytes |
   * </pre>
   *
   * @return the contents
   * @throws CorruptionException if the checksum or compression byte is wrong, the declared length
   *     is above {@link Compression#MAX_UNCOMPRESSED}, or the bytes do not decompress to it
   */
  static byte[] checkBlock(byte[] bytes, String where, boolean mayBeCompressed) {
    int n = bytes.length - BLOCK_TRAILER_SIZE;
    if (n < 0) {
      throw new CorruptionException(where + ": a block shorter than its trailer");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, n + 1);
    int stored = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(n + 1);
    if (Crc32c.mask((int) crc.getValue()) != stored) {
      throw new CorruptionException(where + ": block fails its checksum");
    }
    if (bytes[n] == NO_COMPRESSION) {
      return java.util.Arrays.copyOf(bytes, n);
    }
    if (!mayBeCompressed) {
      throw new CorruptionException(where + ": block has unknown compression " + (bytes[n] & 0xFF));
    }
    Compression c = Compression.ofId(bytes[n], where);
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, n);
    int length;
    try {
      length = Varints.getUnsignedInt(b);
    } catch (CorruptionException e) {
      throw new CorruptionException(
          where + ": a compressed block's uncompressed length is damaged: " + e.getMessage(), e);
    }
    return c.decompress(bytes, b.position(), n - b.position(), length, where);
  }

  /**
   * The footer naming these blocks; {@code rangeDeletions} null when there is none.
   *
   * @throws IllegalStateException if the handles do not fit in the footer (a table of petabytes)
   */
  static byte[] footer(BlockHandle filter, BlockHandle index, BlockHandle rangeDeletions) {
    ByteBuffer b = ByteBuffer.allocate(FOOTER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer handles = ByteBuffer.allocate(3 * BlockHandle.MAX_ENCODED_SIZE);
    filter.encode(handles);
    index.encode(handles);
    (rangeDeletions == null ? NO_BLOCK : rangeDeletions).encode(handles);
    if (handles.position() > HANDLES_SIZE) {
      throw new IllegalStateException("a table's block handles do not fit in its footer");
    }
    b.put(handles.array(), 0, handles.position());
    b.position(HANDLES_SIZE);
    b.putInt(FormatVersion.CURRENT.number());
    b.putInt(Crc32c.mask(Crc32c.value(b.array(), 0, HANDLES_SIZE + 4)));
    b.put(MAGIC);
    return b.array();
  }

  /**
   * Reads a footer.
   *
   * @throws CorruptionException if the magic or checksum is wrong, or a handle points outside the
   *     table's {@code fileSize} bytes
   * @throws dev.cairn.spi.IncompatibleVersionException if the table's format is newer
   */
  static Footer readFooter(byte[] footer, long fileSize, String where) {
    if (footer.length != FOOTER_SIZE
        || !java.util.Arrays.equals(
            footer, FOOTER_SIZE - MAGIC.length, FOOTER_SIZE, MAGIC, 0, MAGIC.length)) {
      throw new CorruptionException(where + ": not a table (bad magic in the footer)");
    }
    ByteBuffer b = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN);
    if (Crc32c.mask(Crc32c.value(footer, 0, HANDLES_SIZE + 4)) != b.getInt(HANDLES_SIZE + 4)) {
      throw new CorruptionException(where + ": the table's footer fails its checksum");
    }
    FormatVersion v = FormatVersion.of(b.getInt(HANDLES_SIZE), where);
    ByteBuffer h = ByteBuffer.wrap(footer, 0, HANDLES_SIZE);
    BlockHandle filter = BlockHandle.decode(h, where);
    BlockHandle index = BlockHandle.decode(h, where);
    BlockHandle rangeDeletions = v.hasRangeTombstones() ? BlockHandle.decode(h, where) : null;
    if (rangeDeletions != null
        && rangeDeletions.offset() == NO_BLOCK.offset()
        && rangeDeletions.size() == NO_BLOCK.size()) {
      rangeDeletions = null;
    }
    long limit = fileSize - FOOTER_SIZE;
    for (BlockHandle x :
        rangeDeletions == null
            ? new BlockHandle[] {filter, index}
            : new BlockHandle[] {filter, index, rangeDeletions}) {
      if (x.size() > Integer.MAX_VALUE - BLOCK_TRAILER_SIZE
          || x.offset() > limit
          || x.size() + BLOCK_TRAILER_SIZE > limit - x.offset()) {
        throw new CorruptionException(where + ": the footer names a block past the table's end");
      }
    }
    return new Footer(filter, index, rangeDeletions, v);
  }
}
