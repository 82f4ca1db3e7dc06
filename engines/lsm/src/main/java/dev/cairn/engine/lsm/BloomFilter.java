package dev.cairn.engine.lsm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A table's whole-key bloom filter: {@code k} bits set per key in an array of about {@code
 * bitsPerKey} bits a key, so a lookup of a key the table lacks reads no data block with probability
 * about 1% at 10 bits.
 *
 * <p>Two kinds, told apart by the last byte. Tables are written with the <b>blocked</b> kind
 * (RocksDB's {@code FastLocalBloom}, after Putze, Sanders and Singler's cache-local filters): the
 * array is cut into 64-byte blocks, the low half of the key's hash picks one block, and all {@code
 * k} probes fall in it, so a lookup touches one cache line instead of {@code k}, and needs no
 * division.
 *
 * <pre>
 * blocked: | blocks (64 bytes each) | 0x40 + k (1B) |
 * classic: | bit array (n bytes) | k (1B) |
 * </pre>
 *
 * <p>The classic kind (LevelDB's {@code util/bloom.cc}), read still: probe {@code i} sets bit
 * {@code (h1 + i * h2) mod bits}, with {@code h1} and {@code h2} the low and high halves of the
 * hash (Kirsch and Mitzenmacher). A reader that knows neither kind (a last byte outside 1 to 30)
 * passes every key, so an older reader reads a blocked filter as no filter: slower, never wrong.
 * The hash and both kinds are specified in {@code docs/formats/lsm-table.md}; changing them changes
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

  /** Added to {@code k} in a blocked filter's last byte (a classic one's is {@code k}, 1 to 30). */
  static final int BLOCKED = 0x40;

  private static final int BLOCK_BYTES = 64;

  /**
   * A blocked filter holding the keys whose hashes are the first {@code count} of {@code hashes}:
   * about {@code bitsPerKey} bits a key, in whole 64-byte blocks, at least one.
   */
  static byte[] build(long[] hashes, int count, int bitsPerKey) {
    long bits = Math.max(1, (long) count * bitsPerKey);
    long blocks =
        Math.min((bits + BLOCK_BYTES * 8 - 1) / (BLOCK_BYTES * 8), (Integer.MAX_VALUE - 16) / 64);
    int k = probes(bitsPerKey);
    byte[] filter = new byte[(int) blocks * BLOCK_BYTES + 1];
    filter[filter.length - 1] = (byte) (BLOCKED + k);
    for (int i = 0; i < count; i++) {
      long h = hashes[i];
      int base = blockOf(h, blocks);
      int g = (int) (h >>> 32);
      for (int j = 0; j < k; j++) {
        int bit = g >>> 23; // the top 9 bits: one of the block's 512
        filter[base + (bit >>> 3)] |= (byte) (1 << (bit & 7));
        g *= 0x9E3779B9;
      }
    }
    return filter;
  }

  /** The offset of the block the key with hash {@code h} probes: the low half scaled. */
  private static int blockOf(long h, long blocks) {
    return (int) (((h & 0xFFFF_FFFFL) * blocks) >>> 32) * BLOCK_BYTES;
  }

  /** A classic filter (the kind tables were first written with); for tests of reading it. */
  static byte[] buildClassic(long[] hashes, int count, int bitsPerKey) {
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
   * filter too short to hold a probe count, or with a count above 30 or a shape this code does not
   * know, answers true: it filters nothing.
   */
  static boolean mayContain(byte[] filter, long h) {
    int length = filter.length;
    if (length < 2) {
      return true;
    }
    int k = filter[length - 1] & 0xFF;
    if (k > BLOCKED && k <= BLOCKED + 30 && (length - 1) % BLOCK_BYTES == 0) {
      k -= BLOCKED;
      int base = blockOf(h, (length - 1) / BLOCK_BYTES);
      int g = (int) (h >>> 32);
      for (int j = 0; j < k; j++) {
        int bit = g >>> 23;
        if ((filter[base + (bit >>> 3)] & (1 << (bit & 7))) == 0) {
          return false;
        }
        g *= 0x9E3779B9;
      }
      return true;
    }
    if (k < 1 || k > 30) {
      return true;
    }
    int bytes = length - 1;
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
