package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;

/**
 * Where a block lies in a table: its offset and the size of its contents (without the {@value
 * TableFormat#BLOCK_TRAILER_SIZE}-byte trailer), two varints.
 *
 * @param offset the block's first byte
 * @param size the bytes of its contents
 */
record BlockHandle(long offset, long size) {

  /** The longest encoding: two varint64s. */
  static final int MAX_ENCODED_SIZE = 2 * Varints.MAX_LONG_BYTES;

  void encode(ByteBuffer b) {
    Varints.putUnsignedLong(b, offset);
    Varints.putUnsignedLong(b, size);
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(Varints.sizeOf(offset) + Varints.sizeOf(size));
    encode(b);
    return b.array();
  }

  /**
   * Reads a handle.
   *
   * @throws CorruptionException if the encoding is damaged
   */
  static BlockHandle decode(ByteBuffer b, String where) {
    try {
      long offset = Varints.getUnsignedLong(b);
      long size = Varints.getUnsignedLong(b);
      if (offset < 0 || size < 0) {
        throw new CorruptionException(where + ": a block handle out of range");
      }
      return new BlockHandle(offset, size);
    } catch (CorruptionException e) {
      throw new CorruptionException(where + ": a damaged block handle: " + e.getMessage(), e);
    }
  }

  static BlockHandle decode(byte[] bytes, int offset, int length, String where) {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
    BlockHandle h = decode(b, where);
    if (b.hasRemaining()) {
      throw new CorruptionException(where + ": bytes follow a block handle");
    }
    return h;
  }
}
