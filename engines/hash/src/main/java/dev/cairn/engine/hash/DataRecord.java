package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One record of a data file, and its codec. Spec: {@code docs/formats/hash-data-file.md}.
 *
 * <p>A data file is a toolkit record log ({@code docs/formats/toolkit-record.md}); each record's
 * type says what it is and its payload holds the operation:
 *
 * <pre>
 * put / delete payload: | seq (8B LE) | key length (varint) | key | value (the rest; none for a delete) |
 * merge-info payload:   | count (varint) | superseded file id (varint) ... |
 * </pre>
 *
 * <p>Atomic batches: every operation of a batch but the last is written with a {@code *_MORE} type,
 * the last with the plain type. A batch is committed once its last record is; recovery drops a run
 * of {@code *_MORE} records that the file's valid end cuts short, so a torn batch vanishes whole.
 *
 * @param type one of the type constants
 * @param seq the sequence number (0 for merge info)
 * @param key the key (empty for merge info)
 * @param value the value, or null for a delete
 */
record DataRecord(int type, long seq, byte[] key, byte[] value) {

  static final int PUT = 1;
  static final int DELETE = 2;
  static final int PUT_MORE = 3;
  static final int DELETE_MORE = 4;
  static final int MERGE_INFO = 5;

  static boolean isOperation(int type) {
    return type >= PUT && type <= DELETE_MORE;
  }

  static boolean isDelete(int type) {
    return type == DELETE || type == DELETE_MORE;
  }

  static boolean continues(int type) {
    return type == PUT_MORE || type == DELETE_MORE;
  }

  /** The type of an operation record: put or delete, continued by more of its batch or not. */
  static int typeOf(boolean delete, boolean more) {
    return delete ? (more ? DELETE_MORE : DELETE) : (more ? PUT_MORE : PUT);
  }

  boolean isDelete() {
    return isDelete(type);
  }

  /** Framed bytes of an operation record. */
  static int frameSize(byte[] key, byte[] value) {
    return RecordBuffers.frameSize(
        8 + Varints.sizeOf(key.length) + key.length + (value == null ? 0 : value.length));
  }

  /** Frames an operation record into {@code target} (little-endian or not; it is set here). */
  static void encode(ByteBuffer target, int type, long seq, byte[] key, byte[] value) {
    int start = RecordBuffers.begin(target);
    target.order(ByteOrder.LITTLE_ENDIAN).putLong(seq);
    Varints.putUnsignedInt(target, key.length);
    target.put(key);
    if (value != null) {
      target.put(value);
    }
    RecordBuffers.end(target, start, type);
  }

  /** The payload of a merge-info record listing {@code ids}. */
  static byte[] mergeInfo(int[] ids) {
    ByteBuffer b = ByteBuffer.allocate(Varints.MAX_INT_BYTES * (ids.length + 1));
    Varints.putUnsignedInt(b, ids.length);
    for (int id : ids) {
      Varints.putUnsignedInt(b, id);
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  /**
   * The file ids a merge-info payload lists.
   *
   * @throws CorruptionException if the payload is malformed
   */
  static int[] parseMergeInfo(byte[] payload, String where) {
    ByteBuffer b = ByteBuffer.wrap(payload);
    int n = Varints.getUnsignedInt(b);
    if (n < 0 || n > payload.length) {
      throw new CorruptionException(where + ": merge info lists an impossible " + n + " files");
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = Varints.getUnsignedInt(b);
    }
    return ids;
  }

  /**
   * Parses an operation record's payload.
   *
   * @throws CorruptionException if the type is not an operation or the payload is malformed
   */
  static DataRecord decode(int type, byte[] bytes, int off, int len, String where) {
    if (!isOperation(type)) {
      throw new CorruptionException(where + ": record type " + type + " is not an operation");
    }
    int keyStart = keyStart(bytes, off, len, where);
    int keyLen = keyLength(bytes, off, keyStart, len, where);
    long seq = ByteBuffer.wrap(bytes, off, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    byte[] key = Arrays.copyOfRange(bytes, keyStart, keyStart + keyLen);
    byte[] value = isDelete(type) ? null : Arrays.copyOfRange(bytes, keyStart + keyLen, off + len);
    if (isDelete(type) && keyStart + keyLen != off + len) {
      throw new CorruptionException(where + ": delete record carries a value");
    }
    return new DataRecord(type, seq, key, value);
  }

  /** Where the key starts in an operation payload at {@code off}. */
  private static int keyStart(byte[] bytes, int off, int len, String where) {
    if (len < 9) {
      throw new CorruptionException(
          where + ": operation payload of " + len + " bytes is too short");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, off + 8, len - 8);
    try {
      Varints.getUnsignedInt(b);
    } catch (CorruptionException e) {
      throw new CorruptionException(where + ": bad key length: " + e.getMessage(), e);
    }
    return b.position();
  }

  private static int keyLength(byte[] bytes, int off, int keyStart, int len, String where) {
    int keyLen = Varints.getUnsignedInt(ByteBuffer.wrap(bytes, off + 8, len - 8));
    if (keyLen < 0 || keyLen > off + len - keyStart) {
      throw new CorruptionException(
          where + ": key length " + Integer.toUnsignedString(keyLen) + " overruns the record");
    }
    return keyLen;
  }

  /**
   * The sequence number of a checked operation record's payload at {@code off}, without parsing the
   * rest.
   */
  static long seqOf(byte[] bytes, int off) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
  }

  /**
   * Whether the operation payload at {@code off} holds {@code key}; checks the key length against
   * the payload.
   *
   * @throws CorruptionException if the payload is malformed
   */
  static boolean hasKey(byte[] bytes, int off, int len, byte[] key, String where) {
    int keyStart = keyStart(bytes, off, len, where);
    int keyLen = keyLength(bytes, off, keyStart, len, where);
    return keyLen == key.length
        && Arrays.equals(bytes, keyStart, keyStart + keyLen, key, 0, key.length);
  }

  /** The value of a put payload at {@code off} whose key is {@code keyLength} bytes long. */
  static byte[] valueOf(byte[] bytes, int off, int len, int keyLength) {
    int keyStart = off + 8 + Varints.sizeOf(keyLength);
    return Arrays.copyOfRange(bytes, keyStart + keyLength, off + len);
  }
}
