package dev.cairn.engine.lsm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The byte layout of a write-ahead log: logical records cut into fragments that never cross a
 * {@value #BLOCK_SIZE}-byte block boundary (LevelDB's {@code log_format.h}). The specification is
 * {@code docs/formats/lsm-wal.md}.
 *
 * <pre>
 * fragment: | masked CRC32C (4B LE) | length (2B LE) | type (1B) | payload (length bytes) |
 * </pre>
 *
 * <p>The checksum covers the length, type and payload. A record that fits in what is left of the
 * block is one {@link #FULL} fragment; a longer one is a {@link #FIRST}, any number of {@link
 * #MIDDLE}s and a {@link #LAST}. Fewer than {@value #HEADER_SIZE} bytes left in a block are zeros,
 * and the next fragment starts the next block. Type 0 is never written: zeros (space a file system
 * extended after a crash, a preallocated tail) never read as a fragment.
 *
 * <p>Because every block starts with a fragment header, a reader can find the records of a later
 * block without reading what comes before it: that is how recovery tells a torn tail from damage
 * before synced records ({@link WalReader#syncedBeyond}).
 *
 * <p>Thread-safe: constants and static methods only.
 */
final class WalFormat {

  static final int BLOCK_SIZE = 32 * 1024;
  static final int HEADER_SIZE = 7;

  static final int FULL = 1;
  static final int FIRST = 2;
  static final int MIDDLE = 3;
  static final int LAST = 4;

  private WalFormat() {}

  /**
   * An upper bound on the bytes a logical record of {@code length} bytes takes once framed,
   * wherever in a block it starts: its headers and the padding of the blocks it ends.
   */
  static long framedSizeBound(long length) {
    long fragments = length / (BLOCK_SIZE - HEADER_SIZE) + 2;
    return length + fragments * (2L * HEADER_SIZE);
  }

  /**
   * Frames one logical record made of {@code parts} (read from each one's position to its limit)
   * into {@code out}, whose position lies at file offset {@code fileOffset}; positions of the parts
   * advance. {@code out} must have room for {@link #framedSizeBound} of the total length.
   */
  static void frame(ByteBuffer out, long fileOffset, ByteBuffer... parts) {
    long total = 0;
    for (ByteBuffer p : parts) {
      total += p.remaining();
    }
    ByteBuffer o = out.order(ByteOrder.LITTLE_ENDIAN);
    long offset = fileOffset;
    int part = 0;
    boolean first = true;
    do {
      int leftInBlock = (int) (BLOCK_SIZE - offset % BLOCK_SIZE);
      if (leftInBlock < HEADER_SIZE) {
        for (int i = 0; i < leftInBlock; i++) {
          o.put((byte) 0);
        }
        offset += leftInBlock;
        leftInBlock = BLOCK_SIZE;
      }
      int room = leftInBlock - HEADER_SIZE;
      int length = (int) Math.min(room, total);
      boolean last = length == total;
      int type = first ? (last ? FULL : FIRST) : (last ? LAST : MIDDLE);
      int start = o.position();
      o.putInt(0).putShort((short) length).put((byte) type);
      int left = length;
      while (left > 0) {
        ByteBuffer p = parts[part];
        int n = Math.min(left, p.remaining());
        if (n == 0) {
          part++;
          continue;
        }
        ByteBuffer slice = p.slice(p.position(), n);
        o.put(slice);
        p.position(p.position() + n);
        left -= n;
      }
      CRC32C crc = new CRC32C();
      crc.update(o.duplicate().limit(o.position()).position(start + 4));
      o.putInt(start, dev.cairn.engine.toolkit.Crc32c.mask((int) crc.getValue()));
      offset += HEADER_SIZE + length;
      total -= length;
      first = false;
    } while (total > 0);
  }

  /**
   * The padding needed at {@code fileOffset} before a fragment can start there: the zeros ending a
   * block with less than a header's room left, else 0.
   */
  static int paddingAt(long fileOffset) {
    int left = (int) (BLOCK_SIZE - fileOffset % BLOCK_SIZE);
    return left < HEADER_SIZE ? left : 0;
  }
}
