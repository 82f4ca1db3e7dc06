package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.Crc32c;
import dev.cairn.spi.CorruptionException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header every page of the data file starts with, and its checks ({@code
 * docs/formats/btree-page.md}).
 *
 * <pre>
 * | CRC32C (4B) | type (1B) | flags (1B) | count (2B) | page id (8B) | txid (8B) | body ... |
 * </pre>
 *
 * <p>The CRC32C covers every byte of the page after itself (meta pages: the meta's fixed length,
 * {@link Meta#LENGTH}). The page id is where the page belongs, so a write that landed at the wrong
 * offset (misdirected) is caught; the txid is the transaction that wrote it, and every reference to
 * a page carries the txid it expects, so a page that still holds an older content (a lost or stale
 * write) is caught too. Both are checked on every read, before a byte of the body is used. All
 * numbers are little-endian.
 */
final class PageFormat {

  private PageFormat() {}

  static final int CHECKSUM_OFFSET = 0;
  static final int TYPE_OFFSET = 4;
  static final int FLAGS_OFFSET = 5;
  static final int COUNT_OFFSET = 6;
  static final int ID_OFFSET = 8;
  static final int TXID_OFFSET = 16;

  /** Bytes of the header; the body starts here. */
  static final int HEADER_SIZE = 24;

  /**
   * A node page's flag: its entries are written compactly, flags and lengths as varints (format
   * version 3). Without it, a node page of an older version: a flags byte and fixed lengths.
   */
  static final byte COMPACT_ENTRIES = 1;

  /** The smallest and largest page sizes a store may have; a power of two between them. */
  static final int MIN_PAGE_SIZE = 4096;

  static final int MAX_PAGE_SIZE = 65536;

  /** Page types. A constant's number never changes meaning. */
  static final byte META = 1;

  static final byte LEAF = 2;
  static final byte BRANCH = 3;
  static final byte OVERFLOW = 4;
  static final byte FREELIST = 5;
  static final byte CATALOG = 6;

  static String typeName(byte type) {
    return switch (type) {
      case META -> "meta";
      case LEAF -> "leaf";
      case BRANCH -> "branch";
      case OVERFLOW -> "overflow";
      case FREELIST -> "freelist";
      case CATALOG -> "catalog";
      default -> "unknown type " + (type & 0xff);
    };
  }

  /** A little-endian buffer over {@code page}. */
  static ByteBuffer buffer(byte[] page) {
    return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes the header of a page of {@code type} at {@code pageId} written by {@code txid}. */
  static void header(ByteBuffer page, byte type, int count, long pageId, long txid) {
    page.put(TYPE_OFFSET, type);
    page.put(FLAGS_OFFSET, (byte) 0);
    page.putShort(COUNT_OFFSET, (short) count);
    page.putLong(ID_OFFSET, pageId);
    page.putLong(TXID_OFFSET, txid);
  }

  /** Computes and stores the checksum over {@code [4, length)}. */
  static void seal(byte[] page, int length) {
    int crc = Crc32c.value(page, TYPE_OFFSET, length - TYPE_OFFSET);
    buffer(page).putInt(CHECKSUM_OFFSET, crc);
  }

  /** True when the checksum over {@code [4, length)} matches. */
  static boolean checksumMatches(byte[] page, int length) {
    return buffer(page).getInt(CHECKSUM_OFFSET) == Crc32c.value(page, TYPE_OFFSET, length - 4);
  }

  /**
   * Checks that {@code page}, read from {@code pageId}, is intact, belongs there, was written by
   * {@code txid} and has {@code type}.
   *
   * @param where names the file, for messages
   * @throws CorruptionException naming the page and what is wrong
   */
  static void verify(byte[] page, long pageId, long txid, byte type, String where) {
    verify(MemorySegment.ofArray(page), pageId, txid, type, where);
  }

  /**
   * Checks that {@code page} (a whole page, in engine-owned memory or on the heap), read from
   * {@code pageId}, is intact, belongs there, was written by {@code txid} and has {@code type}.
   *
   * @param where names the file, for messages
   * @throws CorruptionException naming the page and what is wrong
   */
  static void verify(MemorySegment page, long pageId, long txid, byte type, String where) {
    ByteBuffer b = page.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int crc = Crc32c.value(b.slice(TYPE_OFFSET, b.capacity() - TYPE_OFFSET));
    if (b.getInt(CHECKSUM_OFFSET) != crc) {
      throw new CorruptionException(
          where
              + ": page "
              + pageId
              + " fails its checksum (a torn, lost or damaged write; expected a "
              + typeName(type)
              + " page of transaction "
              + txid
              + ")");
    }
    long id = b.getLong(ID_OFFSET);
    if (id != pageId) {
      throw new CorruptionException(
          where
              + ": page "
              + pageId
              + " holds the content of page "
              + id
              + " (a misdirected write)");
    }
    long written = b.getLong(TXID_OFFSET);
    if (written != txid) {
      throw new CorruptionException(
          where
              + ": page "
              + pageId
              + " was written by transaction "
              + written
              + " but is referenced as written by "
              + txid
              + " (a stale page: a write that never reached the disk, or a page reused too early)");
    }
    if (b.get(TYPE_OFFSET) != type) {
      throw new CorruptionException(
          where
              + ": page "
              + pageId
              + " is a "
              + typeName(b.get(TYPE_OFFSET))
              + " page where a "
              + typeName(type)
              + " page is referenced");
    }
  }

  /** The type byte of a page that passed {@link #verify}. */
  static byte type(byte[] page) {
    return page[TYPE_OFFSET];
  }

  /** The txid in the header of {@code page}. */
  static long txid(byte[] page) {
    return buffer(page).getLong(TXID_OFFSET);
  }

  /** The entry count of a page that passed {@link #verify}. */
  static int count(byte[] page) {
    return buffer(page).getShort(COUNT_OFFSET) & 0xffff;
  }

  /** True when {@code n} is a page size this engine supports. */
  static boolean validPageSize(long n) {
    return n >= MIN_PAGE_SIZE && n <= MAX_PAGE_SIZE && Long.bitCount(n) == 1;
  }
}
