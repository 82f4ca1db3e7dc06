package dev.cairn.engine.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH64 of a key with a per-store random seed: the 64-bit hash the {@link Keydir} files keys by.
 *
 * <p>The seed is drawn when a store opens and never written down (hint files hold keys, not
 * hashes), so an adversary who picks keys cannot aim them at one probe chain. The hash never
 * decides key equality on its own: every candidate is verified against the key in its data file.
 *
 * <p>Thread-safe: immutable.
 */
final class KeyHash {

  // XXH64 by Yann Collet (github.com/Cyan4973/xxHash, doc/xxhash_spec.md), a well-studied 64-bit
  // hash with good avalanche; implemented here from its specification.
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final long seed;

  KeyHash(long seed) {
    this.seed = seed;
  }

  /** The hash of all of {@code key}. */
  long hash(byte[] key) {
    return hash(key, 0, key.length);
  }

  /** The hash of {@code length} bytes of {@code b} from {@code off}. */
  long hash(byte[] b, int off, int length) {
    int end = off + length;
    int p = off;
    long h;
    if (length >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = end - 32;
      do {
        v1 = round(v1, (long) LONG.get(b, p));
        v2 = round(v2, (long) LONG.get(b, p + 8));
        v3 = round(v3, (long) LONG.get(b, p + 16));
        v4 = round(v4, (long) LONG.get(b, p + 24));
        p += 32;
      } while (p <= limit);
      h =
          Long.rotateLeft(v1, 1)
              + Long.rotateLeft(v2, 7)
              + Long.rotateLeft(v3, 12)
              + Long.rotateLeft(v4, 18);
      h = merge(h, v1);
      h = merge(h, v2);
      h = merge(h, v3);
      h = merge(h, v4);
    } else {
      h = seed + P5;
    }
    h += length;
    while (p + 8 <= end) {
      h ^= round(0, (long) LONG.get(b, p));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      p += 8;
    }
    if (p + 4 <= end) {
      h ^= ((int) INT.get(b, p) & 0xFFFF_FFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      p += 4;
    }
    while (p < end) {
      h ^= (b[p] & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      p++;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long merge(long acc, long v) {
    acc ^= round(0, v);
    return acc * P1 + P4;
  }
}
