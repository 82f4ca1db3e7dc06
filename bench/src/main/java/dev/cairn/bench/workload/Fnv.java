package dev.cairn.bench.workload;

/** 64-bit FNV-1a over the eight bytes of a long, little end first, as YCSB's {@code fnvhash64}. */
final class Fnv {

  private static final long OFFSET_BASIS = 0xCBF29CE484222325L;
  private static final long PRIME = 1099511628211L;

  private Fnv() {}

  static long hash64(long value) {
    long hash = OFFSET_BASIS;
    long v = value;
    for (int i = 0; i < 8; i++) {
      hash ^= v & 0xFF;
      hash *= PRIME;
      v >>>= 8;
    }
    return hash;
  }
}
