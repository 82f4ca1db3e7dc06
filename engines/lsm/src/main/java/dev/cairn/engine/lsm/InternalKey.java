package dev.cairn.engine.lsm;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A key as the tree stores it: a store key, a sequence number and a kind. The pair (sequence, kind)
 * is packed into one long, the <em>trailer</em>: {@code sequence << 8 | kind}.
 *
 * <p>Order: store keys ascending (unsigned), then trailers <em>descending</em>, so the newest
 * version of a key comes first and a seek to {@code (key, S << 8 | 0xFF)} lands on the newest
 * version a reader at sequence {@code S} may see (LevelDB's {@code dbformat.h}).
 *
 * <p>A store key is the keyspace's prefix followed by the caller's key ({@link StoreKeys}); nothing
 * below the engine's handle sees callers' keys.
 *
 * <p>In tables an internal key is encoded as the store key followed by the trailer, 8 bytes little
 * endian ({@link #encode}); {@link #compareEncoded} orders those bytes as this class orders keys.
 *
 * <p>Immutable; the arrays are never modified after construction.
 */
final class InternalKey {

  /** The largest sequence number: 56 bits. */
  static final long MAX_SEQUENCE = (1L << 56) - 1;

  /** Bytes of the trailer in an encoded key. */
  static final int TRAILER_SIZE = 8;

  /** A tombstone. */
  static final int DELETE = 0;

  /** A value. */
  static final int PUT = 1;

  /**
   * A range tombstone ({@link RangeTombstones}): in a table's range-deletion block and a log's
   * batch records, never among the point entries.
   */
  static final int RANGE_DELETE = 2;

  /**
   * The trailer of a range sentinel: the last key a table records when its last key is the
   * (exclusive) end of a range tombstone. It orders before every real entry of its store key.
   */
  static final long RANGE_SENTINEL = (MAX_SEQUENCE << 8) | RANGE_DELETE;

  /** The kind used in seek targets: above every real kind, so the target sorts first. */
  static final int SEEK_KIND = 0xFF;

  /** Internal key order. */
  static final Comparator<InternalKey> ORDER = InternalKey::compare;

  final byte[] userKey;
  final long trailer;

  InternalKey(byte[] userKey, long trailer) {
    this.userKey = userKey;
    this.trailer = trailer;
  }

  static long trailer(long sequence, int kind) {
    return sequence << 8 | kind;
  }

  static long sequenceOf(long trailer) {
    return trailer >>> 8;
  }

  static int kindOf(long trailer) {
    return (int) (trailer & 0xFF);
  }

  long sequence() {
    return trailer >>> 8;
  }

  int kind() {
    return (int) (trailer & 0xFF);
  }

  /** The first key a reader at {@code sequence} may see for {@code userKey}. */
  static InternalKey seekTarget(byte[] userKey, long sequence) {
    return new InternalKey(userKey, trailer(sequence, SEEK_KIND));
  }

  /** The range sentinel of {@code userKey}: the exclusive end of a table's range tombstones. */
  static InternalKey rangeSentinel(byte[] userKey) {
    return new InternalKey(userKey, RANGE_SENTINEL);
  }

  /** Whether this is a range sentinel: a table's last key that the table does not hold. */
  boolean isRangeSentinel() {
    return trailer == RANGE_SENTINEL;
  }

  /** The last internal key of {@code userKey}: below every version of it. */
  static InternalKey lastOf(byte[] userKey) {
    return new InternalKey(userKey, 0);
  }

  static int compare(InternalKey a, InternalKey b) {
    return compare(a.userKey, a.trailer, b.userKey, b.trailer);
  }

  static int compare(byte[] aKey, long aTrailer, byte[] bKey, long bTrailer) {
    int c = Arrays.compareUnsigned(aKey, bKey);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(bTrailer, aTrailer);
  }

  /** The encoded form: the store key, then the trailer in 8 bytes little endian. */
  byte[] encode() {
    return encode(userKey, trailer);
  }

  static byte[] encode(byte[] userKey, long trailer) {
    byte[] b = Arrays.copyOf(userKey, userKey.length + TRAILER_SIZE);
    putTrailer(b, userKey.length, trailer);
    return b;
  }

  static void putTrailer(byte[] b, int at, long trailer) {
    for (int i = 0; i < TRAILER_SIZE; i++) {
      b[at + i] = (byte) (trailer >>> (8 * i));
    }
  }

  static long trailerOf(byte[] encoded, int offset, int length) {
    long t = 0;
    int at = offset + length - TRAILER_SIZE;
    for (int i = 0; i < TRAILER_SIZE; i++) {
      t |= (encoded[at + i] & 0xFFL) << (8 * i);
    }
    return t;
  }

  /** The key an encoded internal key holds; {@code length} is at least {@link #TRAILER_SIZE}. */
  static InternalKey decode(byte[] encoded, int offset, int length) {
    return new InternalKey(
        Arrays.copyOfRange(encoded, offset, offset + length - TRAILER_SIZE),
        trailerOf(encoded, offset, length));
  }

  static InternalKey decode(byte[] encoded) {
    return decode(encoded, 0, encoded.length);
  }

  /** Orders two encoded internal keys as {@link #ORDER} orders what they encode. */
  static int compareEncoded(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
    int c =
        Arrays.compareUnsigned(
            a, aOff, aOff + aLen - TRAILER_SIZE, b, bOff, bOff + bLen - TRAILER_SIZE);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(trailerOf(b, bOff, bLen), trailerOf(a, aOff, aLen));
  }

  static int compareEncoded(byte[] a, byte[] b) {
    return compareEncoded(a, 0, a.length, b, 0, b.length);
  }

  /** Compares an encoded key with a decoded one. */
  static int compareEncoded(byte[] a, int aOff, int aLen, InternalKey b) {
    int c =
        Arrays.compareUnsigned(a, aOff, aOff + aLen - TRAILER_SIZE, b.userKey, 0, b.userKey.length);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(b.trailer, trailerOf(a, aOff, aLen));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InternalKey k && k.trailer == trailer && Arrays.equals(k.userKey, userKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(userKey) * 31 + Long.hashCode(trailer);
  }

  @Override
  public String toString() {
    return dev.cairn.engine.toolkit.Bytes.hex(userKey) + "@" + sequence() + ":" + kind();
  }
}
