package dev.cairn.bench.workload;

/**
 * Turns record numbers into keys.
 *
 * <p>A key is {@code keySize} bytes: eight bytes big-endian of an id, then zero padding. For {@link
 * #key(long)} the id is the record number passed through a bijective 64-bit mixer (the finalizer of
 * SplitMix64), so keys are unique, spread uniformly over the key space and not in insertion order
 * (YCSB's "hashed" insert order). For {@link #orderedKey(long)} the id is the record number itself,
 * so keys sort in record order (db_bench's fillseq). Record numbers at or above {@link
 * #MISSING_BASE} are never loaded; readmissing asks for them. Immutable and thread-safe.
 *
 * @param keySize bytes per key, at least 8
 */
public record KeySpace(int keySize) {

  /** Record numbers from here on are never loaded. */
  public static final long MISSING_BASE = 1L << 48;

  /**
   * @throws IllegalArgumentException if {@code keySize < 8}
   */
  public KeySpace {
    if (keySize < 8 || keySize > 65_535) {
      throw new IllegalArgumentException("key size must be in [8, 65535], got " + keySize);
    }
  }

  /** The key of record {@code n}, in hashed order. */
  public byte[] key(long n) {
    return encode(mix(n));
  }

  /** The key of record {@code n}, in record order. */
  public byte[] orderedKey(long n) {
    return encode(n);
  }

  private byte[] encode(long id) {
    byte[] k = new byte[keySize];
    for (int i = 0; i < 8; i++) {
      k[i] = (byte) (id >>> (56 - 8 * i));
    }
    return k;
  }

  /** SplitMix64's finalizer: a bijection on 64-bit values. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
