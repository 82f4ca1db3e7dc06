package dev.cairn.conformance;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

/** Byte-string helpers for the tests. Stateless. */
final class Bytes {

  private Bytes() {}

  /** The UTF-8 bytes of {@code s}. */
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** An array of the given unsigned byte values. */
  static byte[] of(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** {@code n} bytes from a seeded generator, so failures name reproducible contents. */
  static byte[] random(long seed, int n) {
    byte[] out = new byte[n];
    new Random(seed).nextBytes(out);
    return out;
  }

  /** {@code n} copies of {@code value}. */
  static byte[] filled(int n, int value) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, (byte) value);
    return out;
  }

  /**
   * Flips every bit of {@code bytes} in place, so that every byte differs from before: how the
   * tests change a caller's array after a call, or a returned one.
   */
  static void invert(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
  }

  /** Hex, abbreviated past 32 bytes. */
  static String hex(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    if (bytes.length <= 32) {
      return HexFormat.of().formatHex(bytes);
    }
    return HexFormat.of().formatHex(bytes, 0, 16) + "...(" + bytes.length + " bytes)";
  }
}
