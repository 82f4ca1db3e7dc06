package dev.cairn.engine.toolkit;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;

/** Byte-string helpers shared by engines: the key order of the SPI, and printing. */
public final class Bytes {

  /** Unsigned lexicographic order, the order of keys in every Cairn engine. */
  public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  /** Compares two keys in unsigned lexicographic order. */
  public static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /** Lower-case hex of {@code bytes}, for messages; long strings are cut after 64 bytes. */
  public static String hex(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    if (bytes.length <= 64) {
      return HEX.formatHex(bytes);
    }
    return HEX.formatHex(bytes, 0, 64) + "...(" + bytes.length + " bytes)";
  }
}
