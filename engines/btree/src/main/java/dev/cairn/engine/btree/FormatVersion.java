package dev.cairn.engine.btree;

import dev.cairn.spi.IncompatibleVersionException;

/**
 * The on-disk format versions of the B+tree engine. A constant's number and meaning never change; a
 * new format adds a constant (Pebble's {@code FormatMajorVersion}). One number covers the whole
 * data file (meta, node, blob pages); each meta page records it.
 */
enum FormatVersion {
  /**
   * The formats of {@code docs/formats/btree-page.md} and {@code btree-meta.md} as first written.
   */
  V1(1),

  /**
   * V1's data file, with the log of {@code BUFFERED} writes beside it ({@code btree.log}, {@code
   * docs/formats/btree-log.md}, decision 0026): an engine that reads only V1 would open such a
   * store without the writes its log holds, so it must refuse it. Every meta this engine writes
   * said V2; it opens V1 stores (they have no log) and writes the current version's metas from
   * their next commit.
   */
  V2(2),

  /**
   * V2 with compact node entries: a node page written with the page flag {@code COMPACT_ENTRIES}
   * holds each entry's flags and key length in one varint and its value length in another ({@code
   * docs/formats/btree-page.md}, "Node pages"), where V1 and V2 wrote a flags byte and lengths of 2
   * and 4 bytes. An engine that reads only V2 would misread such a page, so it must refuse the
   * store. This engine reads both kinds of page: it opens V1 and V2 stores, writes a V3 meta from
   * their next commit, and writes every node page it writes from then on compact; the pages it has
   * not rewritten keep their older entries.
   */
  V3(3),

  /**
   * V3 with the log's position in the meta: a meta may say that its state holds the first records
   * of an older generation of the log of {@code BUFFERED} writes ({@code
   * docs/formats/btree-meta.md}, {@code btree-log.md}), written when a commit was made durable
   * while writers went on logging (decision 0031). An engine that reads only V3 would replay none
   * of the records after those and lose acknowledged writes, so it must refuse the store. This
   * engine opens V1 to V3 stores (their metas hold zeros there: the log follows the meta's own
   * txid) and writes V4 metas from their next commit.
   */
  V4(4);

  /** The version new stores are written in. */
  static final FormatVersion CURRENT = V4;

  private final int number;

  FormatVersion(int number) {
    this.number = number;
  }

  int number() {
    return number;
  }

  /**
   * The version numbered {@code number}.
   *
   * @param where names the file, for the message
   * @throws IncompatibleVersionException if this code does not read it (a newer format)
   */
  static FormatVersion of(int number, String where) {
    for (FormatVersion v : values()) {
      if (v.number == number) {
        return v;
      }
    }
    throw new IncompatibleVersionException(
        where
            + ": B+tree store format version "
            + Integer.toUnsignedString(number)
            + " is not one this engine reads (it reads 1 to "
            + CURRENT.number
            + ")");
  }
}
