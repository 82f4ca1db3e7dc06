package dev.cairn.engine.lsm;

import dev.cairn.spi.IncompatibleVersionException;

/**
 * The on-disk format versions of the LSM engine. A constant's number and meaning never change; a
 * new format adds a constant (Pebble's {@code FormatMajorVersion}). One number covers every file
 * kind of a store (WAL, table, manifest, {@code CURRENT}); each file records it.
 */
enum FormatVersion {
  /**
   * The formats of {@code docs/formats/lsm-wal.md}, {@code lsm-table.md} and {@code
   * lsm-manifest.md} as first written: keys carry a keyspace prefix, tables are uncompressed.
   */
  V1(1),
  /**
   * Data blocks may be compressed (the {@code compression} setting; the block trailer's byte names
   * the codec). Everything else as in {@link #V1}. A store opened for writing is rewritten in this
   * version at once (its new manifest and {@code CURRENT}), so an engine that reads only version 1
   * refuses it before it could meet a compressed block.
   */
  V2(2),

  /**
   * Range tombstones: a log's batch records may hold range deletes ({@code lsm-wal.md}); a table's
   * footer names a range-deletion block, and its first and last keys include its tombstones' extent
   * ({@code lsm-table.md}, {@code lsm-manifest.md}). Adds to what every earlier version has. A
   * store of an earlier version is read as it is; opened for writing, it is upgraded by recovery's
   * rewrite (new logs, a new manifest and {@code CURRENT} in this version), while its tables keep
   * their version until compaction rewrites them.
   */
  V3(3);

  /** The version new files are written in. */
  static final FormatVersion CURRENT = V3;

  private final int number;

  FormatVersion(int number) {
    this.number = number;
  }

  int number() {
    return number;
  }

  /** Whether files of this version may hold range tombstones. */
  boolean hasRangeTombstones() {
    return number >= V3.number;
  }

  /** Whether a table of this version may hold compressed data blocks. */
  boolean compressesDataBlocks() {
    return compareTo(V2) >= 0;
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
            + ": LSM store format version "
            + Integer.toUnsignedString(number)
            + " is not one this engine reads (it reads 1 to "
            + CURRENT.number
            + ")");
  }
}
