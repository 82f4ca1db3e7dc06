package dev.cairn.engine.lsm;

import dev.cairn.spi.CorruptionException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The logical records of a write-ahead log ({@code docs/formats/lsm-wal.md}), each framed by {@link
 * WalFormat}. The first byte says what a record is:
 *
 * <pre>
 * file header: | 1 | magic "CAIRNWAL" (8B) | format version (4B LE) | WAL number (8B LE) |
 * batch:       | 2 | synced before (8B LE) | first sequence (8B LE) | count (4B LE) | ops |
 * close:       | 3 | synced before (8B LE) | last sequence (8B LE) |
 * </pre>
 *
 * <p><b>Synced before</b> is the offset up to which the log had been forced when the record was
 * framed. Recovery uses it to tell a torn tail from damage: bytes below an offset that a later
 * record says was synced cannot have been lost to a crash.
 */
final class WalRecord {

  static final int FILE_HEADER = 1;
  static final int BATCH = 2;
  static final int CLOSE = 3;

  static final int FILE_HEADER_SIZE = 1 + 8 + 4 + 8;
  static final int BATCH_HEAD_SIZE = 1 + 8 + 8 + 4;
  static final int CLOSE_SIZE = 1 + 8 + 8;

  private static final byte[] MAGIC = "CAIRNWAL".getBytes(StandardCharsets.US_ASCII);

  private WalRecord() {}

  static ByteBuffer fileHeader(long walNumber) {
    ByteBuffer b = ByteBuffer.allocate(FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) FILE_HEADER).put(MAGIC).putInt(FormatVersion.CURRENT.number()).putLong(walNumber);
    return b.flip();
  }

  static void batchHead(ByteBuffer b, long syncedBefore, long firstSeq, int count) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) BATCH).putLong(syncedBefore).putLong(firstSeq).putInt(count);
  }

  static ByteBuffer close(long syncedBefore, long lastSeq) {
    ByteBuffer b = ByteBuffer.allocate(CLOSE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) CLOSE).putLong(syncedBefore).putLong(lastSeq);
    return b.flip();
  }

  /** The record's kind, or 0 when it is empty. */
  static int kind(byte[] record) {
    return record.length == 0 ? 0 : record[0] & 0xFF;
  }

  /**
   * Checks a file header record.
   *
   * @return the log's format version
   * @throws CorruptionException if it is not one
   * @throws dev.cairn.spi.IncompatibleVersionException for a newer format
   */
  static FormatVersion checkFileHeader(byte[] record, long walNumber, String where) {
    if (record.length != FILE_HEADER_SIZE
        || kind(record) != FILE_HEADER
        || !Arrays.equals(record, 1, 9, MAGIC, 0, MAGIC.length)) {
      throw new CorruptionException(where + ": not a write-ahead log (bad header record)");
    }
    ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
    FormatVersion version = FormatVersion.of(b.getInt(9), where);
    long number = b.getLong(13);
    if (number != walNumber) {
      throw new CorruptionException(
          where + ": the log's header names log " + number + ", not " + walNumber);
    }
    return version;
  }

  /**
   * The "synced before" offset of a batch or close record, read from its first bytes, or -1 when
   * {@code prefix} holds too little of such a record.
   */
  static long syncedBefore(byte[] prefix, int length) {
    if (length < 9) {
      return -1;
    }
    int kind = prefix[0] & 0xFF;
    if (kind != BATCH && kind != CLOSE) {
      return -1;
    }
    return ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong(1);
  }

  /**
   * A batch record's head.
   *
   * @param syncedBefore the offset forced before it was written
   * @param firstSequence the sequence of its first operation
   * @param count how many operations it holds
   */
  record BatchHead(long syncedBefore, long firstSequence, int count) {}

  /**
   * Reads a batch record's head.
   *
   * @throws CorruptionException if the record is too short
   */
  static BatchHead batchHead(byte[] record, String where) {
    if (record.length < BATCH_HEAD_SIZE) {
      throw new CorruptionException(where + ": a batch record of " + record.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
    long first = b.getLong(9);
    int count = b.getInt(17);
    if (first < 1 || first > InternalKey.MAX_SEQUENCE || count < 0) {
      throw new CorruptionException(
          where + ": a batch record with first sequence " + first + " and count " + count);
    }
    return new BatchHead(b.getLong(1), first, count);
  }

  /**
   * A close record's last sequence.
   *
   * @throws CorruptionException if the record is not a close record
   */
  static long closeLastSequence(byte[] record, String where) {
    if (record.length != CLOSE_SIZE) {
      throw new CorruptionException(where + ": a close record of " + record.length + " bytes");
    }
    return ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getLong(9);
  }
}
