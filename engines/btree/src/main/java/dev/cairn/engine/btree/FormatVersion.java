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
   * says V2; it opens V1 stores (they have no log) and writes V2 metas from their next commit.
   */
  V2(2);

  /** The version new stores are written in. */
  static final FormatVersion CURRENT = V2;

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
