package dev.cairn.engine.lsm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A table's whole-key bloom filter (LevelDB's {@code util/bloom.cc}): {@code k} bits set per key in
 * an array of about {@code bitsPerKey} bits a key, so a lookup of a key the table lacks reads no
 * data block with probability about {@code 0.6185^bitsPerKey} (1% at 10 bits).
 *
 * <pre>
 * filter: | bit array (n bytes) | k (1B) |
 * </pre>
 *
 * <p>Probes use double hashing of one 64-bit hash ({@link #hash}): probe {@code i} sets bit {@code
 * (h1 + i * h2) mod bits}, with {@code h1} and {@code h2} the low and high halves (Kirsch and
 * Mitzenmacher). The hash is specified in {@code docs/formats/lsm-table.md}; changing it changes
 * the format.
 *
 * <p>Thread-safe: static methods.
 */
final class BloomFilter {

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private BloomFilter() {}

  /** The probes for {@code bitsPerKey}: ln 2 times the bits a key, at least 1, at most 30. */
  static int probes(int bitsPerKey) {
    return Math.clamp(Math.round(bitsPerKey * 0.69f), 1, 30);
  }

  /** A filter holding the keys whose hashes are the first {@code count} of {@code hashes}. */
  static byte[] build(long[] hashes, int count, int bitsPerKey) {
    long bits = Math.max(64, (long) count * bitsPerKey);
    int bytes = (int) Math.min((bits + 7) / 8, Integer.MAX_VALUE - 8);
    bits = bytes * 8L;
    int k = probes(bitsPerKey);
    byte[] filter = new byte[bytes + 1];
    filter[bytes] = (byte) k;
    for (int i = 0; i < count; i++) {
      long h = hashes[i];
      long h1 = h & 0xFFFF_FFFFL;
      long h2 = h >>> 32;
      for (int j = 0; j < k; j++) {
        long bit = Long.remainderUnsigned(h1 + j * h2, bits);
        filter[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
      }
    }
    return filter;
  }

  /**
   * Whether the key with hash {@code h} may be in the filter: false means it is certainly not. A
   * filter too short to hold a probe count, or with a count above 30 (a format this code does not
   * know), answers true: it filters nothing.
   */
  static boolean mayContain(byte[] filter, long h) {
    if (filter.length < 2) {
      return true;
    }
    int bytes = filter.length - 1;
    int k = filter[bytes] & 0xFF;
    if (k < 1 || k > 30) {
      return true;
    }
    long bits = bytes * 8L;
    long h1 = h & 0xFFFF_FFFFL;
    long h2 = h >>> 32;
    for (int j = 0; j < k; j++) {
      long bit = Long.remainderUnsigned(h1 + j * h2, bits);
      if ((filter[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  /** The 64-bit hash of {@code key} that filters use. */
  static long hash(byte[] key) {
    return hash(key, 0, key.length);
  }

  /**
   * The 64-bit hash of {@code length} bytes of {@code b} from {@code offset}: 8-byte words (little
   * endian) folded in one by one, the tail packed into a last word, then MurmurHash3's finalizer.
   */
  static long hash(byte[] b, int offset, int length) {
    long h = 0x9E3779B97F4A7C15L * (length + 1L);
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      long w = (long) LONG_LE.get(b, offset + i);
      h = Long.rotateLeft(h ^ mix(w), 29) * 0xBF58476D1CE4E5B9L;
    }
    long w = 0;
    for (int j = 0; i + j < length; j++) {
      w |= (b[offset + i + j] & 0xFFL) << (8 * j);
    }
    h ^= mix(w);
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }

  private static long mix(long w) {
    return Long.rotateLeft(w * 0x87C37B91114253D5L, 31) * 0x4CF5AD432745937FL;
  }
}
