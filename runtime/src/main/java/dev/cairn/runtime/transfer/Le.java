package dev.cairn.runtime.transfer;

/** Little-endian integers in byte arrays, as the export stream stores them. */
final class Le {

  private Le() {}

  static void putShort(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >>> 8);
  }

  static void putInt(byte[] b, int p, int v) {
    for (int i = 0; i < 4; i++) {
      b[p + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putLong(byte[] b, int p, long v) {
    for (int i = 0; i < 8; i++) {
      b[p + i] = (byte) (v >>> (8 * i));
    }
  }

  static int getShort(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  static int getInt(byte[] b, int p) {
    int v = 0;
    for (int i = 3; i >= 0; i--) {
      v = (v << 8) | (b[p + i] & 0xFF);
    }
    return v;
  }

  static long getLong(byte[] b, int p) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[p + i] & 0xFF);
    }
    return v;
  }
}
