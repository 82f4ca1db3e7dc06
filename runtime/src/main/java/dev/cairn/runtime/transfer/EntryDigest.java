package dev.cairn.runtime.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An order-independent digest of a set of entries: the sum, modulo 2<sup>256</sup>, of the SHA-256
 * of each entry's record bytes ({@code | key length (2B LE) | value length (4B LE) | key | value
 * |}), read as a big-endian 256-bit number. Not thread-safe.
 *
 * <p>Design. A sum does not depend on the order entries are added in, so a reader can check a
 * stream written in a hash engine's order against a B+tree that iterates in key order, and two
 * ranges' digests add up to the digest of their union, which is what a copy verified range by range
 * needs. An entry's hash covers its lengths, so ({@code ab}, {@code c}) and ({@code a}, {@code bc})
 * differ. A sum of hashes is the additive multiset hash of Bellare and Micciancio ("A New Paradigm
 * for Collision-free Hashing", 1997: AdHash): made to catch damage and lost or changed entries, not
 * to stand against someone crafting collisions, which the 256-bit modulus does not rule out
 * (Wagner's generalized birthday attack); the chunks' CRCs and this digest are integrity checks,
 * not signatures. An entry added twice counts twice: a duplicate changes the digest (an XOR would
 * cancel it).
 *
 * <p>Public so that other verifications (a migration's per-range checksums, {@code
 * dev.cairn.runtime.migrate}) compute the same digest as the export stream.
 *
 * @since 1.2
 */
public final class EntryDigest {

  private final MessageDigest sha;
  private final byte[] head = new byte[ExportFormat.RECORD_HEADER_SIZE];
  // NB: the 256-bit sum as four 64-bit limbs, most significant first, as the digest is printed
  private final long[] sum = new long[4];
  private long entries;
  private long bytes;

  /**
   * An empty digest: no entries, digest zero.
   *
   * @since 1.2
   */
  public EntryDigest() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Adds one entry.
   *
   * @since 1.2
   */
  public void add(byte[] key, byte[] value) {
    add(key, value, 0, value.length);
  }

  /** Adds one entry; {@code value} is {@code value[off, off + len)}. */
  void add(byte[] key, byte[] value, int off, int len) {
    head[0] = (byte) key.length;
    head[1] = (byte) (key.length >>> 8);
    head[2] = (byte) len;
    head[3] = (byte) (len >>> 8);
    head[4] = (byte) (len >>> 16);
    head[5] = (byte) (len >>> 24);
    sha.update(head);
    sha.update(key);
    sha.update(value, off, len);
    addHash(sha.digest());
    entries++;
    bytes += key.length + (long) len;
  }

  /** Adds one entry whose record bytes are {@code record[off, off + len)}, as framed. */
  void addRecord(byte[] record, int off, int len, int keyLength, int valueLength) {
    sha.update(record, off, len);
    addHash(sha.digest());
    entries++;
    bytes += keyLength + (long) valueLength;
  }

  private void addHash(byte[] h) {
    long carry = 0;
    for (int limb = 3; limb >= 0; limb--) {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[limb * 8 + i] & 0xFF);
      }
      long s = sum[limb] + v;
      long c1 = Long.compareUnsigned(s, v) < 0 ? 1 : 0;
      long s2 = s + carry;
      long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
      sum[limb] = s2;
      carry = c1 + c2;
    }
  }

  /**
   * Entries added.
   *
   * @since 1.2
   */
  public long entries() {
    return entries;
  }

  /**
   * Bytes of keys and values added.
   *
   * @since 1.2
   */
  public long bytes() {
    return bytes;
  }

  /**
   * The digest: the sum, big-endian, 32 bytes.
   *
   * @since 1.2
   */
  public byte[] digest() {
    byte[] out = new byte[ExportFormat.DIGEST_SIZE];
    for (int limb = 0; limb < 4; limb++) {
      for (int i = 0; i < 8; i++) {
        out[limb * 8 + i] = (byte) (sum[limb] >>> (56 - 8 * i));
      }
    }
    return out;
  }

  /**
   * A digest in lowercase hexadecimal, as the export's summary prints it.
   *
   * @since 1.2
   */
  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  /**
   * The stream's digest: SHA-256 over, for each keyspace in the header's order, its name's length
   * (1B), name (ASCII), entries (8B LE) and digest (32B).
   */
  static byte[] streamDigest(java.util.List<String> names, long[] entries, byte[][] digests) {
    MessageDigest s;
    try {
      s = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    for (int i = 0; i < names.size(); i++) {
      byte[] name = names.get(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      s.update((byte) name.length);
      s.update(name);
      for (int b = 0; b < 8; b++) {
        s.update((byte) (entries[i] >>> (8 * b)));
      }
      s.update(digests[i]);
    }
    return s.digest();
  }
}
