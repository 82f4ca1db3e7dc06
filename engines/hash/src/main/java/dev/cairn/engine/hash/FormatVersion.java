package dev.cairn.engine.hash;

import dev.cairn.spi.IncompatibleVersionException;

/**
 * The on-disk format versions of the hash engine. A constant's number and meaning never change; a
 * new format adds a constant (Pebble's {@code FormatMajorVersion}).
 */
enum FormatVersion {
  /**
   * Data files and hint files as {@code docs/formats/hash-data-file.md} and {@code
   * hash-hint-file.md} describe them, in a directory with a {@code HASH-MANIFEST}.
   */
  V1(1);

  /** The version new stores are written in. */
  static final FormatVersion CURRENT = V1;

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
   * @throws IncompatibleVersionException if this code does not know it (a newer format)
   */
  static FormatVersion of(int number, String where) {
    for (FormatVersion v : values()) {
      if (v.number == number) {
        return v;
      }
    }
    throw new IncompatibleVersionException(
        where
            + ": hash store format version "
            + Integer.toUnsignedString(number)
            + " is not one this engine reads (it reads 1 to "
            + CURRENT.number
            + ")");
  }
}
